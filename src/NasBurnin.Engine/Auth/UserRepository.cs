using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using NasBurnin.Engine.Common;
using NasBurnin.Engine.Store;

namespace NasBurnin.Engine.Auth;

/// <summary>A NasBurnin operator account as the engine hands it out: never with its hash.</summary>
public sealed record UserRecord(
    long Id, string UserName, string? FullName, bool IsAdmin, bool IsDisabled,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? PasswordChangedAt, DateTimeOffset? LastLoginAt,
    IReadOnlyList<SourceLock> Locks);

/// <summary>What Set-BurninUser changes; null leaves a field as it is, an empty FullName clears it.</summary>
public sealed record UserChanges(string? FullName = null, bool? IsAdmin = null, bool? IsDisabled = null);

/// <summary>
/// The <c>users</c> table: create, read, change, remove and reset accounts. Every change commits with
/// its audit event in one transaction. The rule that at least one enabled admin remains is enforced
/// here, inside that transaction, so two sessions cannot each remove "the other" admin.
/// </summary>
public sealed class UserRepository
{
    private static readonly Regex NamePattern = new("^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$", RegexOptions.CultureInvariant);

    private readonly BurninStore _store;
    private readonly IPasswordHasher _hasher;

    public UserRepository(BurninStore store, IPasswordHasher? hasher = null)
    {
        _store = store;
        _hasher = hasher ?? BcryptPasswordHasher.Instance;
    }

    /// <summary>Checks a user name: 1 to 64 letters, digits and . _ @ -, starting with a letter or digit.</summary>
    public static string ValidateUserName(string? userName)
    {
        var name = userName?.Trim() ?? "";
        if (!NamePattern.IsMatch(name))
            throw new BurninException("InvalidUserName", ErrorKind.InvalidArgument,
                $"'{userName}' is not a valid user name. A user name has 1 to 64 letters, digits, '.', '_', '@' or '-', and starts with a letter or digit.") { Target = userName };
        return name;
    }

    public bool AnyUsers() => _store.Read(c => AnyUsers(c, null));

    internal static bool AnyUsers(SqliteConnection c, SqliteTransaction? tx) =>
        c.Scalar(tx, "SELECT EXISTS (SELECT 1 FROM users)") is long n && n != 0;

    public UserRecord? Find(string userName) => _store.Read(c => Find(c, null, userName, _store.Clock.UtcNow));

    public UserRecord Get(string userName) => Find(userName) ?? throw NotFound(userName);

    public IReadOnlyList<UserRecord> List() => _store.Read(c =>
    {
        var now = _store.Clock.UtcNow;
        using var cmd = c.Command(null, "SELECT * FROM users ORDER BY user_name");
        using var r = cmd.ExecuteReader();
        var rows = new List<UserRecord>();
        while (r.Read()) rows.Add(Map(r, Array.Empty<SourceLock>()));
        return rows.Select(u => u with { Locks = LockoutPolicy.ActiveLocks(c, null, u.UserName, now) }).ToList();
    });

    /// <summary>
    /// Creates a user. With <paramref name="firstUserSetup"/> (nobody signed in because the table was
    /// empty) the insert happens only while the table is still empty, and the first user is always an
    /// admin, since someone must be able to administer the others.
    /// </summary>
    public UserRecord Create(string userName, string? fullName, bool isAdmin, ReadOnlySpan<char> password, Actor actor, bool firstUserSetup)
    {
        var name = ValidateUserName(userName);
        PasswordRules.Validate(password, name);
        var hash = _hasher.Hash(password); // outside the transaction: bcrypt takes a quarter of a second
        return _store.Write((c, tx) => Insert(c, tx, _store.Clock, name, fullName, isAdmin, hash, actor, firstUserSetup));
    }

    internal static UserRecord Insert(SqliteConnection c, SqliteTransaction tx, IClock clock, string name, string? fullName, bool isAdmin,
        string hash, Actor actor, bool firstUserSetup, string? note = null)
    {
        var empty = !AnyUsers(c, tx);
        if (firstUserSetup && !empty)
            throw OperatorGate.AdminRequiredError("create a user");
        if (Find(c, tx, name, clock.UtcNow) is not null)
            throw new BurninException("UserExists", ErrorKind.InvalidOperation,
                $"A user named '{name}' already exists. Choose another name, or change that user with Set-BurninUser.") { Target = name };
        var admin = isAdmin || empty;
        var now = StoreTime.Format(clock.UtcNow);
        c.Execute(tx, """
            INSERT INTO users(user_name, full_name, password_hash, is_admin, is_disabled, created_at, updated_at, password_changed_at)
            VALUES ($n, $f, $h, $a, 0, $t, $t, $t)
            """, ("$n", name), ("$f", Blank(fullName)), ("$h", hash), ("$a", admin ? 1 : 0), ("$t", now));
        var detail = $"created '{name}' as {(admin ? "admin" : "operator")}{(empty ? " (first user)" : "")}{(note is null ? "" : " " + note)}";
        AuditLog.Record(c, tx, clock, AuditTypes.Created, actor, detail);
        return Find(c, tx, name, clock.UtcNow)!;
    }

