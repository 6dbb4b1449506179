using NasBurnin.Engine.Common;
using NasBurnin.Engine.Safety;
using NasBurnin.Engine.Store;

namespace NasBurnin.Engine.Burnin;

/// <summary>
/// Starts, refreshes and stops runs on one host, each in one round trip (a finished run costs one
/// more, once, to collect its logs and SMART snapshots).
/// </summary>
public sealed class BurninService
{
    public static readonly TimeSpan RemoteTimeout = TimeSpan.FromMinutes(2);

    private readonly BurninStore _store;
    private readonly ISmartReader _smart;

    public BurninService(BurninStore store, ISmartReader smart)
    {
        _store = store;
        _smart = smart;
    }

    /// <summary>
    /// Records the runs, consumes their unlocks, audits, then starts every runner on the host in one
    /// round trip. If the host refuses, the records are rolled back and the unlocks given back.
    /// </summary>
    public async Task<IReadOnlyList<RunRecord>> StartAsync(HostContext host, IReadOnlyList<RunPlan> plans, Actor actor, CancellationToken ct)
    {
        if (plans.Count == 0) return Array.Empty<RunRecord>();
        var ids = _store.Write((c, tx) =>
        {
            var list = new List<long>();
            foreach (var p in plans)
            {
                if (p.UnlockId is { } u) DriveUnlockService.Consume(c, tx, _store.Clock, u);
                var id = RunRepository.Insert(c, tx, _store.Clock, p.Drive.Id, host.HostId, host.HostName, p.Drive.Device, p.Drive.Serial,
                    p.ProfileName, p.Stages, actor, p.Spec.RemoteId, host.WorkDir, p.UnlockId);
                AuditLog.Record(c, tx, _store.Clock, p.Destructive ? "destructive_run_started" : "burnin_started", actor,
                    $"{string.Join(", ", p.Stages)} on {p.Drive.Device}" + (p.UnlockedRole is { } role ? $" (consumed the {role} unlock)" : ""),
                    host.HostName, p.Drive.Serial, id);
                list.Add(id);
            }
            return list;
        });
        CommandFailure? failure = null;
        try
        {
            var result = await host.Shell.RunAsync(RunnerScripts.Start(host.WorkDir, plans.Select(p => p.Spec).ToList()), RemoteTimeout, ct).ConfigureAwait(false);
            var started = result.StdOut.Split('\n').Count(l => l.StartsWith("@@STARTED ", StringComparison.Ordinal));
            if (result.ExitCode != 0 || started != plans.Count)
                failure = new CommandFailure($"the host did not start the runners (exit {result.ExitCode}): {Tail(result.StdErr)}");
        }
        catch (BurninException e)
        {
            failure = new CommandFailure(e.Message, e);
        }
        if (failure is not null)
        {
            Undo(ids, plans, actor, host.HostName, failure.Message);
            throw new BurninException("RunStartFailed", ErrorKind.InvalidOperation,
                $"No run was started on {host.HostName}: {failure.Message}", failure.Inner) { Target = host.HostName };
        }
        return new RunRepository(_store).Query(new RunQuery(RunIds: ids));
    }

    private sealed record CommandFailure(string Message, Exception? Inner = null);

    private void Undo(IReadOnlyList<long> ids, IReadOnlyList<RunPlan> plans, Actor actor, string hostName, string why) => _store.Write((c, tx) =>
    {
        DriveUnlockService.GiveBack(c, tx, RunRepository.DeleteNeverStarted(c, tx, ids));
        foreach (var p in plans)
            AuditLog.Record(c, tx, _store.Clock, "burnin_start_failed", actor, why, hostName, p.Drive.Serial);
    });

