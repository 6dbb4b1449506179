using Microsoft.Data.Sqlite;
using NasBurnin.Engine.Common;
using NasBurnin.Engine.Store;

namespace NasBurnin.Engine.Burnin;

/// <summary>
/// Brings the store up to date with what the runners on a host report: states, progress, stalls,
/// runner events (as audit events), and for finished runs their logs, SMART snapshots and verdict.
/// One transaction per run, so a reader never sees a run half-updated. Several processes may refresh
/// the same run at once (a session, a scheduled sync): each transaction re-reads the run's state and
/// event count first, so a run is finalized once, its snapshots stored once (a unique index backs
/// that up) and each runner event audited once.
/// </summary>
public sealed class RunSynchronizer
{
    private readonly BurninStore _store;
    private readonly Func<string, SmartEvidence?> _readSmart;
    private readonly BurninSettings _settings;

    public RunSynchronizer(BurninStore store, Func<string, SmartEvidence?> readSmart, BurninSettings settings)
    {
        _store = store;
        _readSmart = readSmart;
        _settings = settings;
    }

    public void Apply(RunRecord run, RemoteRunStatus? remote, IReadOnlyList<string> queue)
    {
        var now = _store.Clock.UtcNow;
        _store.Write((c, tx) =>
        {
            // What the store holds now, inside the write lock: another process may have finished this run
            // (or taken its events) since the caller read it.
            if (RunRepository.CurrentState(c, tx, run.Id) is not { } current || RunStates.IsFinal(current.State)) return;
            var fresh = run with { State = current.State, EventsSeen = current.EventsSeen };
            if (remote is null || remote.Missing)
            {
                MarkGone(c, tx, fresh, now);
                return;
            }
            var state = UpdateStages(c, tx, fresh.Id, remote, now);
            var position = QueuePosition(fresh, state, queue);
            var seen = IngestEvents(c, tx, fresh, remote);
            var (result, reasons) = Conclude(c, tx, fresh, remote, state, now);
            RunRepository.ApplyRefresh(c, tx, fresh.Id, new RunRepository.RunRefresh(state, position, seen, remote.Started,
                RunStates.IsFinal(state) ? remote.Finished ?? now : null, result, reasons));
        });
    }

    /// <summary>The run's state as the runner reports it; anything unknown counts as Running.</summary>
    private static string StateOf(RemoteRunStatus remote) => remote.State switch
    {
        "Queued" => RunStates.Queued,
        "Finished" => RunStates.Finished,
        "Aborted" => RunStates.Aborted,
        "Interrupted" => RunStates.Interrupted,
        _ => RunStates.Running,
    };

    /// <summary>
    /// Writes each reported stage; returns the run's state, Stalled when it runs but no stage has moved
    /// for longer than the StallHours setting.
    /// </summary>
    private string UpdateStages(SqliteConnection c, SqliteTransaction tx, long runId, RemoteRunStatus remote, DateTimeOffset now)
    {
        var state = StateOf(remote);
        var stages = RunRepository.StageProgress(c, tx, runId);
        var anyProgress = false;
        foreach (var (ordinal, rs) in remote.Stages)
        {
            if (!stages.TryGetValue(ordinal, out var row)) continue;
            var changed = row.State != rs.State || (rs.Progress?.Percent ?? -1) != (row.Progress ?? -1);
            anyProgress |= changed;
            RunRepository.ApplyStageRefresh(c, tx, row.Id, rs, changed ? now : null);
        }
        return state == RunStates.Running && !anyProgress && IsStalled(stages.Values, now) ? RunStates.Stalled : state;
    }

    /// <summary>The run's 1-based place in the host's queue while it waits there, else null.</summary>
    private static int? QueuePosition(RunRecord run, string state, IReadOnlyList<string> queue) =>
        state == RunStates.Queued && run.RemoteId is { } rid && queue.Contains(rid) ? queue.ToList().IndexOf(rid) + 1 : null;

    /// <summary>
    /// What the refresh concludes: for a final state the verdict, the snapshots and the end event; for a
    /// new stall its event; for a runner whose processes outlived SIGKILL the reason it is not called
    /// Interrupted yet. Returns the result and reasons to store (null keeps the stored ones).
    /// </summary>
    private (string? Result, IReadOnlyList<string>? Reasons) Conclude(SqliteConnection c, SqliteTransaction tx, RunRecord run, RemoteRunStatus remote,
        string state, DateTimeOffset now)
    {
        if (RunStates.IsFinal(state))
        {
            var (result, reasons) = Finalize(c, tx, run, remote, state, now);
            StoreSnapshots(c, tx, run, remote, now);
            RunChangeEvents.Ended(c, tx, run, result, reasons, remote.Events.Any(e => e.Type == "overheat"), now);
            return (result, reasons);
        }
        if (state == RunStates.Stalled && run.State != RunState.Stalled)
            RunChangeEvents.Stalled(c, tx, run, _settings.StallHours, now);
        else if (remote.Survivors is { } survivors)
            return (null, new[] { $"the runner on {run.HostName} stopped, but processes of its run are still alive after SIGKILL: {survivors}. " +
                                  "The run is not called Interrupted until they are gone; every refresh tries again." });
        return (null, null);
    }

