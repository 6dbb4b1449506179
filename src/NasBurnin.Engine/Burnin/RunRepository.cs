using System.Text.Json;
using Microsoft.Data.Sqlite;
using NasBurnin.Engine.Common;
using NasBurnin.Engine.Store;

namespace NasBurnin.Engine.Burnin;

/// <summary>
/// The <c>burnin_runs</c> table's one owner: every statement on it is here, named for what it does. The
/// <c>internal static</c> ones run inside a caller's transaction (start, refresh, resume, undo), so the
/// caller keeps its transaction boundaries. Also reads and creates <c>burnin_stages</c> rows.
/// </summary>
public sealed partial class RunRepository
{
    private readonly BurninStore _store;

    public RunRepository(BurninStore store) => _store = store;

    internal static long Insert(SqliteConnection c, SqliteTransaction tx, IClock clock, long driveId, long? hostId, string hostName,
        string device, string? serial, string profile, IReadOnlyList<StageKind> stages, Actor actor, string remoteId, string workDir, long? unlockId)
    {
        var now = StoreTime.Format(clock.UtcNow);
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = """
            INSERT INTO burnin_runs(drive_id, host_id, host_name, device_path, serial, profile, state, result, operator, remote_id, work_dir, unlock_id, created_at)
            VALUES ($drive, $host, $hostName, $device, $serial, $profile, 'Queued', 'Running', $op, $remote, $work, $unlock, $now) RETURNING id
            """;
        cmd.Parameters.AddWithValue("$drive", driveId);
        cmd.Parameters.AddWithValue("$host", (object?)hostId ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$hostName", hostName);
        cmd.Parameters.AddWithValue("$device", device);
        cmd.Parameters.AddWithValue("$serial", (object?)serial ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$profile", profile);
        cmd.Parameters.AddWithValue("$op", actor.Operator);
        cmd.Parameters.AddWithValue("$remote", remoteId);
        cmd.Parameters.AddWithValue("$work", workDir);
        cmd.Parameters.AddWithValue("$unlock", (object?)unlockId ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$now", now);
        var runId = (long)cmd.ExecuteScalar()!;
        for (var i = 0; i < stages.Count; i++)
        {
            using var s = c.CreateCommand();
            s.Transaction = tx;
            s.CommandText = "INSERT INTO burnin_stages(run_id, ordinal, stage, state, operator) VALUES ($run, $n, $stage, 'Pending', $op)";
            s.Parameters.AddWithValue("$run", runId);
            s.Parameters.AddWithValue("$n", i + 1);
            s.Parameters.AddWithValue("$stage", stages[i].ToString());
            s.Parameters.AddWithValue("$op", actor.Operator);
            s.ExecuteNonQuery();
        }
        return runId;
    }

    public IReadOnlyList<RunRecord> Query(RunQuery q) => _store.Read(c => Query(c, null, q));

    internal static IReadOnlyList<RunRecord> Query(SqliteConnection c, SqliteTransaction? tx, RunQuery q)
    {
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        var where = new List<string>();
        AddIn(cmd, where, "id", "$id", q.RunIds?.Cast<object>().ToList());
        AddIn(cmd, where, "state", "$st", q.States?.Select(s => (object)s.ToString()).ToList());
        AddIn(cmd, where, "result", "$rs", q.Results?.Select(s => (object)s.ToString()).ToList());
        if (q.Serial is { } serial) { where.Add(Wildcard.SqlCondition("serial", "$serial")); cmd.Parameters.AddWithValue("$serial", serial.ToGlob()); }
        if (q.HostName is { } host) { where.Add(Wildcard.SqlCondition("host_name", "$hn")); cmd.Parameters.AddWithValue("$hn", host.ToGlob()); }
        if (q.UnfinishedOnly) where.Add("state NOT IN ('Finished', 'Aborted', 'Interrupted')");
        cmd.CommandText = "SELECT * FROM burnin_runs" + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") + " ORDER BY id";
        var list = new List<RunRecord>();
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            list.Add(new RunRecord(
                r.GetInt64(r.GetOrdinal("id")), r.GetInt64(r.GetOrdinal("drive_id")), r.NullableInt64("host_id"),
                r.GetString(r.GetOrdinal("host_name")), r.GetString(r.GetOrdinal("device_path")), r.NullableString("serial"),
                r.GetString(r.GetOrdinal("profile")), Enum.Parse<RunState>(r.GetString(r.GetOrdinal("state"))),
                Enum.Parse<RunResult>(r.NullableString("result") ?? RunResults.Running),
                ReadReasons(r.NullableString("reasons")), r.GetString(r.GetOrdinal("operator")), r.NullableString("remote_id"),
                r.NullableString("work_dir"), (int?)r.NullableInt64("queue_position"), (int)(r.NullableInt64("events_seen") ?? 0),
                StoreTime.Parse(r.GetString(r.GetOrdinal("created_at"))), r.NullableTime("started_at"), r.NullableTime("finished_at"))
            {
                ResumeCount = (int)(r.NullableInt64("resume_count") ?? 0),
            });
        }
        return list;
    }

    public IReadOnlyList<StageRecord> Stages(IReadOnlyCollection<long>? runIds, bool includeLog) => _store.Read(c =>
    {
        using var cmd = c.CreateCommand();
        var where = new List<string>();
        AddIn(cmd, where, "s.run_id", "$run", runIds?.Cast<object>().ToList());
        cmd.CommandText = $"""
            SELECT s.*, r.serial AS run_serial, r.host_name AS run_host, {(includeLog ? "s.log_text" : "NULL")} AS log
            FROM burnin_stages s JOIN burnin_runs r ON r.id = s.run_id
            {(where.Count > 0 ? "WHERE " + string.Join(" AND ", where) : "")}
            ORDER BY s.run_id, s.ordinal
            """;
        var list = new List<StageRecord>();
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            list.Add(new StageRecord(
                r.GetInt64(r.GetOrdinal("id")), r.GetInt64(r.GetOrdinal("run_id")), (int)r.GetInt64(r.GetOrdinal("ordinal")),
                Enum.Parse<StageKind>(r.GetString(r.GetOrdinal("stage"))), Enum.Parse<StageState>(r.GetString(r.GetOrdinal("state"))),
                r.NullableDouble("progress"), (int?)r.NullableInt64("phase"), (int?)r.NullableInt64("phases"), r.NullableString("pattern"),
                (r.NullableInt64("paused") ?? 0) != 0, r.NullableString("summary"), r.NullableString("log"), r.GetString(r.GetOrdinal("operator")),
                r.NullableTime("started_at"), r.NullableTime("finished_at"), r.NullableTime("last_progress_at"),
                r.NullableString("run_serial"), r.GetString(r.GetOrdinal("run_host"))));
        }
        return list;
    });

    /// <summary>A run's state and how many runner events it has audited, as its row holds them now.</summary>
    internal sealed record RunProgressRow(RunState State, int EventsSeen);

    /// <summary>Re-reads a run's state inside the caller's write transaction (another process may have moved it on).</summary>
    internal static RunProgressRow? CurrentState(SqliteConnection c, SqliteTransaction tx, long runId)
    {
        using var cmd = c.Command(tx, "SELECT state, events_seen FROM burnin_runs WHERE id = $id", ("$id", runId));
        using var r = cmd.ExecuteReader();
        return r.Read() ? new RunProgressRow(Enum.Parse<RunState>(r.GetString(0)), (int)r.GetInt64(1)) : null;
    }

    /// <summary>What one refresh learned about a run; null fields keep what the row holds.</summary>
    internal sealed record RunRefresh(string State, int? QueuePosition, int EventsSeen, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt,
        string? Result, IReadOnlyList<string>? Reasons);

    /// <summary>Writes a refresh: the state, queue position and events seen always; start, finish, result and reasons only once known.</summary>
    internal static void ApplyRefresh(SqliteConnection c, SqliteTransaction tx, long runId, RunRefresh u) => c.Execute(tx, """
        UPDATE burnin_runs SET state = $state, queue_position = $pos, events_seen = $seen,
            started_at = COALESCE(started_at, $started), finished_at = COALESCE($finished, finished_at),
            result = COALESCE($result, result), reasons = COALESCE($reasons, reasons)
        WHERE id = $id
        """,
        ("$state", u.State), ("$pos", u.QueuePosition), ("$seen", u.EventsSeen),
        ("$started", u.StartedAt is { } s ? StoreTime.Format(s) : null),
        ("$finished", u.FinishedAt is { } f ? StoreTime.Format(f) : null),
        ("$result", u.Result), ("$reasons", u.Reasons is null ? null : WriteReasons(u.Reasons)), ("$id", runId));

    /// <summary>Ends a run as Interrupted with the given reasons (its stages are ended by the caller in the same transaction).</summary>
    internal static void MarkInterrupted(SqliteConnection c, SqliteTransaction tx, long runId, IReadOnlyList<string> reasons, DateTimeOffset now) =>
        c.Execute(tx, "UPDATE burnin_runs SET state = 'Interrupted', result = 'Interrupted', reasons = $reasons, finished_at = $now WHERE id = $r",
            ("$reasons", WriteReasons(reasons)), ("$now", StoreTime.Format(now)), ("$r", runId));

    /// <summary>Puts an interrupted run back in the queue on <paramref name="device"/> and counts the resume.</summary>
    internal static void Requeue(SqliteConnection c, SqliteTransaction tx, long runId, string device) => c.Execute(tx, """
        UPDATE burnin_runs SET state = 'Queued', result = 'Running', reasons = NULL, finished_at = NULL, queue_position = NULL,
            resume_count = resume_count + 1, device_path = $device WHERE id = $id
        """, ("$device", device), ("$id", runId));

    /// <summary>Deletes runs the host never accepted; returns the unlocks they had consumed, for the caller to give back.</summary>
    internal static IReadOnlyList<long> DeleteNeverStarted(SqliteConnection c, SqliteTransaction tx, IReadOnlyList<long> runIds)
    {
        var unlocks = new List<long>();
        using (var read = c.CreateCommand())
        {
            read.Transaction = tx;
            var where = new List<string>();
            AddIn(read, where, "id", "$id", runIds.Cast<object>().ToList());
            read.CommandText = $"SELECT unlock_id FROM burnin_runs WHERE {where[0]} AND unlock_id IS NOT NULL";
            using var r = read.ExecuteReader();
            while (r.Read()) unlocks.Add(r.GetInt64(0));
        }
        using var delete = c.CreateCommand();
        delete.Transaction = tx;
        var ids = new List<string>();
        AddIn(delete, ids, "id", "$id", runIds.Cast<object>().ToList());
        delete.CommandText = $"DELETE FROM burnin_runs WHERE {ids[0]}";
        delete.ExecuteNonQuery();
        return unlocks;
    }

    /// <summary>How many runs on the host have not finished (a host with such runs is not removed).</summary>
    internal static long CountUnfinishedOnHost(SqliteConnection c, SqliteTransaction tx, long hostId) =>
        (long)c.Scalar(tx, "SELECT count(*) FROM burnin_runs WHERE host_id = $id AND finished_at IS NULL", ("$id", hostId))!;

    internal static void AddIn(SqliteCommand cmd, List<string> where, string column, string prefix, IReadOnlyList<object>? values)
    {
        if (values is null) return;
        if (values.Count == 0) { where.Add("0"); return; }
        var names = new List<string>();
        for (var i = 0; i < values.Count; i++)
        {
            names.Add(prefix + i);
            cmd.Parameters.AddWithValue(prefix + i, values[i]);
        }
        where.Add($"{column} IN ({string.Join(", ", names)})");
    }

    internal static string WriteReasons(IReadOnlyList<string> reasons) => JsonSerializer.Serialize(reasons);

    private static IReadOnlyList<string> ReadReasons(string? json)
    {
        if (string.IsNullOrEmpty(json)) return Array.Empty<string>();
        try { return JsonSerializer.Deserialize<string[]>(json) ?? Array.Empty<string>(); }
        catch (JsonException) { return new[] { json }; }
    }
}
