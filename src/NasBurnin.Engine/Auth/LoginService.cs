using NasBurnin.Engine.Common;
using NasBurnin.Engine.Store;

namespace NasBurnin.Engine.Auth;

/// <summary>
/// Sign-in and password change: the only places a password is checked. Both go through
/// <see cref="Authenticate"/>, so a password change cannot be used to guess around the lockout.
/// <list type="bullet">
/// <item>A locked (user name, source) pair is refused before the password is looked at, with one
/// answer whether the password was right or wrong.</item>
/// <item>An unknown user name is checked against <see cref="IPasswordHasher.DummyHash"/> (the same
/// bcrypt work), counts toward a lockout like a known name, and gets the same error.</item>
/// <item>bcrypt runs outside any transaction, so a sign-in never holds the store's write lock for it.</item>
/// <item>A store marked damaged takes no writes: the password is still checked against it (and its
/// recorded lockouts still hold), but nothing is recorded, so an operator can still sign in to restore it.</item>
/// </list>
/// </summary>
public sealed class LoginService
{
    private readonly BurninStore _store;
    private readonly IPasswordHasher _hasher;

    public LoginService(BurninStore store, IPasswordHasher? hasher = null)
    {
        _store = store;
        _hasher = hasher ?? BcryptPasswordHasher.Instance;
    }

    /// <summary>Checks the password and records the sign-in; throws LoginFailed, LoginLockedOut or UserDisabled.</summary>
    public UserRecord SignIn(string userName, ReadOnlySpan<char> password, string source)
    {
        var name = UserRepository.ValidateUserName(userName);
        // Nothing to guess in a store without users, so say plainly what to do instead.
        if (!new UserRepository(_store, _hasher).AnyUsers())
            throw new BurninException("NoUsers", ErrorKind.InvalidOperation,
                $"The store '{_store.Path}' has no NasBurnin users yet, so there is nobody to sign in as. Create the first admin with New-BurninUser.") { Target = _store.Path };
        var user = Authenticate(name, password, source, "sign-in");
        if (_store.Damage is not null) return user; // not recorded: the store takes no writes
        return _store.Write((c, tx) =>
        {
            var now = _store.Clock.UtcNow;
            LockoutPolicy.ClearPair(c, tx, name, source);
            c.Execute(tx, "UPDATE users SET last_login_at = $t WHERE id = $id", ("$t", StoreTime.Format(now)), ("$id", user.Id));
            AuditLog.Record(c, tx, _store.Clock, AuditTypes.Login, new Actor(user.UserName, source), "signed in");
            return UserRepository.Find(c, tx, user.UserName, now)!;
        });
    }

    /// <summary>Records a sign-out of <paramref name="userName"/> (Disconnect-BurninOperator).</summary>
    /// <remarks>A damaged store takes no writes: the sign-out then happens without being recorded.</remarks>
    public void SignOut(string userName, string source)
    {
        if (_store.Damage is null) new AuditLog(_store).Record(AuditTypes.Logout, new Actor(userName, source), "signed out");
    }

    /// <summary>
    /// Changes a password given the current one. The new one is checked against the rules before the
    /// current one is verified, so a typo in the new password does not cost a sign-in attempt.
    /// </summary>
    public UserRecord ChangePassword(string userName, ReadOnlySpan<char> currentPassword, ReadOnlySpan<char> newPassword, string source)
    {
        var name = UserRepository.ValidateUserName(userName);
        PasswordRules.Validate(newPassword, name);
        if (currentPassword.SequenceEqual(newPassword))
            throw new BurninException("PasswordUnchanged", ErrorKind.InvalidArgument,
                $"The new password for '{name}' is the same as the current one. Choose a different password.") { Target = name };
        var user = Authenticate(name, currentPassword, source, "password change");
        var hash = _hasher.Hash(newPassword);
        return _store.Write((c, tx) =>
        {
            var now = _store.Clock.UtcNow;
            UserRepository.SetPasswordHash(c, tx, user.Id, hash, now);
            LockoutPolicy.ClearPair(c, tx, name, source);
            AuditLog.Record(c, tx, _store.Clock, AuditTypes.PasswordChanged, new Actor(user.UserName, source), "password changed by the user");
            return UserRepository.Find(c, tx, user.UserName, now)!;
        });
    }

