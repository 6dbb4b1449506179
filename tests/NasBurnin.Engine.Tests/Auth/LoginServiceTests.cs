using NasBurnin.Engine.Auth;
using NasBurnin.Engine.Common;
using NasBurnin.Engine.Store;
using Xunit;

namespace NasBurnin.Engine.Tests.Auth;

public class LoginServiceTests
{
    private const string Here = "ssh:10.0.0.5";
    private const string There = "ssh:10.0.0.6";
    private const string Right = "correct horse";

    private static BurninException Fail(Action a) => Assert.Throws<BurninException>(a);

    private static void FailTimes(AuthFixture f, string user, int n, string source = Here)
    {
        for (var i = 0; i < n; i++)
            Assert.Equal("LoginFailed", Fail(() => f.Login.SignIn(user, "wrong-" + i, source)).ErrorId);
    }

    [Fact]
    public void Right_password_signs_in_and_records_the_login_with_its_source()
    {
        using var f = new AuthFixture();
        f.CreateUser("alice", Right, admin: true);
        var user = f.Login.SignIn("ALICE", Right, Here);
        Assert.Equal("alice", user.UserName);
        Assert.Equal(f.Clock.UtcNow, user.LastLoginAt);
        var login = Assert.Single(f.Audit.Query(new AuditQuery(Types: new[] { AuditTypes.Login })));
        Assert.Equal(("alice", Here), (login.Operator, login.Source));
    }

    [Fact]
    public void A_store_without_users_says_so_instead_of_checking_anything()
    {
        using var f = new AuthFixture();
        var e = Fail(() => f.Login.SignIn("alice", Right, Here));
        Assert.Equal("NoUsers", e.ErrorId);
        Assert.Contains("New-BurninUser", e.Message);
        Assert.Equal(0, f.Hasher.Verifies);
    }

    [Fact]
    public void Unknown_user_costs_a_dummy_bcrypt_check_and_gets_the_same_error_as_a_wrong_password()
    {
        using var f = new AuthFixture();
        f.CreateUser("admin", Right, admin: true);
        var before = (f.Hasher.Verifies, f.Hasher.DummyVerifies);
        var unknown = Fail(() => f.Login.SignIn("carol", "whatever1", Here));
        Assert.Equal(before.Verifies + 1, f.Hasher.Verifies);
        Assert.Equal(before.DummyVerifies + 1, f.Hasher.DummyVerifies);

        f.CreateUser("carol", Right);
        var beforeKnown = (f.Hasher.Verifies, f.Hasher.DummyVerifies);
        var wrong = Fail(() => f.Login.SignIn("carol", "whatever1", There));
        Assert.Equal(beforeKnown.Verifies + 1, f.Hasher.Verifies);
        Assert.Equal(beforeKnown.DummyVerifies, f.Hasher.DummyVerifies); // the real hash this time

        Assert.Equal("LoginFailed", unknown.ErrorId);
        Assert.Equal((unknown.ErrorId, unknown.Kind, unknown.Message), (wrong.ErrorId, wrong.Kind, wrong.Message));
        Assert.DoesNotContain("whatever1", unknown.Message);
    }

    [Fact]
    public void Ten_failures_lock_the_pair_and_a_locked_pair_answers_the_same_for_right_and_wrong_passwords()
    {
        using var f = new AuthFixture();
        f.CreateUser("alice", Right, admin: true);
        FailTimes(f, "alice", LockoutPolicy.MaxFailures - 1);
        f.Clock.Advance(TimeSpan.FromMinutes(9));
        var tenth = Fail(() => f.Login.SignIn("alice", "wrong-10", Here));
        Assert.Equal("LoginLockedOut", tenth.ErrorId);
        var lockedAt = f.Clock.UtcNow;

        f.Clock.Advance(TimeSpan.FromMinutes(1));
        var verifies = f.Hasher.Verifies;
        var withRight = Fail(() => f.Login.SignIn("alice", Right, Here));
        var withWrong = Fail(() => f.Login.SignIn("alice", "wrong-11", Here));
        Assert.Equal(verifies, f.Hasher.Verifies); // not even checked
        Assert.Equal("LoginLockedOut", withRight.ErrorId);
        Assert.Equal((withRight.ErrorId, withRight.Kind, withRight.Message), (withWrong.ErrorId, withWrong.Kind, withWrong.Message));
        Assert.Equal(tenth.Message, withRight.Message);
        Assert.Contains((lockedAt + LockoutPolicy.LockDuration).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture), withRight.Message);
        Assert.Contains(Here, withRight.Message);

