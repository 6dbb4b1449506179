using Microsoft.Data.Sqlite;
using NasBurnin.Engine.Common;

namespace NasBurnin.Engine.Store;

/// <summary>The kinds of change a notification is sent for. Stable names: channels filter on them.</summary>
public static class ChangeEventTypes
{
    public const string RunPassed = "RunPassed";
    public const string RunFailed = "RunFailed";
    public const string RunInterrupted = "RunInterrupted";
    public const string RunStalled = "RunStalled";
    public const string HeatAbort = "HeatAbort";
    public const string HealthWorse = "HealthWorse";
    public const string DriveUnlocked = "DriveUnlocked";
    public const string HealthRuleChanged = "HealthRuleChanged";

    public static readonly IReadOnlyList<string> All =
        new[] { RunPassed, RunFailed, RunInterrupted, RunStalled, HeatAbort, HealthWorse, DriveUnlocked, HealthRuleChanged };
}

/// <summary>One change worth a message. <see cref="Key"/> is unique: the same change is never recorded twice.</summary>
public sealed record ChangeEvent(
    string Key, string Type, DateTimeOffset OccurredAt, string Title, string? Detail,
    string? HostName = null, string? Serial = null, long? RunId = null, long? DriveId = null);

/// <summary>
/// The notification outbox. A change is recorded in the same transaction as the state change it describes
/// (a run's finalization, a health change), once: the key is unique, so a second process finalizing the same
/// run, or a second sync seeing the same change, adds nothing. Recording also queues one delivery for every
/// enabled channel that wants this type; the Notifications area claims and sends them.
/// </summary>
internal static class ChangeEvents
{
    /// <returns>The new event's id, or null when an event with this key already exists.</returns>
    public static long? Record(SqliteConnection c, SqliteTransaction tx, ChangeEvent e)
    {
        var id = c.Scalar(tx, """
            INSERT INTO notification_events(event_key, type, occurred_at, host_name, serial, run_id, drive_id, title, detail)
            VALUES ($key, $type, $at, $host, $serial, $run, $drive, $title, $detail)
            ON CONFLICT(event_key) DO NOTHING RETURNING id
            """,
            ("$key", e.Key), ("$type", e.Type), ("$at", StoreTime.Format(e.OccurredAt)), ("$host", e.HostName), ("$serial", e.Serial),
            ("$run", e.RunId), ("$drive", e.DriveId), ("$title", e.Title), ("$detail", e.Detail)) as long?;
        if (id is null) return null;
        // events holds a JSON list of type names, or NULL for every type.
        c.Execute(tx, """
            INSERT INTO notification_deliveries(event_id, channel_id)
            SELECT $id, id FROM notification_channels
            WHERE enabled = 1 AND (events IS NULL OR instr(events, '"' || $type || '"') > 0)
            """, ("$id", id), ("$type", e.Type));
        return id;
    }
}
