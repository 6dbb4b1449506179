using Microsoft.Data.Sqlite;
using NasBurnin.Engine.Common;

namespace NasBurnin.Engine.Store;

/// <summary>One row of the audit trail.</summary>
public sealed record AuditEvent(
    long Id, DateTimeOffset OccurredAt, string Type, string Operator, string Source,
    string? HostName, string? Serial, long? RunId, long? StageId, string? Detail);

/// <summary>What Get-BurninAuditEvent asks for; null means "any". Types and Serial are PowerShell wildcards.</summary>
public sealed record AuditQuery(
    IReadOnlyList<string>? Types = null, DateTimeOffset? Since = null, Wildcard? Serial = null,
    string? Operator = null, int? Last = null);

/// <summary>
/// The append-only audit trail: logins, user changes, unlocks, destructive starts and stops,
/// restores and retention runs. Details are plain text written by the engine and never carry a secret.
/// </summary>
public sealed class AuditLog
{
    private readonly BurninStore _store;

    public AuditLog(BurninStore store) => _store = store;

    public long Record(string type, Actor actor, string? detail = null, string? hostName = null,
        string? serial = null, long? runId = null, long? stageId = null) =>
        _store.Write((c, tx) => Record(c, tx, _store.Clock, type, actor, detail, hostName, serial, runId, stageId));

    /// <summary>Records inside the caller's transaction, so the event and the change it describes commit together.</summary>
    internal static long Record(SqliteConnection c, SqliteTransaction tx, IClock clock, string type, Actor actor,
        string? detail = null, string? hostName = null, string? serial = null, long? runId = null, long? stageId = null)
    {
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = """
            INSERT INTO audit_events(occurred_at, type, operator, source, host_name, serial, run_id, stage_id, detail)
            VALUES ($t, $type, $op, $src, $host, $serial, $run, $stage, $detail) RETURNING id
            """;
        cmd.Parameters.AddWithValue("$t", StoreTime.Format(clock.UtcNow));
        cmd.Parameters.AddWithValue("$type", type);
        cmd.Parameters.AddWithValue("$op", actor.Operator);
        cmd.Parameters.AddWithValue("$src", actor.Source);
        cmd.Parameters.AddWithValue("$host", (object?)hostName ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$serial", (object?)serial ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$run", (object?)runId ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$stage", (object?)stageId ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$detail", (object?)detail ?? DBNull.Value);
        return (long)cmd.ExecuteScalar()!;
    }

    /// <summary>The event types the trail holds, sorted (for tab completion).</summary>
    public IReadOnlyList<string> Types() => _store.Read(c =>
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT DISTINCT type FROM audit_events ORDER BY type";
        var list = new List<string>();
        using var r = cmd.ExecuteReader();
        while (r.Read()) list.Add(r.GetString(0));
        return (IReadOnlyList<string>)list;
    });

    /// <summary>Events oldest first; with <see cref="AuditQuery.Last"/>, the newest N (still oldest first).</summary>
    public IReadOnlyList<AuditEvent> Query(AuditQuery q) => _store.Read(c =>
    {
        using var cmd = c.CreateCommand();
        var where = new List<string>();
        if (q.Types is { Count: > 0 })
        {
            var (sql, parameters) = Wildcard.SqlAny("type", "$type", q.Types.Select(Wildcard.Parse).ToList());
            where.Add(sql);
            foreach (var (name, value) in parameters) cmd.Parameters.AddWithValue(name, value);
        }
        if (q.Since is { } since)
        {
            where.Add("occurred_at >= $since");
            cmd.Parameters.AddWithValue("$since", StoreTime.Format(since));
        }
        if (q.Serial is { } serial)
        {
            where.Add(Wildcard.SqlCondition("serial", "$serial"));
            cmd.Parameters.AddWithValue("$serial", serial.ToGlob());
        }
        if (q.Operator is { } op)
        {
            where.Add("operator = $op COLLATE NOCASE");
            cmd.Parameters.AddWithValue("$op", op);
        }
        var filter = where.Count > 0 ? "WHERE " + string.Join(" AND ", where) : "";
        cmd.CommandText = q.Last is { } last
            ? $"SELECT * FROM (SELECT * FROM audit_events {filter} ORDER BY id DESC LIMIT {last}) ORDER BY id"
            : $"SELECT * FROM audit_events {filter} ORDER BY id";
        var list = new List<AuditEvent>();
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            list.Add(new AuditEvent(
                r.GetInt64(r.GetOrdinal("id")),
                StoreTime.Parse(r.GetString(r.GetOrdinal("occurred_at"))),
                r.GetString(r.GetOrdinal("type")),
                r.GetString(r.GetOrdinal("operator")),
                r.GetString(r.GetOrdinal("source")),
                r.NullableString("host_name"),
                r.NullableString("serial"),
                r.NullableInt64("run_id"),
                r.NullableInt64("stage_id"),
                r.NullableString("detail")));
        }
        return list;
    });
}
