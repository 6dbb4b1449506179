using Microsoft.Data.Sqlite;
using NasBurnin.Engine.Common;
using NasBurnin.Engine.Store;

namespace NasBurnin.Engine.Safety;

/// <summary>A drive's unlock: bound to its serial and role, valid until it expires or a destructive stage consumes it.</summary>
public sealed record DriveUnlock(long Id, long DriveId, string Serial, string Role, string Operator, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt);

/// <summary>
/// Unlock-MountedDrive and Lock-BurninDrive: the typed-token gate in front of destroying a Mounted or
/// Stale drive. System and PoolMember drives are never unlocked.
/// </summary>
public sealed class DriveUnlockService
{
    public static readonly TimeSpan DefaultValidity = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan MaxValidity = TimeSpan.FromHours(24);

    private readonly BurninStore _store;

    public DriveUnlockService(BurninStore store) => _store = store;

    /// <param name="device">The drive's device path, to name it when it has no serial.</param>
    public DriveUnlock Unlock(long driveId, string serial, string device, string role, string hostName, string typedToken, TimeSpan validFor, Actor actor)
    {
        var name = DriveName(serial, device, hostName);
        var target = string.IsNullOrWhiteSpace(serial) ? device : serial;
        if (DriveRoles.NeverDestroy(role))
        {
            // Audited like a wrong token: someone tried to open a drive NasBurnin never destroys.
            new AuditLog(_store).Record("drive_unlock_refused", actor, $"{name} is a {role} drive, which is never unlocked", hostName, NullIfBlank(serial));
            throw new BurninException("DriveRoleRefused", ErrorKind.PermissionDenied,
                $"{name} is a {role} drive; NasBurnin never unlocks {role} drives for destructive stages." +
                (role == DriveRoles.PoolMember ? " Detach it from the pool with ZFS's own tools first; it then shows as Stale." : "")) { Target = target };
        }
        if (!DriveRoles.NeedsUnlock(role))
            throw new BurninException("DriveNotLocked", ErrorKind.InvalidOperation,
                $"{name} is {role}: it needs no unlock.") { Target = target };
        if (validFor <= TimeSpan.Zero || validFor > MaxValidity)
            throw new BurninException("UnlockValidityInvalid", ErrorKind.InvalidArgument,
                $"An unlock lasts from 1 second to {MaxValidity.TotalHours} hours; {validFor} was given.") { Target = target };
        var expected = DriveRoles.TokenFor(role);
        if (!string.Equals(typedToken, expected, StringComparison.Ordinal))
        {
            new AuditLog(_store).Record("drive_unlock_refused", actor, $"wrong confirmation token for a {role} drive", hostName, NullIfBlank(serial));
            throw new BurninException("UnlockTokenMismatch", ErrorKind.PermissionDenied,
                $"The confirmation did not match. To unlock {role} {name}, type exactly: {expected}") { Target = target };
        }
        var now = _store.Clock.UtcNow;
        var expires = now + validFor;
        var id = _store.Write((c, tx) =>
        {
            using var cmd = c.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = """
                INSERT INTO drive_unlocks(drive_id, serial, role, operator, created_at, expires_at)
                VALUES ($d, $s, $role, $op, $now, $exp) RETURNING id
                """;
            cmd.Parameters.AddWithValue("$d", driveId);
            cmd.Parameters.AddWithValue("$s", serial);
            cmd.Parameters.AddWithValue("$role", role);
            cmd.Parameters.AddWithValue("$op", actor.Operator);
            cmd.Parameters.AddWithValue("$now", StoreTime.Format(now));
            cmd.Parameters.AddWithValue("$exp", StoreTime.Format(expires));
            var newId = (long)cmd.ExecuteScalar()!;
            AuditLog.Record(c, tx, _store.Clock, DriveRoles.UnlockEvent(role), actor,
                $"{role} drive unlocked for destructive stages until {StoreTime.Format(expires)}", hostName, serial);
            return newId;
        });
        return new DriveUnlock(id, driveId, serial, role, actor.Operator, now, expires);
    }

    /// <summary>"Drive SERIAL", or "Drive /dev/vda on HOST (no serial)" for a drive that reports none.</summary>
    internal static string DriveName(string? serial, string device, string? hostName) =>
        string.IsNullOrWhiteSpace(serial) ? $"Drive {device} on {(string.IsNullOrEmpty(hostName) ? "?" : hostName)} (no serial)" : $"Drive {serial}";

    private static string? NullIfBlank(string s) => string.IsNullOrWhiteSpace(s) ? null : s;

    /// <summary>Withdraws every open unlock of a drive; returns how many.</summary>
    public int Lock(long driveId, string serial, string hostName, Actor actor) => _store.Write((c, tx) =>
    {
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "UPDATE drive_unlocks SET revoked_at = $now WHERE drive_id = $d AND consumed_at IS NULL AND revoked_at IS NULL AND expires_at > $now";
        cmd.Parameters.AddWithValue("$now", StoreTime.Format(_store.Clock.UtcNow));
        cmd.Parameters.AddWithValue("$d", driveId);
        var n = cmd.ExecuteNonQuery();
        AuditLog.Record(c, tx, _store.Clock, "drive_locked", actor, n > 0 ? $"{n} unlock(s) withdrawn" : "no open unlock", hostName, serial);
        return n;
    });

    /// <summary>
    /// Whether a destructive stage may be offered for this drive now (tab completion): Free, or Mounted/Stale
    /// with an open unlock for that role. The planner still checks everything when the run starts.
    /// </summary>
    public bool AllowsDestructive(long driveId, string? serial, string role)
    {
        if (role == DriveRoles.Free) return true;
        if (!DriveRoles.NeedsUnlock(role) || string.IsNullOrEmpty(serial)) return false;
        return _store.Read(c => Active(c, null, _store.Clock, driveId, serial))?.Role == role;
    }

    /// <summary>The open unlock bound to this drive and serial, if any.</summary>
    internal static DriveUnlock? Active(SqliteConnection c, SqliteTransaction? tx, IClock clock, long driveId, string serial)
    {
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = """
            SELECT id, drive_id, serial, role, operator, created_at, expires_at FROM drive_unlocks
            WHERE drive_id = $d AND serial = $s AND consumed_at IS NULL AND revoked_at IS NULL AND expires_at > $now
            ORDER BY id DESC LIMIT 1
            """;
        cmd.Parameters.AddWithValue("$d", driveId);
        cmd.Parameters.AddWithValue("$s", serial);
        cmd.Parameters.AddWithValue("$now", StoreTime.Format(clock.UtcNow));
        using var r = cmd.ExecuteReader();
        return r.Read()
            ? new DriveUnlock(r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetString(3), r.GetString(4), StoreTime.Parse(r.GetString(5)), StoreTime.Parse(r.GetString(6)))
            : null;
    }

    /// <summary>Makes consumed unlocks open again (their runs never started), in the caller's transaction.</summary>
    internal static void GiveBack(SqliteConnection c, SqliteTransaction tx, IReadOnlyList<long> unlockIds)
    {
        foreach (var id in unlockIds)
            c.Execute(tx, "UPDATE drive_unlocks SET consumed_at = NULL WHERE id = $id", ("$id", id));
    }

    internal static void Consume(SqliteConnection c, SqliteTransaction tx, IClock clock, long unlockId)
    {
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "UPDATE drive_unlocks SET consumed_at = $now WHERE id = $id";
        cmd.Parameters.AddWithValue("$now", StoreTime.Format(clock.UtcNow));
        cmd.Parameters.AddWithValue("$id", unlockId);
        cmd.ExecuteNonQuery();
    }
}