    /// <summary>Brings the store up to date with the host's unfinished runs.</summary>
    public async Task RefreshAsync(HostContext host, BurninSettings settings, CancellationToken ct)
    {
        var runs = new RunRepository(_store).Query(new RunQuery(UnfinishedOnly: true))
            .Where(r => string.Equals(r.HostName, host.HostName, StringComparison.OrdinalIgnoreCase) && r.RemoteId is not null).ToList();
        if (runs.Count == 0) return;
        var sync = new RunSynchronizer(_store, j => _smart.Evidence(j), settings);
        foreach (var group in runs.GroupBy(r => r.WorkDir ?? host.WorkDir))
        {
            var ids = group.Select(r => r.RemoteId!).ToList();
            var first = await host.Shell.RunAsync(RunnerScripts.Status(group.Key, ids), RemoteTimeout, ct).ConfigureAwait(false);
            var (status, queue) = RemoteRunStatusParser.Parse(first.StdOut);
            var finals = status.Values.Where(s => s.IsFinal).Select(s => s.RemoteId).ToHashSet(StringComparer.Ordinal);
            if (finals.Count > 0)
            {
                var second = await host.Shell.RunAsync(RunnerScripts.Status(group.Key, finals, finals), RemoteTimeout, ct).ConfigureAwait(false);
                var (withFiles, _) = RemoteRunStatusParser.Parse(second.StdOut);
                status = status.ToDictionary(kv => kv.Key, kv => withFiles.TryGetValue(kv.Key, out var f) ? f : kv.Value, StringComparer.Ordinal);
            }
            foreach (var run in group)
            {
                if (first.ExitCode != 0 && status.Count == 0)
                    throw new BurninException("RunStatusFailed", ErrorKind.InvalidOperation,
                        $"Could not read the runs on {host.HostName} (exit {first.ExitCode}): {Tail(first.StdErr)}") { Target = host.HostName };
                sync.Apply(run, status.TryGetValue(run.RemoteId!, out var s) ? s : null, queue);
            }
        }
    }

    /// <summary>Stops runs: the runner's process group is killed, a running self-test aborted, stages marked Aborted.</summary>
    public async Task StopAsync(HostContext host, IReadOnlyList<RunRecord> runs, Actor actor, BurninSettings settings, CancellationToken ct)
    {
        var live = runs.Where(r => !RunStates.IsFinal(r.State) && r.RemoteId is not null).ToList();
        foreach (var group in live.GroupBy(r => r.WorkDir ?? host.WorkDir))
        {
            var script = RunnerScripts.Stop(group.Key, group.Select(r => (r.RemoteId!, r.Device, host.Tools.Smartctl)));
            var result = await host.Shell.RunAsync(script, RemoteTimeout, ct).ConfigureAwait(false);
            if (result.ExitCode != 0)
                throw new BurninException("RunStopFailed", ErrorKind.InvalidOperation,
                    $"Stopping runs on {host.HostName} failed (exit {result.ExitCode}): {Tail(result.StdErr)}") { Target = host.HostName };
            var survivors = result.StdOut.Split('\n').Where(l => l.StartsWith("@@STOPPED ", StringComparison.Ordinal))
                .Select(l => l.Split(' ', 4)).Where(p => p.Length == 4 && p[2] == "Survivors")
                .ToDictionary(p => p[1], p => p[3].Trim(), StringComparer.Ordinal);
            foreach (var r in group)
            {
                if (survivors.TryGetValue(r.RemoteId!, out var left))
                    new AuditLog(_store).Record("burnin_stop_incomplete", actor, $"run {r.Id} ({r.State}): still alive after SIGKILL: {left}", host.HostName, r.Serial, r.Id);
                else
                    new AuditLog(_store).Record("burnin_stopped", actor, $"run {r.Id} ({r.State}) stopped", host.HostName, r.Serial, r.Id);
            }
            if (survivors.Count > 0)
            {
                await RefreshAsync(host, settings, ct).ConfigureAwait(false);
                throw new BurninException("RunStopIncomplete", ErrorKind.InvalidOperation,
                    $"Processes of {survivors.Count} run(s) on {host.HostName} are still alive after SIGKILL ({string.Join("; ", survivors.Values)}), " +
                    "usually stuck in I/O on a failing drive. Those runs stay Running until the processes are gone; run Stop-BurninRun again, or check the drive on the host.") { Target = host.HostName };
            }
        }
        await RefreshAsync(host, settings, ct).ConfigureAwait(false);
    }

    private static string Tail(string s)
    {
        var t = s.Trim();
        return t.Length > 400 ? "…" + t[^400..] : t.Length == 0 ? "(no output)" : t;
    }
}
