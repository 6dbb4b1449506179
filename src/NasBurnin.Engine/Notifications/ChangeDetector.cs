using Microsoft.Data.Sqlite;
using NasBurnin.Engine.Common;
using NasBurnin.Engine.Reports;
using NasBurnin.Engine.Store;

namespace NasBurnin.Engine.Notifications;

/// <summary>
/// Finds the changes that are not recorded where they happen, at each sync, in one write transaction: drives
/// whose health got worse (the health history), and unlocks and health-rule overrides (the audit log, read from
/// a cursor that only moves forward). Run ends and stalls are recorded by the run synchronizer itself.
/// </summary>
internal static class ChangeDetector
{
    private static readonly string[] UnlockTypes = { "mounted_drive_unlocked", "stale_drive_unlocked" };

    public static void Detect(BurninStore store) => store.Write((c, tx) =>
    {
        var now = store.Clock.UtcNow;
        foreach (var h in ReportService.TrackHealth(c, tx, now))
        {
            var id = c.Scalar(tx, "SELECT max(id) FROM drive_health_history WHERE drive_id = $d", ("$d", h.DriveId));
            ChangeEvents.Record(c, tx, new ChangeEvent($"health:{h.DriveId}:{id}", ChangeEventTypes.HealthWorse, now,
                $"Drive health {h.After}: {(h.Model is null ? "" : h.Model + " ")}serial {h.Serial ?? "(none)"} on {h.HostName} ({h.Device})",
                $"SMART health went from {h.Before} to {h.After}.", h.HostName, h.Serial, null, h.DriveId));
        }
        var cursor = Convert.ToInt64(c.Scalar(tx, "SELECT value FROM notification_cursors WHERE name = 'audit'") ?? 0L);
        using (var cmd = c.Command(tx, "SELECT id, occurred_at, type, operator, host_name, serial, detail FROM audit_events WHERE id > $c AND type IN ('mounted_drive_unlocked', 'stale_drive_unlocked', 'health_rule_changed', 'health_rule_removed') ORDER BY id", ("$c", cursor)))
        {
            var rows = new List<(long Id, DateTimeOffset At, string Type, string Op, string? Host, string? Serial, string? Detail)>();
            using (var r = cmd.ExecuteReader())
                while (r.Read())
                    rows.Add((r.GetInt64(0), StoreTime.Parse(r.GetString(1)), r.GetString(2), r.GetString(3), r.NullableString("host_name"), r.NullableString("serial"), r.NullableString("detail")));
            foreach (var e in rows)
            {
                var unlock = UnlockTypes.Contains(e.Type);
                var title = unlock
                    ? $"Drive unlocked for erasing: serial {e.Serial} on {e.Host}, by {e.Op}"
                    : $"Health rule {(e.Type == "health_rule_removed" ? "override removed" : "overridden")} by {e.Op}";
                ChangeEvents.Record(c, tx, new ChangeEvent($"audit:{e.Id}", unlock ? ChangeEventTypes.DriveUnlocked : ChangeEventTypes.HealthRuleChanged,
                    e.At, title, e.Detail, e.Host, e.Serial));
            }
        }
        c.Execute(tx, "UPDATE notification_cursors SET value = (SELECT COALESCE(max(id), 0) FROM audit_events) WHERE name = 'audit'");
    });
}
