using Microsoft.Data.Sqlite;
using NasBurnin.Engine.Common;
using NasBurnin.Engine.Store;

namespace NasBurnin.Engine.Burnin;

/// <summary>
/// The statements on <c>burnin_stages</c> that run inside a caller's transaction: a refresh from the host
/// (<see cref="RunSynchronizer"/>), a resume (<see cref="RunResumer"/>) and the retention prune.
/// </summary>
public sealed partial class RunRepository
{
    /// <summary>A stage's row as a refresh compares it with what the host reports.</summary>
    internal sealed record StageProgressRow(long Id, string State, double? Progress, DateTimeOffset? LastProgressAt, DateTimeOffset? StartedAt);

    /// <summary>The run's stages by ordinal.</summary>
    internal static Dictionary<int, StageProgressRow> StageProgress(SqliteConnection c, SqliteTransaction tx, long runId)
    {
        using var cmd = c.Command(tx, "SELECT id, ordinal, state, progress, last_progress_at, started_at FROM burnin_stages WHERE run_id = $r", ("$r", runId));
        var map = new Dictionary<int, StageProgressRow>();
        using var r = cmd.ExecuteReader();
        while (r.Read())
            map[(int)r.GetInt64(1)] = new StageProgressRow(r.GetInt64(0), r.GetString(2), r.NullableDouble("progress"), r.NullableTime("last_progress_at"), r.NullableTime("started_at"));
        return map;
    }

    /// <summary>The run's stage kinds by ordinal, for the verdict.</summary>
    internal static Dictionary<int, StageKind> StageKinds(SqliteConnection c, SqliteTransaction tx, long runId)
    {
        using var cmd = c.Command(tx, "SELECT ordinal, stage FROM burnin_stages WHERE run_id = $r", ("$r", runId));
        var map = new Dictionary<int, StageKind>();
        using var r = cmd.ExecuteReader();
        while (r.Read()) map[(int)r.GetInt64(0)] = Enum.Parse<StageKind>(r.GetString(1));
        return map;
    }

    internal static long? StageId(SqliteConnection c, SqliteTransaction tx, long runId, int ordinal) =>
        c.Scalar(tx, "SELECT id FROM burnin_stages WHERE run_id = $r AND ordinal = $o", ("$r", runId), ("$o", ordinal)) as long?;

    /// <summary>Writes what the host reports of one stage; <paramref name="progressAt"/> is set when it moved.</summary>
    internal static void ApplyStageRefresh(SqliteConnection c, SqliteTransaction tx, long stageId, RemoteStageStatus rs, DateTimeOffset? progressAt)
    {
        var p = rs.Progress;
        c.Execute(tx, """
            UPDATE burnin_stages SET state = $state, progress = COALESCE($progress, progress), phase = COALESCE($phase, phase),
                phases = COALESCE($phases, phases), pattern = COALESCE($pattern, pattern), paused = $paused,
                summary = COALESCE($summary, summary), started_at = COALESCE(started_at, $started), finished_at = COALESCE($finished, finished_at),
                last_progress_at = COALESCE($progressAt, last_progress_at)
            WHERE id = $id
            """,
            ("$state", rs.State),
            ("$progress", p?.Percent),
            ("$phase", p is { Phases: > 1 } ? (object?)p.Phase : null),
            ("$phases", p is { Phases: > 1 } ? (object?)p.Phases : null),
            ("$pattern", p is { Pattern.Length: > 0 } ? p.Pattern : null),
            // A stage that ended is not paused, whatever its last progress line said (an Interrupted heat pause).
            ("$paused", p?.Paused == true && rs.State == StageStates.Running ? 1 : 0),
            ("$summary", rs.Summary),
            ("$started", rs.Started is { } s ? StoreTime.Format(s) : null),
            ("$finished", rs.Finished is { } f ? StoreTime.Format(f) : null),
            ("$progressAt", progressAt is { } t ? StoreTime.Format(t) : null),
            ("$id", stageId));
    }

    internal static void StoreStageLog(SqliteConnection c, SqliteTransaction tx, long runId, int ordinal, string log) =>
        c.Execute(tx, "UPDATE burnin_stages SET log_text = $log WHERE run_id = $r AND ordinal = $o", ("$log", log), ("$r", runId), ("$o", ordinal));