    /// <summary>Changes full name, admin and disabled flags; refuses to leave the store without an enabled admin.</summary>
    public UserRecord Update(string userName, UserChanges changes, Actor actor) => _store.Write((c, tx) =>
    {
        var now = _store.Clock.UtcNow;
        var user = Find(c, tx, userName, now) ?? throw NotFound(userName);
        var fullName = changes.FullName is null ? user.FullName : Blank(changes.FullName);
        var admin = changes.IsAdmin ?? user.IsAdmin;
        var disabled = changes.IsDisabled ?? user.IsDisabled;
        if (user.IsAdmin && !user.IsDisabled && (!admin || disabled))
            RequireAnotherEnabledAdmin(c, tx, user, disabled ? "disable" : "remove admin rights from");
        var diff = new List<string>();
        if (fullName != user.FullName) diff.Add($"FullName '{user.FullName}' -> '{fullName}'");
        if (admin != user.IsAdmin) diff.Add($"IsAdmin {user.IsAdmin} -> {admin}");
        if (disabled != user.IsDisabled) diff.Add($"IsDisabled {user.IsDisabled} -> {disabled}");
        if (diff.Count == 0)
            return user;
        c.Execute(tx, "UPDATE users SET full_name = $f, is_admin = $a, is_disabled = $d, updated_at = $t WHERE id = $id",
            ("$f", fullName), ("$a", admin ? 1 : 0), ("$d", disabled ? 1 : 0), ("$t", StoreTime.Format(now)), ("$id", user.Id));
        AuditLog.Record(c, tx, _store.Clock, AuditTypes.Updated, actor, $"'{user.UserName}': {string.Join("; ", diff)}");
        return Find(c, tx, user.UserName, now)!;
    });

    /// <summary>Removes a user; refuses the last enabled admin.</summary>
    public void Remove(string userName, Actor actor) => _store.Write((c, tx) =>
    {
        var user = Find(c, tx, userName, _store.Clock.UtcNow) ?? throw NotFound(userName);
        if (user.IsAdmin && !user.IsDisabled)
            RequireAnotherEnabledAdmin(c, tx, user, "remove");
        c.Execute(tx, "DELETE FROM users WHERE id = $id", ("$id", user.Id));
        AuditLog.Record(c, tx, _store.Clock, AuditTypes.Removed, actor, $"removed '{user.UserName}' ({(user.IsAdmin ? "admin" : "operator")})");
    });

    /// <summary>
    /// The out-of-band reset: a new password without the old one, and every lockout of the user cleared.
    /// Callers decide who may do this (Reset-BurninUser: whoever can write the store).
    /// </summary>
    public UserRecord Reset(string userName, ReadOnlySpan<char> newPassword, Actor actor)
    {
        var name = Get(userName).UserName;
        PasswordRules.Validate(newPassword, name);
        var hash = _hasher.Hash(newPassword);
        return _store.Write((c, tx) =>
        {
            var now = _store.Clock.UtcNow;
            var user = Find(c, tx, name, now) ?? throw NotFound(name);
            SetPasswordHash(c, tx, user.Id, hash, now);
            var cleared = LockoutPolicy.ClearUser(c, tx, user.UserName);
            AuditLog.Record(c, tx, _store.Clock, AuditTypes.Reset, actor,
                $"password of '{user.UserName}' reset; {cleared} failed sign-in record(s) and their lockouts cleared");
            return Find(c, tx, user.UserName, now)!;
        });
    }

    internal static void SetPasswordHash(SqliteConnection c, SqliteTransaction tx, long userId, string hash, DateTimeOffset now) =>
        c.Execute(tx, "UPDATE users SET password_hash = $h, password_changed_at = $t, updated_at = $t WHERE id = $id",
            ("$h", hash), ("$t", StoreTime.Format(now)), ("$id", userId));

    /// <summary>The stored hash, for <see cref="LoginService"/> only; it never leaves the engine.</summary>
    internal static string? FindHash(SqliteConnection c, SqliteTransaction? tx, long userId) =>
        c.Scalar(tx, "SELECT password_hash FROM users WHERE id = $id", ("$id", userId)) as string;

    internal static UserRecord? Find(SqliteConnection c, SqliteTransaction? tx, string userName, DateTimeOffset now)
    {
        UserRecord? user;
        using (var cmd = c.Command(tx, "SELECT * FROM users WHERE user_name = $n", ("$n", userName.Trim())))
        using (var r = cmd.ExecuteReader())
            user = r.Read() ? Map(r, Array.Empty<SourceLock>()) : null;
        return user is null ? null : user with { Locks = LockoutPolicy.ActiveLocks(c, tx, user.UserName, now) };
    }

    public static BurninException NotFound(string userName) =>
        new("UserNotFound", ErrorKind.NotFound,
            $"There is no NasBurnin user named '{userName}'. Get-BurninUser lists the users.") { Target = userName };

    private static void RequireAnotherEnabledAdmin(SqliteConnection c, SqliteTransaction tx, UserRecord user, string verb)
    {
        var others = (long)c.Scalar(tx, "SELECT count(*) FROM users WHERE is_admin = 1 AND is_disabled = 0 AND id <> $id", ("$id", user.Id))!;
        if (others == 0)
            throw new BurninException("LastAdmin", ErrorKind.InvalidOperation,
                $"Cannot {verb} '{user.UserName}': it is the last enabled admin, and the store would be left without anyone who can administer users. Make another user an admin first (Set-BurninUser -Admin).") { Target = user.UserName };
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private static UserRecord Map(SqliteDataReader r, IReadOnlyList<SourceLock> locks) => new(
        r.GetInt64(r.GetOrdinal("id")),
        r.GetString(r.GetOrdinal("user_name")),
        r.NullableString("full_name"),
        r.GetInt64(r.GetOrdinal("is_admin")) != 0,
        r.GetInt64(r.GetOrdinal("is_disabled")) != 0,
        StoreTime.Parse(r.GetString(r.GetOrdinal("created_at"))),
        StoreTime.Parse(r.GetString(r.GetOrdinal("updated_at"))),
        r.NullableTime("password_changed_at"),
        r.NullableTime("last_login_at"),
        locks);
}
