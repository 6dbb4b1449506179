using System.Globalization;
using System.Management.Automation;
using NasBurnin.Common;
using NasBurnin.Engine.Burnin;
using NasBurnin.Engine.Common;
using NasBurnin.Engine.Remote;
using NasBurnin.Engine.Store;

namespace NasBurnin.Burnin;

/// <summary>
/// What Start-BurninRun and Start-BurninStage share: collect the piped drives, check each one
/// (planner: roles, unlocks, one run per drive), confirm every destructive run (ConfirmImpact High:
/// it prompts, -WhatIf changes nothing, and where nobody can answer it fails closed), then start all
/// drives of a host in one round trip.
/// </summary>
public abstract class StartRunCommandBase : AsyncBurninCmdlet
{
    private readonly List<BurninDrive> _drives = new();

    /// <summary>
    /// The -Drive parameter (drives from Get-BurninDrive), declared by each cmdlet because its position differs:
    /// first for Start-BurninRun, after the stage for Start-BurninStage (so <c>| Start-BurninStage SurfaceValidate</c> binds).
    /// </summary>
    private protected abstract BurninDrive[] PipedDrives { get; }

    /// <summary>Wait for the runs to finish, with progress, and write the finished runs.</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    /// <summary>With -Wait: how often to ask the hosts.</summary>
    [Parameter]
    [ValidateRange(1, 3600)]
    public int PollSeconds { get; set; } = 10;

    /// <summary>The profile name recorded on the run.</summary>
    private protected abstract string ProfileName { get; }

    /// <summary>The stages for one drive.</summary>
    private protected abstract IReadOnlyList<StageKind> StagesFor(BurninPlanner planner, DriveFacts drive);

    protected override void ProcessRecord() => _drives.AddRange(PipedDrives);

    protected override async Task EndProcessingAsync(CancellationToken cancellationToken)
    {
        if (_drives.Count == 0) return;
        var store = Store;
        var actor = RequireOperator();
        var whatIf = IsWhatIf;
        var drives = _drives.DistinctBy(d => d.DriveId).ToDictionary(d => d.DriveId);
        var burnin = new BurninFacade(store);
        // Not under -WhatIf, which changes nothing: asking the hosts records what they say.
        var stale = burnin.UnfinishedRunsOf(drives.Keys);
        if (stale.Count > 0 && !whatIf) await BurninHosts.RefreshAsync(this, stale).ConfigureAwait(false);
        var settings = new ConfigFacade(store).Settings();
        var planned = burnin.PlanStarts(drives.Keys, ProfileName, StagesFor, settings, actor, auditRefusals: !whatIf);
        var confirmed = Confirmed(planned, drives);
        if (confirmed.Count == 0) return;

        var started = new List<long>();
        await HostFanOut.RunAsync(this, confirmed.Keys.ToList(),
            (host, shell, ct) => burnin.StartAsync(host, shell, confirmed[host], settings, actor, ct),
            (_, runs) =>
            {
                started.AddRange(runs.Select(r => r.Id));
                if (Wait) return;
                foreach (var run in RunOutput.Of(burnin, runs)) WriteObject(run);
            }).ConfigureAwait(false);
        if (Wait && started.Count > 0)
            await RunWaiter.WaitAsync(this, started, TimeSpan.FromSeconds(PollSeconds), null).ConfigureAwait(false);
    }

    /// <summary>Writes each drive's planning error (the drive as target) and confirms each plan; the confirmed plans by host.</summary>
    private Dictionary<HostRecord, List<RunPlan>> Confirmed(IReadOnlyList<PlannedStart> planned, Dictionary<long, BurninDrive> drives)
    {
        var confirmed = new Dictionary<HostRecord, List<RunPlan>>(ReferenceEqualityComparer.Instance);
        foreach (var p in planned)
        {
            if (p.Error is { } e) WriteError(ErrorRecords.From(e, drives[p.DriveId]));
            else if (p is { Plan: { } plan, Host: { } host } && Confirm(plan, host))
            {
                if (!confirmed.TryGetValue(host, out var list)) confirmed[host] = list = new();
                list.Add(plan);
            }
        }
        return confirmed;
    }

    /// <summary>Destructive runs always go through ShouldProcess; others only when -WhatIf or -Confirm asks.</summary>
    private bool Confirm(RunPlan plan, HostRecord host)
    {
        var d = plan.Drive;
        var size = d.CapacityBytes is { } c ? Capacity(c) : "unknown size";
        var target = $"{d.Device} on {host.Name} (serial {d.Serial}, {d.Model}, {size}, {d.Role})";
        var action = $"Burn-in {plan.ProfileName}: {string.Join(", ", plan.Stages)}";
        if (plan.Destructive)
            return ShouldProcess(target, action + " — ERASES ALL DATA on the drive");
        var asked = MyInvocation.BoundParameters.ContainsKey("WhatIf") || MyInvocation.BoundParameters.ContainsKey("Confirm");
        return !asked || ShouldProcess(target, action);
    }

    /// <summary>Decimal units as drive labels use them: "16 TB", "960 GB", "512 MB" (a small drive is never "0 TB").</summary>
    internal static string Capacity(long bytes) => bytes switch
    {
        >= 1_000_000_000_000 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e12:0.##} TB"),
        >= 1_000_000_000 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e9:0.##} GB"),
        >= 1_000_000 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e6:0.##} MB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes} bytes"),
    };
}