    private bool IsStalled(IEnumerable<RunRepository.StageProgressRow> stages, DateTimeOffset now)
    {
        var running = stages.FirstOrDefault(s => s.State == StageStates.Running);
        var since = running?.LastProgressAt ?? running?.StartedAt;
        return since is { } t && now - t > TimeSpan.FromHours(_settings.StallHours);
    }

    /// <summary>Runner events become audit events once each (the run remembers how many it has seen).</summary>
    private int IngestEvents(SqliteConnection c, SqliteTransaction tx, RunRecord run, RemoteRunStatus remote)
    {
        var actor = new Actor(run.Operator, "runner@" + run.HostName);
        for (var i = run.EventsSeen; i < remote.Events.Count; i++)
        {
            var e = remote.Events[i];
            var type = e.Type switch
            {
                "refused" => "destructive_refused",
                "aborted" => "burnin_aborted",
                _ => e.Type,
            };
            var stageId = e.Stage > 0 ? RunRepository.StageId(c, tx, run.Id, e.Stage) : null;
            AuditLog.Record(c, tx, _store.Clock, type, actor, e.Detail, run.HostName, run.Serial, run.Id, stageId);
        }
        return Math.Max(run.EventsSeen, remote.Events.Count);
    }

    private (string Result, IReadOnlyList<string> Reasons) Finalize(SqliteConnection c, SqliteTransaction tx, RunRecord run, RemoteRunStatus remote, string state, DateTimeOffset now)
    {
        foreach (var (ordinal, rs) in remote.Stages)
        {
            StageTemperatures.Store(c, tx, run.Id, ordinal, StageTemperatures.Parse(rs.Temperatures));
            if (rs.Log is not null) RunRepository.StoreStageLog(c, tx, run.Id, ordinal, rs.Log);
        }
        if (state is RunStates.Aborted or RunStates.Interrupted)
        {
            // Stages the host never got to (no state file there) end with the run, not stay Pending.
            RunRepository.EndUnfinishedStages(c, tx, run.Id, state,
                state == RunStates.Aborted ? "aborted by operator" : "interrupted: the runner stopped before this stage began", now);
        }
        if (state == RunStates.Aborted) return (RunResults.Aborted, new[] { "aborted by operator" });
        if (state == RunStates.Interrupted)
        {
            var which = remote.Stages.Where(s => s.Value.State == StageStates.Interrupted).Select(s => s.Key).ToList();
            return (RunResults.Interrupted, new[] { $"interrupted: the runner on {run.HostName} stopped without finishing (killed, or the host restarted)" + (which.Count > 0 ? $"; stage {string.Join(", ", which)}" : "") });
        }
        var kinds = RunRepository.StageKinds(c, tx, run.Id);
        var stages = remote.Stages.Where(s => kinds.ContainsKey(s.Key)).Select(s => (kinds[s.Key], s.Value.State, s.Value.Summary));
        var pre = remote.SmartPre is { } a ? _readSmart(a) : null;
        var post = remote.SmartPost is { } b ? _readSmart(b) : null;
        var heat = remote.Events.Any(e => e.Type is "heat_paused" or "overheat");
        var verdict = Verdict.Decide(stages.ToList(), pre, post, _settings.TemperatureLimitC, heat);
        if (verdict.Failed && remote.Stages.Values.All(s => s.State != StageStates.Failed))
        {
            // The evidence failed the drive after every stage passed: the post-check is where that shows.
            RunRepository.FailPostCheck(c, tx, run.Id, string.Join("; ", verdict.Reasons.Where(r => !r.StartsWith("Warning:", StringComparison.Ordinal))));
        }
        return (verdict.Result, verdict.Reasons);
    }

    private void StoreSnapshots(SqliteConnection c, SqliteTransaction tx, RunRecord run, RemoteRunStatus remote, DateTimeOffset now)
    {
        foreach (var (kind, json) in new[] { ("pre", remote.SmartPre), ("post", remote.SmartPost) })
            if (json is not null) RunRepository.SaveSnapshot(c, tx, run, kind, json, _readSmart(json), now);
    }

    private void MarkGone(SqliteConnection c, SqliteTransaction tx, RunRecord run, DateTimeOffset now)
    {
        const string why = "interrupted: the run's files are gone from the host (its work folder was cleared, for example by a restart)";
        RunRepository.InterruptUnfinishedStages(c, tx, run.Id, why, now);
        RunRepository.MarkInterrupted(c, tx, run.Id, new[] { why }, now);
        RunChangeEvents.Ended(c, tx, run, RunResults.Interrupted, new[] { why }, heatAbort: false, now);
    }
}
