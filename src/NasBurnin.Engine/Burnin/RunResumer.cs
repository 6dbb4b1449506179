using NasBurnin.Engine.Common;
using NasBurnin.Engine.Safety;
using NasBurnin.Engine.Store;

namespace NasBurnin.Engine.Burnin;

/// <summary>An Interrupted run that passed the planner's checks again, with its drive where it answers now.</summary>
/// <summary>A run found fit to resume: its drive as found now, the unlock it uses, and the stages still to run.</summary>
public sealed record ResumePlan(RunRecord Run, DriveFacts Drive, long? UnlockId, string? UnlockedRole, IReadOnlyList<StageKind> Left);

/// <summary>A run the host would not resume, and why; the run stays Interrupted.</summary>
public sealed record ResumeRefusal(RunRecord Run, string Reason);

/// <summary>
/// Resumes Interrupted runs on one host in one round trip (<see cref="RunnerScripts.Resume"/>): the host
/// checks that nothing of the old run lives and that the drive answers with the run's identity before it
/// changes anything. Only for the runs it resumed does the store change: the run goes back to Queued with
/// its Interrupted stages Pending (Passed ones kept), ResumeCount goes up, the unlock is consumed and a
/// run_resumed event records operator, source and checkpoint.
/// </summary>
public sealed class RunResumer
{
    private readonly BurninStore _store;

    public RunResumer(BurninStore store) => _store = store;

    /// <summary>
    /// The checks of a start, again, for the stages a run has left (roles, unlocks, SMART health, one run per
    /// drive), on the drive as the latest inventory found it by identity (model, serial and WWN), wherever it
    /// answers now. Throws, with the run as target, when the run may not be resumed.
    /// </summary>
    /// <param name="auditRefusals">False under -WhatIf, and for AutoResume (which tries again at every sync).</param>
    public ResumePlan Check(RunRecord run, HostContext host, BurninSettings settings, Actor actor, bool auditRefusals)
    {
        if (run.State != RunState.Interrupted)
            throw Refuse(run, "RunNotInterrupted", ErrorKind.InvalidOperation,
                $"Run {run.Id} on {run.HostName} is {run.State}; only an Interrupted run can be resumed" + (RunStates.IsFinal(run.State) ? ". Start a new run instead." : "."));
        if (run.RemoteId is null)
            throw Refuse(run, "RunNotResumable", ErrorKind.InvalidOperation, $"Run {run.Id} has no files on its host to resume from. Start a new run instead.");
        var runs = new RunRepository(_store);
        if (runs.Query(new RunQuery()).FirstOrDefault(r => r.DriveId == run.DriveId && r.Id > run.Id) is { } newer)
            throw Refuse(run, "RunSuperseded", ErrorKind.InvalidOperation,
                $"Drive {run.Serial} has a newer run ({newer.Id}, {newer.State}) than run {run.Id}; an older run is not resumed over it.");
        if (!new Inventory.DriveRepository(_store).PresentOn(run.HostName).Contains(run.DriveId))
            throw Refuse(run, "DriveGone", ErrorKind.NotFound,
                $"Drive {run.Serial} of run {run.Id} is not on {run.HostName} any more: no device there answers with its serial and WWN (it was {run.Device}). " +
                "The run stays Interrupted; resume it once the drive is back (Get-BurninDrive refreshes the inventory).");
        var planner = new BurninPlanner(_store, InventorySmartReader.Instance);
        var drive = planner.LoadDrive(run.DriveId);
        if (!string.Equals(drive.Serial, run.Serial, StringComparison.Ordinal))
            throw Refuse(run, "DriveIdentityChanged", ErrorKind.InvalidData, $"Run {run.Id} was on serial {run.Serial}, but its drive record now says {drive.Serial}; it is not resumed.");
        var left = runs.Stages(new[] { run.Id }, includeLog: false).Where(s => s.State != StageState.Passed).Select(s => s.Stage).ToList();
        try
        {
            var plan = planner.Plan(drive, run.Profile, left, host, settings, actor, 0, auditRefusals);
            return new ResumePlan(run, drive, plan.UnlockId, plan.UnlockedRole, left);
        }
        catch (BurninException e)
        {
            throw new BurninException(e.ErrorId, e.Kind, $"Run {run.Id} cannot be resumed: {e.Message}", e) { Target = run.Id };
        }
    }