    /// <summary>Stages the host never finished end with the run (Aborted or Interrupted), keeping a summary or end time they have.</summary>
    internal static void EndUnfinishedStages(SqliteConnection c, SqliteTransaction tx, long runId, string state, string why, DateTimeOffset now) =>
        c.Execute(tx, "UPDATE burnin_stages SET state = $s, summary = COALESCE(summary, $why), finished_at = COALESCE(finished_at, $now) WHERE run_id = $r AND state IN ('Pending', 'Running')",
            ("$s", state), ("$why", why), ("$now", StoreTime.Format(now)), ("$r", runId));

    /// <summary>Stages of a run whose files are gone from the host end Interrupted, with that reason and time.</summary>
    internal static void InterruptUnfinishedStages(SqliteConnection c, SqliteTransaction tx, long runId, string why, DateTimeOffset now) =>
        c.Execute(tx, "UPDATE burnin_stages SET state = 'Interrupted', summary = $why, finished_at = $now WHERE run_id = $r AND state IN ('Pending', 'Running')",
            ("$why", why), ("$now", StoreTime.Format(now)), ("$r", runId));

    /// <summary>The evidence failed a drive whose stages all passed: the SMART post-check shows it.</summary>
    internal static void FailPostCheck(SqliteConnection c, SqliteTransaction tx, long runId, string summary) =>
        c.Execute(tx, "UPDATE burnin_stages SET state = 'Failed', summary = $s WHERE run_id = $r AND stage = 'SmartPostCheck'", ("$s", summary), ("$r", runId));

    /// <summary>The run's Interrupted stages that had started and stopped: id, start and stop.</summary>
    internal static IReadOnlyList<(long Id, DateTimeOffset Started, DateTimeOffset Stopped)> InterruptedStageTimes(SqliteConnection c, SqliteTransaction tx, long runId)
    {
        using var cmd = c.Command(tx,
            "SELECT id, started_at, finished_at FROM burnin_stages WHERE run_id = $id AND state = 'Interrupted' AND started_at IS NOT NULL AND finished_at IS NOT NULL",
            ("$id", runId));
        var list = new List<(long, DateTimeOffset, DateTimeOffset)>();
        using var r = cmd.ExecuteReader();
        while (r.Read()) list.Add((r.GetInt64(0), StoreTime.Parse(r.GetString(1)), StoreTime.Parse(r.GetString(2))));
        return list;
    }

    internal static void MoveStageStart(SqliteConnection c, SqliteTransaction tx, long stageId, DateTimeOffset started) =>
        c.Execute(tx, "UPDATE burnin_stages SET started_at = $s WHERE id = $id", ("$s", StoreTime.Format(started)), ("$id", stageId));

    /// <summary>A resumed run's Interrupted stages wait again (Pending, not paused, no summary or end).</summary>
    internal static void ReopenInterruptedStages(SqliteConnection c, SqliteTransaction tx, long runId) =>
        c.Execute(tx, "UPDATE burnin_stages SET state = 'Pending', summary = NULL, finished_at = NULL, paused = 0 WHERE run_id = $id AND state = 'Interrupted'", ("$id", runId));

    /// <summary>Finished stages before the cutoff that still hold log text: id and log bytes, oldest id first.</summary>
    internal static IReadOnlyList<(long Id, long Bytes)> StagesWithLogBefore(SqliteConnection c, DateTimeOffset cutoff)
    {
        using var cmd = c.Command(null, """
            SELECT id, octet_length(log_text) FROM burnin_stages
            WHERE finished_at IS NOT NULL AND finished_at < $cutoff AND log_text IS NOT NULL
            ORDER BY id
            """, ("$cutoff", StoreTime.Format(cutoff)));
        var list = new List<(long, long)>();
        using var r = cmd.ExecuteReader();
        while (r.Read()) list.Add((r.GetInt64(0), r.GetInt64(1)));
        return list;
    }

    /// <summary>Drops the log text of stages in an id range that are still due (the condition is checked again); returns their ids.</summary>
    internal static List<long> DropStageLogs(SqliteConnection c, SqliteTransaction tx, long firstId, long lastId, DateTimeOffset cutoff)
    {
        using var update = c.Command(tx, """
            UPDATE burnin_stages SET log_text = NULL
            WHERE id BETWEEN $first AND $last AND finished_at IS NOT NULL AND finished_at < $cutoff AND log_text IS NOT NULL
            RETURNING id
            """, ("$first", firstId), ("$last", lastId), ("$cutoff", StoreTime.Format(cutoff)));
        var ids = new List<long>();
        using var r = update.ExecuteReader();
        while (r.Read()) ids.Add(r.GetInt64(0));
        return ids;
    }
}
