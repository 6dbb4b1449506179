using Microsoft.Data.Sqlite;
using NasBurnin.Engine.Common;
using NasBurnin.Engine.Inventory;
using NasBurnin.Engine.Store;

namespace NasBurnin.Engine.Reports;

/// <summary>A drive whose health a sync found worse than the last time it looked.</summary>
public sealed record HealthChange(long DriveId, string HostName, string? Serial, string? Model, string Device, SmartHealth Before, SmartHealth After);

/// <summary>
/// The <c>drive_health_history</c> table: one row each time a sync finds a drive's health different from its
/// last row. The fleet report compares a drive with its row at the start of the period; notifications get the
/// drives that got worse. A drive's first row records where it starts, and is no change.
/// </summary>
internal static class HealthHistory
{
    /// <summary>Unknown (asleep, unreadable) is no verdict, so it is neither worse nor better than anything.</summary>
    public static bool IsWorse(SmartHealth before, SmartHealth after) => Rank(after) > Rank(before) && after != SmartHealth.Unknown;

    private static int Rank(SmartHealth h) => h switch { SmartHealth.Warning => 1, SmartHealth.Failed => 2, _ => 0 };

    /// <summary>
    /// Appends a row for every drive whose health differs from its newest row, in the caller's transaction
    /// (which re-reads inside the write lock, so two syncs at once record a change once), and returns the
    /// drives that got worse.
    /// </summary>
    public static IReadOnlyList<HealthChange> Track(SqliteConnection c, SqliteTransaction tx, DateTimeOffset now)
    {
        var changes = new List<HealthChange>();
        using var cmd = c.Command(tx, """
            SELECT d.id, d.host_name, d.serial, d.model, d.device_path, d.health,
                   (SELECT h.health FROM drive_health_history h WHERE h.drive_id = d.id ORDER BY h.id DESC LIMIT 1) AS last
            FROM drives d WHERE d.missing_since IS NULL AND d.health IS NOT NULL
            """);
        var rows = new List<(long Id, string Host, string? Serial, string? Model, string Device, string Health, string? Last)>();
        using (var r = cmd.ExecuteReader())
            while (r.Read())
                rows.Add((r.GetInt64(0), r.NullableString("host_name") ?? "", r.NullableString("serial"), r.NullableString("model"),
                    r.NullableString("device_path") ?? "", r.GetString(5), r.NullableString("last")));
        foreach (var row in rows.Where(x => x.Health != x.Last))
        {
            c.Execute(tx, "INSERT INTO drive_health_history(drive_id, health, seen_at) VALUES ($d, $h, $t)",
                ("$d", row.Id), ("$h", row.Health), ("$t", StoreTime.Format(now)));
            if (row.Last is null) continue;
            var before = Parse(row.Last);
            var after = Parse(row.Health);
            if (IsWorse(before, after))
                changes.Add(new HealthChange(row.Id, row.Host, row.Serial, row.Model, row.Device, before, after));
        }
        return changes;
    }

    /// <summary>Each drive's health at <paramref name="at"/>: its newest row at or before then, else its first row.</summary>
    public static IReadOnlyDictionary<long, SmartHealth> At(SqliteConnection c, DateTimeOffset at)
    {
        using var cmd = c.Command(null, """
            SELECT drive_id, health FROM drive_health_history h
            WHERE id = COALESCE(
                (SELECT max(id) FROM drive_health_history x WHERE x.drive_id = h.drive_id AND x.seen_at <= $at),
                (SELECT min(id) FROM drive_health_history x WHERE x.drive_id = h.drive_id))
            """, ("$at", StoreTime.Format(at)));
        var map = new Dictionary<long, SmartHealth>();
        using var r = cmd.ExecuteReader();
        while (r.Read()) map[r.GetInt64(0)] = Parse(r.GetString(1));
        return map;
    }

    private static SmartHealth Parse(string s) => Enum.TryParse<SmartHealth>(s, out var h) ? h : SmartHealth.Unknown;
}
