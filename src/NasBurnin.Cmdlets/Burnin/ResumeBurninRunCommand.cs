using System.Management.Automation;
using NasBurnin.Common;
using NasBurnin.Completion;
using NasBurnin.Engine.Burnin;
using NasBurnin.Engine.Inventory;
using NasBurnin.Engine.Common;
using NasBurnin.Engine.Remote;
using NasBurnin.Engine.Store;

namespace NasBurnin.Burnin;

/// <summary>
/// Resume-BurninRun: takes an Interrupted run up where it stopped (a NAS reboot, a killed runner): Passed
/// stages are kept, a surface stage continues badblocks from its checkpoint, a self-test starts again. It
/// writes to the drive, so it passes the same gate as a start (operator sign-in, roles, unlocks, health,
/// ShouldProcess with ConfirmImpact High). The inventory is read first, so a drive that came back at another
/// device path is found by its identity; the host then checks that nothing of the old run lives and that the
/// drive answers with the run's serial and WWN before it changes anything.
/// </summary>
[Cmdlet(VerbsLifecycle.Resume, "BurninRun", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(BurninRun))]
public sealed class ResumeBurninRunCommand : AsyncBurninCmdlet
{
    private readonly List<long> _ids = new();

    /// <summary>The runs to resume (Get-BurninRun -State Interrupted on the pipeline).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(RunIdCompleter))]
    public long[] RunId { get; set; } = Array.Empty<long>();

    /// <summary>Wait for the runs to finish, with progress, and write the finished runs.</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    /// <summary>With -Wait: how often to ask the hosts.</summary>
    [Parameter]
    [ValidateRange(1, 3600)]
    public int PollSeconds { get; set; } = 10;

    protected override void ProcessRecord() => _ids.AddRange(RunId);

    protected override async Task EndProcessingAsync(CancellationToken cancellationToken)
    {
        if (_ids.Count == 0) return;
        var store = Store;
        var actor = RequireOperator();
        var ids = _ids.Distinct().ToList();
        var whatIf = IsWhatIf;
        // The host may know better than the store (a run killed since the last look): not under -WhatIf, which changes nothing.
        if (!whatIf) await BurninHosts.RefreshAsync(this, ids).ConfigureAwait(false);
        var burnin = new BurninFacade(store);
        var runs = burnin.Runs(new RunQuery(RunIds: ids));
        foreach (var missing in ids.Where(id => runs.All(r => r.Id != id)))
            WriteError(ErrorRecords.Create("RunNotFound", ErrorCategory.ObjectNotFound, $"There is no run {missing} in the store.", missing));
        var hosts = burnin.HostsOf(runs);
        foreach (var orphan in runs.Where(r => hosts.All(h => h.Id != r.HostId)))
            WriteError(ErrorRecords.Create("RunHostUnknown", ErrorCategory.ObjectNotFound,
                $"Run {orphan.Id} belongs to {orphan.HostName}, which is no longer registered; connect it again with Connect-BurninHost to resume the run.", orphan.Id));
        var settings = new ConfigFacade(store).Settings();

        // Where the drives answer now: a fresh inventory finds a drive that moved (sdb -> sdc) by its identity.
        var reachable = hosts.Where(h => runs.Any(r => r.HostId == h.Id && r.State == RunState.Interrupted)).ToList();
        if (!whatIf) reachable = await InventoriedAsync(new InventoryFacade(store), settings, reachable).ConfigureAwait(false);

        var plans = Confirmed(burnin, runs, hosts, reachable, settings, actor, whatIf);
        if (plans.Count == 0) return;

        var resumed = new List<long>();
        await HostFanOut.RunAsync(this, hosts.Where(h => plans.ContainsKey(h.Id)).ToList(),
            (host, shell, ct) => burnin.ResumeAsync(host, shell, plans[host.Id], settings, actor, ct),
            (_, result) => WriteResumed(burnin, result, resumed)).ConfigureAwait(false);
        if (Wait && resumed.Count > 0)
            await RunWaiter.WaitAsync(this, resumed, TimeSpan.FromSeconds(PollSeconds), null).ConfigureAwait(false);
    }

    /// <summary>The hosts whose inventory could be read now; each one that could not gets its error.</summary>
    private async Task<List<HostRecord>> InventoriedAsync(InventoryFacade inventory, BurninSettings settings, IReadOnlyList<HostRecord> hosts)
    {
        var failed = new HashSet<long>();
        await HostFanOut.RunAsync(this, hosts,
            (host, shell, ct) => inventory.RefreshAsync(shell, host, settings, null, ct),
            (_, _) => { },
            (host, e) => { failed.Add(host.Id); WriteError(ErrorRecords.From(e, host.Name)); }).ConfigureAwait(false);
        return hosts.Where(h => !failed.Contains(h.Id)).ToList();
    }

    /// <summary>Checks each run (the run as target of a refusal) and confirms each resume; the confirmed plans by host id.</summary>
    private Dictionary<long, List<ResumePlan>> Confirmed(BurninFacade burnin, IReadOnlyList<RunRecord> runs, IReadOnlyList<HostRecord> hosts,
        List<HostRecord> reachable, BurninSettings settings, Actor actor, bool whatIf)
    {
        var plans = new Dictionary<long, List<ResumePlan>>();
        foreach (var run in runs)
        {
            var host = hosts.FirstOrDefault(h => h.Id == run.HostId);
            if (host is null) continue;
            if (run.State == RunState.Interrupted && reachable.All(h => h.Id != host.Id)) continue; // its host's error is written
            ResumePlan? plan = null;
            if (!PerItem(() => plan = burnin.CheckResume(run, host, settings, actor, auditRefusals: !whatIf), run.Id) || plan is null)
                continue;
            var d = plan.Drive;
            var moved = d.Device != run.Device ? $", interrupted at {run.Device}" : "";
            var left = plan.Left;
            if (!ShouldProcess($"run {run.Id}: {d.Device} on {host.Name} (serial {d.Serial}, {d.Model}{moved})",
                    $"Resume burn-in {run.Profile} where it stopped: {string.Join(", ", left)}" + (left.Any(s => s.IsDestructive()) ? " — WRITES TO THE DRIVE (continues erasing it)" : "")))
                continue;
            if (!plans.TryGetValue(host.Id, out var list)) plans[host.Id] = list = new();
            list.Add(plan);
        }
        return plans;
    }

    /// <summary>One host's answer: an error per refused run (it stays Interrupted), the resumed runs unless -Wait writes them later.</summary>
    private void WriteResumed(BurninFacade burnin, (IReadOnlyList<RunRecord> Resumed, IReadOnlyList<ResumeRefusal> Refused) result, List<long> resumed)
    {
        foreach (var refusal in result.Refused)
            WriteError(ErrorRecords.Create("ResumeRefused", ErrorCategory.InvalidOperation,
                $"Run {refusal.Run.Id} ({refusal.Run.Serial} on {refusal.Run.HostName}) was not resumed and stays Interrupted: {refusal.Reason}.", refusal.Run.Id));
        resumed.AddRange(result.Resumed.Select(r => r.Id));
        if (Wait) return;
        foreach (var r in RunOutput.Of(burnin, result.Resumed)) WriteObject(r);
    }
}
