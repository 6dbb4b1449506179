using NasBurnin.Engine.Auth;
using NasBurnin.Engine.Common;
using NasBurnin.Engine.Store;
using Xunit;

namespace NasBurnin.Engine.Tests.Auth;

/// <summary>The environment path itself is covered by the module tests (a child process with the variables set).</summary>
public class InitialAdminTests
{
    [Fact]
    public void Creates_the_first_admin_on_an_empty_store_and_stores_only_the_hash()
    {
        using var f = new AuthFixture();
        var admin = InitialAdmin.Apply(f.Store, "root-admin", "Initial-Pw-123", f.Hasher);
        Assert.NotNull(admin);
        Assert.True(admin!.IsAdmin);
        f.Login.SignIn("root-admin", "Initial-Pw-123", "ssh:10.0.0.1");
        var created = Assert.Single(new AuditLog(f.Store).Query(new AuditQuery(Types: new[] { AuditTypes.Created })));
        Assert.Contains(InitialAdmin.UserNameVariable, created.Detail);
        Assert.False(f.StoreFilesContain("Initial-Pw-123"));
    }

    [Fact]
    public void Is_ignored_once_any_user_exists()
    {
        using var f = new AuthFixture();
        f.CreateUser("alice", "password1", admin: true);
        Assert.Null(InitialAdmin.Apply(f.Store, "intruder", "Initial-Pw-123", f.Hasher));
        Assert.Null(f.Users.Find("intruder"));
        // Even a half-set or invalid pair is ignored then: it only matters for an empty store.
        Assert.Null(InitialAdmin.Apply(f.Store, "intruder", null, f.Hasher));
    }

    [Fact]
    public void Does_nothing_when_neither_is_set()
    {
        using var f = new AuthFixture();
        Assert.Null(InitialAdmin.Apply(f.Store, null, "", f.Hasher));
        Assert.False(f.Users.AnyUsers());
    }

    [Theory]
    [InlineData("root-admin", null, "InitialAdminIncomplete")]
    [InlineData(null, "Initial-Pw-123", "InitialAdminIncomplete")]
    [InlineData("root-admin", "tiny1", "InitialAdminInvalid")]
    [InlineData("bad name", "Initial-Pw-123", "InitialAdminInvalid")]
    public void A_half_set_or_invalid_pair_fails_closed_without_echoing_the_password(string? name, string? password, string errorId)
    {
        using var f = new AuthFixture();
        var e = Assert.Throws<BurninException>(() => InitialAdmin.Apply(f.Store, name, password, f.Hasher));
        Assert.Equal(errorId, e.ErrorId);
        if (password is not null) Assert.DoesNotContain(password, e.Message);
        Assert.False(f.Users.AnyUsers());
    }
}
