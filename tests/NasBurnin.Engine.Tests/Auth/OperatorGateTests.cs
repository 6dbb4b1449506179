using NasBurnin.Engine.Auth;
using NasBurnin.Engine.Common;
using Xunit;

namespace NasBurnin.Engine.Tests.Auth;

public class OperatorGateTests
{
    private const string Src = "ssh:192.0.2.1";

    [Fact]
    public void Without_users_the_OS_user_acts_and_first_user_setup_is_open()
    {
        using var f = new AuthFixture();
        var actor = OperatorGate.RequireOperator(f.Store, null, Src);
        Assert.Equal((Environment.UserName, Src), (actor.Operator, actor.Source));
        Assert.True(OperatorGate.RequireAdmin(f.Store, null, Src).FirstUserSetup);
    }

    [Fact]
    public void Once_a_user_exists_nobody_signed_in_is_refused_naming_Connect_BurninOperator()
    {
        using var f = new AuthFixture();
        f.CreateUser("alice", "password1", admin: true);
        var e = Assert.Throws<BurninException>(() => OperatorGate.RequireOperator(f.Store, null, Src));
        Assert.Equal("OperatorSignInRequired", e.ErrorId);
        Assert.Equal(ErrorKind.PermissionDenied, e.Kind);
        Assert.Contains("Connect-BurninOperator", e.Message);
        Assert.Equal("OperatorSignInRequired", Assert.Throws<BurninException>(() => OperatorGate.RequireAdmin(f.Store, null, Src)).ErrorId);
    }

    [Fact]
    public void The_signed_in_operator_acts_with_the_stored_spelling_of_the_name()
    {
        using var f = new AuthFixture();
        f.CreateUser("alice", "password1", admin: true);
        Assert.Equal(new Actor("alice", Src), OperatorGate.RequireOperator(f.Store, "ALICE", Src));
        var admin = OperatorGate.RequireAdmin(f.Store, "alice", Src);
        Assert.False(admin.FirstUserSetup);
        Assert.Equal("alice", admin.Actor.Operator);
    }

    [Fact]
    public void A_non_admin_may_act_but_not_administer_users()
    {
        using var f = new AuthFixture();
        f.CreateUser("alice", "password1", admin: true);
        f.CreateUser("bob", "password2");
        Assert.Equal("bob", OperatorGate.RequireOperator(f.Store, "bob", Src).Operator);
        var e = Assert.Throws<BurninException>(() => OperatorGate.RequireAdmin(f.Store, "bob", Src));
        Assert.Equal("AdminRequired", e.ErrorId);
        Assert.Contains("Connect-BurninOperator", e.Message);
    }

    [Fact]
    public void A_signed_in_user_that_was_since_disabled_or_removed_is_refused()
    {
        using var f = new AuthFixture();
        f.CreateUser("alice", "password1", admin: true);
        f.CreateUser("bob", "password2");
        f.CreateUser("carol", "password3");
        f.Users.Update("bob", new UserChanges(IsDisabled: true), AuthFixture.Os);
        f.Users.Remove("carol", AuthFixture.Os);
        var disabled = Assert.Throws<BurninException>(() => OperatorGate.RequireOperator(f.Store, "bob", Src));
        Assert.Equal("OperatorSignInRequired", disabled.ErrorId);
        Assert.Contains("disabled", disabled.Message);
        var removed = Assert.Throws<BurninException>(() => OperatorGate.RequireOperator(f.Store, "carol", Src));
        Assert.Equal("OperatorSignInRequired", removed.ErrorId);
        Assert.Contains("no longer exists", removed.Message);
    }
}
