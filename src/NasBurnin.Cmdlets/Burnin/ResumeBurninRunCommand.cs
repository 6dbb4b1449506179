using System.Management.Automation;
using NasBurnin.Common;
using NasBurnin.Completion;
using NasBurnin.Engine.Burnin;
using NasBurnin.Engine.Inventory;
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
public sealed class ResumeBurninRunCommand : BurninCmdlet
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

    protected override void EndProcessing()
    {
        if (_ids.Count == 0) return;
        var store = Store;
        var actor = RequireOperator();
        var ids = _ids.Distinct().ToList();
        var whatIf = IsWhatIf;
        // The host may know better than the store (a run killed since the last look): not under -WhatIf, which changes nothing.
        if (!whatIf) BurninHosts.Refresh(this, ids);
        var repo = new RunRepository(store);
        var runs = repo.Query(new RunQuery(RunIds: ids));
        foreach (var missing in ids.Where(id => runs.All(r => r.Id != id)))
            WriteError(ErrorRecords.Create("RunNotFound", ErrorCategory.ObjectNotFound, $"There is no run {missing} in the store.", missing));
        var hosts = BurninHosts.For(store, runs);
        foreach (var orphan in runs.Where(r => hosts.All(h => h.Id != r.HostId)))
            WriteError(ErrorRecords.Create("RunHostUnknown", ErrorCategory.ObjectNotFound,
                $"Run {orphan.Id} belongs to {orphan.HostName}, which is no longer registered; connect it again with Connect-BurninHost to resume the run.", orphan.Id));
        var settings = new SettingsRepository(store).Get();

        // Where the drives answer now: a fresh inventory finds a drive that moved (sdb -> sdc) by its identity.
        var reachable = hosts.Where(h => runs.Any(r => r.HostId == h.Id && r.State == RunStates.Interrupted)).ToList();
        if (!whatIf)
        {
            var failed = new HashSet<long>();
            HostFanOut.Run(this, reachable,
                (host, shell, ct) => InventoryService.RefreshAsync(shell, host, store, settings, null, ct),
                (_, _) => { },
                (host, e) => { failed.Add(host.Id); WriteError(ErrorRecords.From(e, host.Name)); });
            reachable = reachable.Where(h => !failed.Contains(h.Id)).ToList();
        }

        var resumer = new RunResumer(store);
        var plans = new Dictionary<long, List<ResumePlan>>();
        foreach (var run in runs)
        {
            var host = hosts.FirstOrDefault(h => h.Id == run.HostId);
            if (host is null) continue;
            if (run.State == RunStates.Interrupted && reachable.All(h => h.Id != host.Id)) continue; // its host's error is written
            ResumePlan? plan = null;
            if (!PerItem(() => plan = resumer.Check(run, BurninHosts.Context(host, settings, StartRunCommandBase.NoShell.Instance), settings, actor, auditRefusals: !whatIf), run.Id) || plan is null)
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
        if (plans.Count == 0) return;

        var resumed = new List<long>();
        HostFanOut.Run(this, hosts.Where(h => plans.ContainsKey(h.Id)).ToList(),
            (host, shell, ct) => resumer.ResumeAsync(BurninHosts.Context(host, settings, shell), plans[host.Id], actor, ct),
            (_, result) =>
            {
                foreach (var refusal in result.Refused)
                    WriteError(ErrorRecords.Create("ResumeRefused", ErrorCategory.InvalidOperation,
                        $"Run {refusal.Run.Id} ({refusal.Run.Serial} on {refusal.Run.HostName}) was not resumed and stays Interrupted: {refusal.Reason}.", refusal.Run.Id));
                var stages = repo.Stages(result.Resumed.Select(r => r.Id).ToList(), includeLog: false);
                foreach (var r in result.Resumed)
                {
                    resumed.Add(r.Id);
                    if (!Wait) WriteObject(BurninMapping.Run(r, stages));
                }
            });
        if (Wait && resumed.Count > 0)
            RunWaiter.Wait(this, resumed, TimeSpan.FromSeconds(PollSeconds), null);
    }
}
