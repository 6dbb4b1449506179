using System.Globalization;
using System.Management.Automation;
using NasBurnin.Common;
using NasBurnin.Engine.Burnin;

namespace NasBurnin.Burnin;

/// <summary>
/// Waits for runs while showing one progress bar per drive under one parent bar, and writes each run
/// when it ends. Ctrl+C stops the waiting, never the burn-in (it runs on the host).
/// </summary>
internal static class RunWaiter
{
    private const int ParentId = 1;

    public static async Task WaitAsync(BurninCmdlet cmdlet, IReadOnlyCollection<long> runIds, TimeSpan poll, TimeSpan? timeout)
    {
        var store = cmdlet.Store;
        var burnin = new BurninFacade(store);
        var pending = new HashSet<long>(runIds);
        var started = DateTime.UtcNow;
        while (pending.Count > 0 && !cmdlet.Cancellation.IsCancellationRequested)
        {
            await BurninHosts.RefreshAsync(cmdlet, pending).ConfigureAwait(false);
            var runs = burnin.Runs(new RunQuery(RunIds: pending.ToList()));
            var stages = burnin.Stages(pending.ToList(), includeLog: false);
            var now = store.Clock.UtcNow;
            var mapped = runs.Select(r => BurninMapping.Run(r, stages)).ToList();
            var overall = mapped.Count == 0 ? 100 : mapped.Average(r => r.Progress);
            cmdlet.WriteProgress(new ProgressRecord(ParentId, "Burn-in", $"{pending.Count} run(s) in progress")
            {
                PercentComplete = (int)Math.Clamp(overall, 0, 100),
            });
            foreach (var run in mapped)
                if (Report(cmdlet, run, stages, now)) pending.Remove(run.RunId);
            foreach (var missing in pending.Where(p => runs.All(r => r.Id != p)).ToList())
                pending.Remove(missing);
            if (pending.Count == 0) break;
            if (timeout is { } t && DateTime.UtcNow - started > t)
            {
                cmdlet.WriteWarning($"Stopped waiting after {t}; {pending.Count} run(s) are still going on their hosts.");
                break;
            }
            try
            {
                await Task.Delay(poll, cmdlet.Cancellation).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        if (!cmdlet.Cancellation.IsCancellationRequested)
            cmdlet.WriteProgress(new ProgressRecord(ParentId, "Burn-in", "Done") { RecordType = ProgressRecordType.Completed });
    }

    /// <summary>A finished run completes its bar and is written (true); a running one updates its bar.</summary>
    private static bool Report(BurninCmdlet cmdlet, BurninRun run, IReadOnlyList<StageRecord> stages, DateTimeOffset now)
    {
        var id = ChildId(run.RunId);
        if (RunStates.IsFinal(run.State))
        {
            cmdlet.WriteProgress(new ProgressRecord(id, Activity(run), run.Result.ToString()) { ParentActivityId = ParentId, RecordType = ProgressRecordType.Completed });
            cmdlet.WriteObject(run);
            return true;
        }
        var stage = stages.Where(s => s.RunId == run.RunId).Select(s => BurninMapping.Stage(s, now)).FirstOrDefault(s => s.State == StageState.Running);
        cmdlet.WriteProgress(new ProgressRecord(id, Activity(run), Status(run, stage))
        {
            ParentActivityId = ParentId,
            PercentComplete = (int)Math.Clamp(run.Progress, 0, 100),
            SecondsRemaining = stage?.Eta is { } eta ? (int)Math.Min(int.MaxValue, eta.TotalSeconds) : -1,
            CurrentOperation = stage?.Summary,
        });
        return false;
    }

    private static int ChildId(long runId) => (int)(runId % 1_000_000) + 10;

    private static string Activity(BurninRun r) => $"{r.HostName} {r.Device} {r.Serial}";

    private static string Status(BurninRun r, BurninStage? s)
    {
        if (r.State == RunState.Queued) return r.QueuePosition is { } p ? $"Queued (#{p} on {r.HostName})" : "Queued";
        if (s is null) return r.State.ToString();
        var text = $"{r.State}: {s.Stage} ({s.Ordinal}/{r.Stages.Length})";
        if (s.Phases is > 1) text += string.Create(CultureInfo.InvariantCulture, $", phase {s.Phase}/{s.Phases} {s.Pattern}");
        if (s.Paused) text += ", paused for heat";
        return text + string.Create(CultureInfo.InvariantCulture, $", {s.Progress ?? 0:0.0}%");
    }
}