        var locked = Assert.Single(f.Users.Get("alice").Locks);
        Assert.Equal(new SourceLock(Here, lockedAt + LockoutPolicy.LockDuration), locked);

        // Still locked one second before the end; the right password works when it ends.
        f.Clock.UtcNow = lockedAt + LockoutPolicy.LockDuration - TimeSpan.FromSeconds(1);
        Assert.Equal("LoginLockedOut", Fail(() => f.Login.SignIn("alice", Right, Here)).ErrorId);
        f.Clock.UtcNow = lockedAt + LockoutPolicy.LockDuration;
        Assert.Equal("alice", f.Login.SignIn("alice", Right, Here).UserName);
        Assert.Empty(f.Users.Get("alice").Locks);
    }

    [Fact]
    public void Failures_spread_over_more_than_ten_minutes_do_not_lock()
    {
        using var f = new AuthFixture();
        f.CreateUser("alice", Right, admin: true);
        FailTimes(f, "alice", LockoutPolicy.MaxFailures - 1);
        f.Clock.Advance(LockoutPolicy.Window + TimeSpan.FromSeconds(1));
        FailTimes(f, "alice", 1);
        Assert.Empty(f.Users.Get("alice").Locks);
    }

    [Fact]
    public void A_lockout_of_one_source_leaves_another_source_signing_in()
    {
        using var f = new AuthFixture();
        f.CreateUser("alice", Right, admin: true);
        FailTimes(f, "alice", LockoutPolicy.MaxFailures - 1);
        Assert.Equal("LoginLockedOut", Fail(() => f.Login.SignIn("alice", "x-wrong-x", Here)).ErrorId);
        Assert.Equal("alice", f.Login.SignIn("alice", Right, There).UserName);
        // Success on the other source does not clear this one.
        Assert.Equal("LoginLockedOut", Fail(() => f.Login.SignIn("alice", Right, Here)).ErrorId);
    }

    [Fact]
    public void Success_clears_the_counters_of_its_pair()
    {
        using var f = new AuthFixture();
        f.CreateUser("alice", Right, admin: true);
        FailTimes(f, "alice", LockoutPolicy.MaxFailures - 1);
        f.Login.SignIn("alice", Right, Here);
        FailTimes(f, "alice", LockoutPolicy.MaxFailures - 1); // would have locked without the reset
        Assert.Empty(f.Users.Get("alice").Locks);
    }

    [Fact]
    public void Lockout_persists_in_the_store_for_a_new_store_instance()
    {
        using var f = new AuthFixture();
        f.CreateUser("alice", Right, admin: true);
        FailTimes(f, "alice", LockoutPolicy.MaxFailures - 1);
        Fail(() => f.Login.SignIn("alice", "wrong", Here));
        var reopened = BurninStore.Open(f.StorePath, f.Clock);
        var e = Fail(() => new LoginService(reopened, f.Hasher).SignIn("alice", Right, Here));
        Assert.Equal("LoginLockedOut", e.ErrorId);
    }

    [Fact]
    public void An_unknown_user_name_locks_out_exactly_like_a_known_one()
    {
        using var f = new AuthFixture();
        f.CreateUser("admin", Right, admin: true);
        FailTimes(f, "ghost", LockoutPolicy.MaxFailures - 1);
        var e = Fail(() => f.Login.SignIn("ghost", "nope-nope", Here));
        Assert.Equal("LoginLockedOut", e.ErrorId);
        Assert.Contains("'ghost'", e.Message);
    }

    [Fact]
    public void A_disabled_user_is_refused_and_a_wrong_password_for_it_still_counts()
    {
        using var f = new AuthFixture();
        f.CreateUser("admin", Right, admin: true);
        f.CreateUser("bob", Right);
        f.Users.Update("bob", new UserChanges(IsDisabled: true), AuthFixture.Os);
        Assert.Equal("UserDisabled", Fail(() => f.Login.SignIn("bob", Right, Here)).ErrorId);
        FailTimes(f, "bob", 1);
        var failed = f.Audit.Query(new AuditQuery(Types: new[] { AuditTypes.LoginFailed }));
        Assert.Equal(2, failed.Count);
        Assert.All(failed, e => Assert.Equal(Here, e.Source));
    }

    [Fact]
    public void Password_change_needs_the_current_password_and_counts_wrong_ones_toward_the_lockout()
    {
        using var f = new AuthFixture();
        f.CreateUser("alice", Right, admin: true);
        Assert.Equal("PasswordTooShort", Fail(() => f.Login.ChangePassword("alice", Right, "short", Here)).ErrorId);
        Assert.Equal(0, f.Hasher.Verifies); // a bad new password costs no attempt
        Assert.Equal("PasswordUnchanged", Fail(() => f.Login.ChangePassword("alice", Right, Right, Here)).ErrorId);

        for (var i = 0; i < LockoutPolicy.MaxFailures - 1; i++)
            Assert.Equal("LoginFailed", Fail(() => f.Login.ChangePassword("alice", "not-it-" + i, "brand new pw", Here)).ErrorId);
        Assert.Equal("LoginLockedOut", Fail(() => f.Login.SignIn("alice", "wrong", Here)).ErrorId);
        Assert.Equal("LoginLockedOut", Fail(() => f.Login.ChangePassword("alice", Right, "brand new pw", Here)).ErrorId);

        f.Clock.Advance(LockoutPolicy.LockDuration);
        var changed = f.Login.ChangePassword("alice", Right, "brand new pw", Here);
        Assert.Equal(f.Clock.UtcNow, changed.PasswordChangedAt);
        Assert.Equal("LoginFailed", Fail(() => f.Login.SignIn("alice", Right, There)).ErrorId);
        f.Login.SignIn("alice", "brand new pw", There);
        var e = Assert.Single(f.Audit.Query(new AuditQuery(Types: new[] { AuditTypes.PasswordChanged })));
        Assert.Equal(("alice", Here), (e.Operator, e.Source));
    }

    [Fact]
    public void Audit_events_carry_the_source_and_no_secret_is_stored_anywhere_in_the_store_files()
    {
        using var f = new AuthFixture();
        const string secret = "Sup3r-Secret-Pw!";
        f.CreateUser("alice", secret, admin: true);
        f.Login.SignIn("alice", secret, Here);
        FailTimes(f, "alice", LockoutPolicy.MaxFailures - 1, There);
        Fail(() => f.Login.SignIn("alice", secret + "x", There));
        Fail(() => f.Login.SignIn("alice", secret, There));
        f.Login.ChangePassword("alice", secret, secret + "-2", Here);
        f.Login.SignOut("alice", Here);
        f.Users.Reset("alice", secret + "-3", AuthFixture.Os);

        var events = f.Audit.Query(new AuditQuery());
        foreach (var type in new[] { AuditTypes.Created, AuditTypes.Login, AuditTypes.LoginFailed, AuditTypes.LoginLockedOut,
                     AuditTypes.PasswordChanged, AuditTypes.Logout, AuditTypes.Reset })
            Assert.Contains(events, e => e.Type == type);
        Assert.All(events, e =>
        {
            Assert.False(string.IsNullOrEmpty(e.Source));
            Assert.DoesNotContain(secret, e.Detail ?? "");
            Assert.DoesNotContain("$2a$", e.Detail ?? "");
        });
        Assert.False(f.StoreFilesContain(secret));
    }
}