    /// <summary>
    /// The one password check. Returns the enabled user whose password matched; otherwise records the
    /// failure (and a lockout when this failure reached the limit) and throws.
    /// </summary>
    private UserRecord Authenticate(string name, ReadOnlySpan<char> password, string source, string purpose)
    {
        var now = _store.Clock.UtcNow;
        var (lockedUntil, user, hash) = _store.Read(c =>
        {
            var until = LockoutPolicy.LockedUntil(c, null, name, source, now);
            var u = until is null ? UserRepository.Find(c, null, name, now) : null;
            return (until, u, u is null ? null : UserRepository.FindHash(c, null, u.Id));
        });
        if (lockedUntil is { } locked)
        {
            // Not even looked at: the answer cannot depend on the password.
            RecordRefusal(name, source, $"{purpose} refused without checking the password: locked until {StoreTime.Format(locked)}");
            throw LockedOut(name, source, locked);
        }

        // An unknown name burns the same bcrypt work on the dummy hash and can never succeed.
        var matched = _hasher.Verify(password, hash ?? _hasher.DummyHash) && hash is not null;
        if (matched && !user!.IsDisabled)
            return user;

        if (matched)
        {
            RecordRefusal(name, source, $"{purpose} refused: the account is disabled");
            throw new BurninException("UserDisabled", ErrorKind.PermissionDenied,
                $"The NasBurnin user '{name}' is disabled. An admin can enable it with Set-BurninUser -UserName {name} -Disabled:$false.") { Target = name };
        }

        var lockedNow = _store.Damage is not null ? null : _store.Write((c, tx) =>
        {
            var until = LockoutPolicy.RecordFailure(c, tx, name, source, now);
            // Deliberately the same detail for unknown names and wrong passwords: the audit trail is
            // readable by every store user and must not become a list of valid user names.
            AuditLog.Record(c, tx, _store.Clock, AuditTypes.LoginFailed, new Actor(name, source), $"{purpose} failed: unknown user name or wrong password");
            if (until is { } u)
                AuditLog.Record(c, tx, _store.Clock, AuditTypes.LoginLockedOut, new Actor(name, source),
                    $"locked after {LockoutPolicy.MaxFailures} failed sign-ins within {LockoutPolicy.Window.TotalMinutes:0} minutes, until {StoreTime.Format(u)}");
            return until;
        });
        if (lockedNow is { } l)
            throw LockedOut(name, source, l);
        throw new BurninException("LoginFailed", ErrorKind.Authentication,
            $"Sign-in as '{name}' failed: unknown user name or wrong password. After {LockoutPolicy.MaxFailures} failures within {LockoutPolicy.Window.TotalMinutes:0} minutes this source is locked out for {LockoutPolicy.LockDuration.TotalMinutes:0} minutes.") { Target = name };
    }

    private void RecordRefusal(string name, string source, string detail)
    {
        if (_store.Damage is null) new AuditLog(_store).Record(AuditTypes.LoginFailed, new Actor(name, source), detail);
    }

    /// <summary>One message for every refusal of a locked pair: it names when to try again and nothing about the password.</summary>
    private static BurninException LockedOut(string name, string source, DateTimeOffset until) =>
        new("LoginLockedOut", ErrorKind.Security,
            $"Sign-in as '{name}' from {source} is locked after {LockoutPolicy.MaxFailures} failed attempts within {LockoutPolicy.Window.TotalMinutes:0} minutes. " +
            $"Try again after {until.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture)} UTC, or ask an admin to clear it with Reset-BurninUser.") { Target = name };
}
