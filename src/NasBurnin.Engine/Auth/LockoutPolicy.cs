using Microsoft.Data.Sqlite;
using NasBurnin.Engine.Common;
using NasBurnin.Engine.Store;

namespace NasBurnin.Engine.Auth;

/// <summary>A (user name, source) pair that may not sign in until <see cref="LockedUntil"/>.</summary>
public sealed record SourceLock(string Source, DateTimeOffset LockedUntil);

/// <summary>
/// DESIGN §7: 10 failed sign-ins for one (user name, source) within 10 minutes lock that pair for
/// 15 minutes. Failures and locks live in <c>login_failures</c>, so they hold across processes. A lock
/// is the <c>locked_until</c> of the failure that reached the limit. Because a lock lasts longer than
/// the window, the failures that caused it have left the window when it ends: the pair starts afresh.
/// Unknown user names are counted exactly like known ones, so the lockout reveals nothing either.
/// </summary>
public static class LockoutPolicy
{
    public const int MaxFailures = 10;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan LockDuration = TimeSpan.FromMinutes(15);

    /// <summary>When the pair's current lock ends, or null when it is not locked at <paramref name="now"/>.</summary>
    internal static DateTimeOffset? LockedUntil(SqliteConnection c, SqliteTransaction? tx, string userName, string source, DateTimeOffset now) =>
        StoreTime.ParseOrNull(c.Scalar(tx,
            "SELECT max(locked_until) FROM login_failures WHERE user_name = $u AND source = $s AND locked_until > $now",
            ("$u", userName), ("$s", source), ("$now", StoreTime.Format(now))));

    /// <summary>Records one failure; returns the end of the lock when this failure reached the limit.</summary>
    internal static DateTimeOffset? RecordFailure(SqliteConnection c, SqliteTransaction tx, string userName, string source, DateTimeOffset now)
    {
        var windowStart = StoreTime.Format(now - Window);
        // Forget failures that can no longer count and are not holding a lock, for every pair.
        c.Execute(tx, "DELETE FROM login_failures WHERE failed_at <= $ws AND (locked_until IS NULL OR locked_until <= $now)",
            ("$ws", windowStart), ("$now", StoreTime.Format(now)));
        var id = (long)c.Scalar(tx, "INSERT INTO login_failures(user_name, source, failed_at) VALUES ($u, $s, $t) RETURNING id",
            ("$u", userName), ("$s", source), ("$t", StoreTime.Format(now)))!;
        var recent = (long)c.Scalar(tx,
            "SELECT count(*) FROM login_failures WHERE user_name = $u AND source = $s AND failed_at > $ws",
            ("$u", userName), ("$s", source), ("$ws", windowStart))!;
        if (recent < MaxFailures)
            return null;
        var until = now + LockDuration;
        c.Execute(tx, "UPDATE login_failures SET locked_until = $until WHERE id = $id", ("$until", StoreTime.Format(until)), ("$id", id));
        return until;
    }

    /// <summary>A successful sign-in clears its own pair only: other sources keep their counts and locks.</summary>
    internal static void ClearPair(SqliteConnection c, SqliteTransaction tx, string userName, string source) =>
        c.Execute(tx, "DELETE FROM login_failures WHERE user_name = $u AND source = $s", ("$u", userName), ("$s", source));

    /// <summary>Reset-BurninUser clears every source's failures and locks for the user; returns how many rows went.</summary>
    internal static int ClearUser(SqliteConnection c, SqliteTransaction tx, string userName) =>
        c.Execute(tx, "DELETE FROM login_failures WHERE user_name = $u", ("$u", userName));

    /// <summary>The sources locked for <paramref name="userName"/> at <paramref name="now"/>.</summary>
    internal static IReadOnlyList<SourceLock> ActiveLocks(SqliteConnection c, SqliteTransaction? tx, string userName, DateTimeOffset now)
    {
        using var cmd = c.Command(tx,
            "SELECT source, max(locked_until) FROM login_failures WHERE user_name = $u AND locked_until > $now GROUP BY source ORDER BY source",
            ("$u", userName), ("$now", StoreTime.Format(now)));
        using var r = cmd.ExecuteReader();
        var list = new List<SourceLock>();
        while (r.Read())
            list.Add(new SourceLock(r.GetString(0), StoreTime.Parse(r.GetString(1))));
        return list;
    }
}
