using Microsoft.Data.Sqlite;
using NasBurnin.Engine.Common;
using NasBurnin.Engine.Store;

namespace NasBurnin.Engine.Notifications;

/// <summary>A delivery this process claimed: one event for one channel.</summary>
internal sealed record ClaimedDelivery(long EventId, long ChannelId, ChangeEvent Event, int Attempts);

/// <summary>
/// Claims and settles deliveries (<c>notification_deliveries</c>). A claim is an UPDATE in an IMMEDIATE
/// transaction that moves Pending rows to Sending under this process's token, so two processes never claim
/// the same row. A claim left by a process that died mid-send expires after <see cref="Lease"/> and is sent
/// again (at least once, never lost). A failed send goes back to Pending with its error and attempt count.
/// </summary>
internal static class Outbox
{
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(15);

    public static IReadOnlyList<ClaimedDelivery> Claim(BurninStore store, string token) => store.Write((c, tx) =>
    {
        var now = store.Clock.UtcNow;
        using var cmd = c.Command(tx, """
            UPDATE notification_deliveries SET state = 'Sending', claimed_by = $me, claimed_at = $now
            WHERE (state = 'Pending' OR (state = 'Sending' AND claimed_at < $expired))
              AND channel_id IN (SELECT id FROM notification_channels WHERE enabled = 1)
            RETURNING event_id, channel_id, attempts
            """, ("$me", token), ("$now", StoreTime.Format(now)), ("$expired", StoreTime.Format(now - Lease)));
        var rows = new List<(long Event, long Channel, int Attempts)>();
        using (var r = cmd.ExecuteReader())
            while (r.Read()) rows.Add((r.GetInt64(0), r.GetInt64(1), (int)r.GetInt64(2)));
        return (IReadOnlyList<ClaimedDelivery>)rows.Select(x => new ClaimedDelivery(x.Event, x.Channel, ReadEvent(c, tx, x.Event), x.Attempts))
            .OrderBy(d => d.EventId).ToList();
    });

    public static void Settle(BurninStore store, string token, ClaimedDelivery d, string? error) => store.Write((c, tx) =>
    {
        var now = StoreTime.Format(store.Clock.UtcNow);
        if (error is null)
            c.Execute(tx, """
                UPDATE notification_deliveries SET state = 'Sent', sent_at = $now, attempts = attempts + 1, last_attempt_at = $now, last_error = NULL
                WHERE event_id = $e AND channel_id = $c AND claimed_by = $me
                """, ("$now", now), ("$e", d.EventId), ("$c", d.ChannelId), ("$me", token));
        else
            c.Execute(tx, """
                UPDATE notification_deliveries SET state = 'Pending', claimed_by = NULL, claimed_at = NULL, attempts = attempts + 1,
                    last_attempt_at = $now, last_error = $err
                WHERE event_id = $e AND channel_id = $c AND claimed_by = $me
                """, ("$now", now), ("$err", error), ("$e", d.EventId), ("$c", d.ChannelId), ("$me", token));
    });

    /// <summary>Deliveries that have failed at least once and are still waiting: (channel name, endpoint, attempts, last error, event title).</summary>
    public static IReadOnlyList<(string Channel, int Attempts, string? Error, string Title)> Failing(SqliteConnection c)
    {
        using var cmd = c.Command(null, """
            SELECT ch.name, d.attempts, d.last_error, e.title FROM notification_deliveries d
            JOIN notification_channels ch ON ch.id = d.channel_id JOIN notification_events e ON e.id = d.event_id
            WHERE d.state <> 'Sent' AND d.attempts > 0 AND ch.enabled = 1 ORDER BY d.last_attempt_at
            """);
        var list = new List<(string, int, string?, string)>();
        using var r = cmd.ExecuteReader();
        while (r.Read()) list.Add((r.GetString(0), (int)r.GetInt64(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetString(3)));
        return list;
    }

    private static ChangeEvent ReadEvent(SqliteConnection c, SqliteTransaction tx, long id)
    {
        using var cmd = c.Command(tx, "SELECT * FROM notification_events WHERE id = $id", ("$id", id));
        using var r = cmd.ExecuteReader();
        r.Read();
        return new ChangeEvent(r.GetString(r.GetOrdinal("event_key")), r.GetString(r.GetOrdinal("type")), StoreTime.Parse(r.GetString(r.GetOrdinal("occurred_at"))),
            r.GetString(r.GetOrdinal("title")), r.NullableString("detail"), r.NullableString("host_name"), r.NullableString("serial"),
            r.NullableInt64("run_id"), r.NullableInt64("drive_id"));
    }
}
