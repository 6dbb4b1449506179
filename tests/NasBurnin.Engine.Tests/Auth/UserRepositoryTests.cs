using NasBurnin.Engine.Auth;
using NasBurnin.Engine.Common;
using NasBurnin.Engine.Store;
using Xunit;

namespace NasBurnin.Engine.Tests.Auth;

public class UserRepositoryTests
{
    private static readonly Actor Alice = new("alice", "ssh:10.0.0.5");

    [Fact]
    public void The_first_user_is_always_an_admin_and_first_user_setup_works_only_while_the_table_is_empty()
    {
        using var f = new AuthFixture();
        var first = f.Users.Create("alice", "Alice A", isAdmin: false, "password1", AuthFixture.Os, firstUserSetup: true);
        Assert.True(first.IsAdmin);
        Assert.Equal("Alice A", first.FullName);
        var e = Assert.Throws<BurninException>(() => f.Users.Create("mallory", null, true, "password2", AuthFixture.Os, firstUserSetup: true));
        Assert.Equal("AdminRequired", e.ErrorId);
        Assert.Null(f.Users.Find("mallory"));
        var created = Assert.Single(new AuditLog(f.Store).Query(new AuditQuery(Types: new[] { AuditTypes.Created })));
        Assert.Contains("first user", created.Detail);
        Assert.Equal(AuthFixture.Os.Source, created.Source);
    }

    [Fact]
    public void Names_are_checked_and_unique_regardless_of_case()
    {
        using var f = new AuthFixture();
        f.CreateUser("alice", "password1", admin: true);
        Assert.Equal("UserExists", Assert.Throws<BurninException>(() => f.Users.Create("ALICE", null, false, "password2", Alice, false)).ErrorId);
        foreach (var bad in new[] { "", " ", "-dash", "has space", "semi;colon", new string('a', 65) })
            Assert.Equal("InvalidUserName", Assert.Throws<BurninException>(() => f.Users.Create(bad, null, false, "password2", Alice, false)).ErrorId);
        Assert.Equal("PasswordTooShort", Assert.Throws<BurninException>(() => f.Users.Create("bob", null, false, "1234567", Alice, false)).ErrorId);
        Assert.Single(f.Users.List());
    }

    [Fact]
    public void The_last_enabled_admin_can_be_neither_removed_nor_demoted_nor_disabled()
    {
        using var f = new AuthFixture();
        f.CreateUser("alice", "password1", admin: true);
        f.CreateUser("bob", "password2");
        foreach (var act in new Action[]
                 {
                     () => f.Users.Remove("alice", Alice),
                     () => f.Users.Update("alice", new UserChanges(IsAdmin: false), Alice),
                     () => f.Users.Update("alice", new UserChanges(IsDisabled: true), Alice),
                 })
            Assert.Equal("LastAdmin", Assert.Throws<BurninException>(act).ErrorId);
        // A disabled admin does not count as the one who remains.
        f.Users.Update("bob", new UserChanges(IsAdmin: true, IsDisabled: true), Alice);
        Assert.Equal("LastAdmin", Assert.Throws<BurninException>(() => f.Users.Remove("alice", Alice)).ErrorId);
        f.Users.Update("bob", new UserChanges(IsDisabled: false), Alice);
        f.Users.Remove("alice", Alice);
        Assert.Equal(new[] { "bob" }, f.Users.List().Select(u => u.UserName));
        var types = new AuditLog(f.Store).Query(new AuditQuery()).Select(e => e.Type).ToList();
        Assert.Contains(AuditTypes.Updated, types);
        Assert.Contains(AuditTypes.Removed, types);
    }

    [Fact]
    public void Update_records_what_changed_and_a_no_change_records_nothing()
    {
        using var f = new AuthFixture();
        f.CreateUser("alice", "password1", admin: true);
        f.CreateUser("bob", "password2");
        var bob = f.Users.Update("bob", new UserChanges(FullName: "Bob B", IsAdmin: true), Alice);
        Assert.Equal(("Bob B", true), (bob.FullName, bob.IsAdmin));
        f.Users.Update("bob", new UserChanges(FullName: "Bob B"), Alice);
        var updated = Assert.Single(new AuditLog(f.Store).Query(new AuditQuery(Types: new[] { AuditTypes.Updated })));
        Assert.Equal(("alice", "ssh:10.0.0.5"), (updated.Operator, updated.Source));
        Assert.Contains("IsAdmin False -> True", updated.Detail);
        Assert.Null(f.Users.Update("bob", new UserChanges(FullName: ""), Alice).FullName);
    }

    [Fact]
    public void Reset_sets_a_new_password_and_clears_the_lockouts_of_every_source()
    {
        using var f = new AuthFixture();
        f.CreateUser("alice", "password1", admin: true);
        foreach (var src in new[] { "ssh:10.0.0.1", "ssh:10.0.0.2" })
            for (var i = 0; i < LockoutPolicy.MaxFailures; i++)
                Assert.ThrowsAny<BurninException>(() => f.Login.SignIn("alice", "bad-" + i, src));
        Assert.Equal(2, f.Users.Get("alice").Locks.Count);
        f.Users.Reset("alice", "fresh-password", Alice);
        Assert.Empty(f.Users.Get("alice").Locks);
        f.Login.SignIn("alice", "fresh-password", "ssh:10.0.0.1");
        var reset = Assert.Single(new AuditLog(f.Store).Query(new AuditQuery(Types: new[] { AuditTypes.Reset })));
        Assert.Equal("ssh:10.0.0.5", reset.Source);
        Assert.Contains("20 failed sign-in record(s)", reset.Detail);
        Assert.Equal("UserNotFound", Assert.Throws<BurninException>(() => f.Users.Reset("nobody", "fresh-password", Alice)).ErrorId);
    }
}