    /// <summary>
    /// AutoResume: every Interrupted run on the host whose drive passes every check is resumed, audited under the
    /// operator who started it; the others stay Interrupted, without an audit event (the next sync tries again).
    /// Call after the host's inventory and runs were refreshed. Returns how many runs were resumed.
    /// </summary>
    public async Task<int> AutoResumeAsync(HostContext host, BurninSettings settings, string source, CancellationToken ct)
    {
        if (!settings.AutoResume) return 0;
        var plans = new List<(Actor Actor, ResumePlan Plan)>();
        foreach (var run in new RunRepository(_store).Query(new RunQuery(States: new[] { RunState.Interrupted }, HostName: host.HostName)))
        {
            var actor = new Actor(run.Operator, source + " (AutoResume)");
            try { plans.Add((actor, Check(run, host, settings, actor, auditRefusals: false))); }
            catch (BurninException) { }
        }
        var resumed = 0;
        foreach (var group in plans.GroupBy(p => p.Actor))
            resumed += (await ResumeAsync(host, group.Select(p => p.Plan).ToList(), group.Key, ct, auditRefusals: false).ConfigureAwait(false)).Resumed.Count;
        return resumed;
    }

    private static BurninException Refuse(RunRecord run, string id, ErrorKind kind, string message) => new(id, kind, message) { Target = run.Id };

    public async Task<(IReadOnlyList<RunRecord> Resumed, IReadOnlyList<ResumeRefusal> Refused)> ResumeAsync(
        HostContext host, IReadOnlyList<ResumePlan> plans, Actor actor, CancellationToken ct, bool auditRefusals = true)
    {
        if (plans.Count == 0) return (Array.Empty<RunRecord>(), Array.Empty<ResumeRefusal>());
        var resumed = new List<long>();
        var refused = new List<ResumeRefusal>();
        foreach (var group in plans.GroupBy(p => p.Run.WorkDir ?? host.WorkDir))
        {
            var targets = group.Select(p => new ResumeTarget(p.Run.RemoteId!, p.Drive.Device, p.Drive.Serial!, p.Drive.Wwn,
                host.Tools.Smartctl, p.Run.ResumeCount + 1, p.UnlockedRole)).ToList();
            var result = await host.Shell.RunAsync(RunnerScripts.Resume(group.Key, targets), BurninService.RemoteTimeout, ct).ConfigureAwait(false);
            var lines = result.StdOut.Split('\n');
            string? Field(string tag, string id) => lines.Where(l => l.StartsWith($"{tag} {id} ", StringComparison.Ordinal) || l == $"{tag} {id}")
                .Select(l => l.Length > tag.Length + id.Length + 2 ? l[(tag.Length + id.Length + 2)..].Trim() : "").FirstOrDefault();
            foreach (var p in group)
            {
                var id = p.Run.RemoteId!;
                if (Field("@@RESUMED", id) is not null)
                {
                    var checkpoint = string.Join("; ", lines.Where(l => l.StartsWith($"@@CHECKPOINT {id} ", StringComparison.Ordinal)).Select(l => l[(13 + id.Length + 1)..].Trim()));
                    Record(p, host.HostName, actor, checkpoint);
                    resumed.Add(p.Run.Id);
                }
                else
                {
                    var why = Field("@@REFUSED", id) ?? $"the host did not answer for it (exit {result.ExitCode}): {result.StdErr.Trim()}";
                    if (auditRefusals) new AuditLog(_store).Record("resume_refused", actor, $"run {p.Run.Id} stays Interrupted: {why}", host.HostName, p.Run.Serial, p.Run.Id);
                    refused.Add(new ResumeRefusal(p.Run, why));
                }
            }
        }
        return (new RunRepository(_store).Query(new RunQuery(RunIds: resumed)), refused);
    }

    private void Record(ResumePlan p, string hostName, Actor actor, string checkpoint) => _store.Write((c, tx) =>
    {
        if (p.UnlockId is { } u) DriveUnlockService.Consume(c, tx, _store.Clock, u);
        // The remaining-time estimate goes by the stage's pace since it started: the time it lay interrupted
        // is not part of that, so its start moves on by that time.
        var now = _store.Clock.UtcNow;
        foreach (var (id, started, stopped) in RunRepository.InterruptedStageTimes(c, tx, p.Run.Id))
            if (now > stopped) RunRepository.MoveStageStart(c, tx, id, started + (now - stopped));
        RunRepository.Requeue(c, tx, p.Run.Id, p.Drive.Device);
        RunRepository.ReopenInterruptedStages(c, tx, p.Run.Id);
        // The snapshots stored when the run was called Interrupted come again when it ends (the host keeps smart-pre.json).
        RunRepository.DeleteSnapshots(c, tx, p.Run.Id);
        var moved = p.Drive.Device != p.Run.Device ? $" (it was at {p.Run.Device} when interrupted)" : "";
        AuditLog.Record(c, tx, _store.Clock, "run_resumed", actor,
            $"run {p.Run.Id} resumed ({p.Run.ResumeCount + 1}) on {p.Drive.Device}{moved}" + (p.UnlockedRole is { } role ? $", consumed the {role} unlock" : "") +
            (checkpoint.Length > 0 ? $"; checkpoint {checkpoint}" : "; no checkpoint: the interrupted stage starts again"),
            hostName, p.Run.Serial, p.Run.Id);
    });
}
