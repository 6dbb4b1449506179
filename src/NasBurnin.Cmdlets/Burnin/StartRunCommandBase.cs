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
public abstract class StartRunCommandBase : BurninCmdlet
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

    protected override void EndProcessing()
    {
        if (_drives.Count == 0) return;
        var store = Store;
        var actor = RequireOperator();
        // A run the store still calls unfinished may have ended on its host since the last refresh: ask
        // the host before refusing the drive as DriveBusy (not under -WhatIf, which changes nothing).
        var driveIds = _drives.Select(d => d.DriveId).ToHashSet();
        var stale = new RunRepository(store).Query(new RunQuery(UnfinishedOnly: true)).Where(r => driveIds.Contains(r.DriveId)).Select(r => r.Id).ToList();
        if (stale.Count > 0 && !IsWhatIf) BurninHosts.Refresh(this, stale);
        var settings = new SettingsRepository(store).Get();
        var planner = new BurninPlanner(store, InventorySmartReader.Instance);
        var hosts = new HostRepository(store);

        var byHost = new Dictionary<long, (HostRecord Host, List<(BurninDrive Drive, DriveFacts Facts, IReadOnlyList<StageKind> Stages)> Items)>();
        foreach (var drive in _drives.DistinctBy(d => d.DriveId))
        {
            if (!PerItem(() =>
                {
                    var facts = planner.LoadDrive(drive.DriveId);
                    var host = facts.HostId is { } hid ? hosts.Get(hid) : null;
                    if (host is null)
                        throw new BurninException("DriveHostUnknown", ErrorKind.NotFound,
                            $"Drive {facts.Serial} ({facts.Device}) has no registered host; connect it with Connect-BurninHost and run Get-BurninDrive.") { Target = drive };
                    var stages = StagesFor(planner, facts);
                    if (!byHost.TryGetValue(host.Id, out var entry)) byHost[host.Id] = entry = (host, new());
                    entry.Items.Add((drive, facts, stages));
                }, drive))
                continue;
        }

        var plans = new Dictionary<long, List<RunPlan>>();
        foreach (var (hostId, (host, items)) in byHost)
        {
            var index = 0;
            foreach (var (drive, facts, stages) in items)
            {
                RunPlan? plan = null;
                var context = BurninHosts.Context(host, settings, NoShell.Instance);
                if (!PerItem(() => plan = planner.Plan(facts, ProfileName, stages, context, settings, actor, index++, auditRefusals: !IsWhatIf), drive) || plan is null)
                    continue;
                if (!Confirm(plan, host)) continue;
                if (!plans.TryGetValue(hostId, out var list)) plans[hostId] = list = new();
                list.Add(plan);
            }
        }
        if (plans.Count == 0) return;

        var service = new BurninService(store, InventorySmartReader.Instance);
        var started = new List<long>();
        HostFanOut.Run(this, plans.Keys.Select(id => byHost[id].Host).ToList(),
            (host, shell, ct) => service.StartAsync(BurninHosts.Context(host, settings, shell), plans[host.Id], actor, ct),
            (_, runs) =>
            {
                var stages = new RunRepository(store).Stages(runs.Select(r => r.Id).ToList(), includeLog: false);
                foreach (var r in runs)
                {
                    started.Add(r.Id);
                    if (!Wait) WriteObject(BurninMapping.Run(r, stages));
                }
            });
        if (Wait && started.Count > 0)
            RunWaiter.Wait(this, started, TimeSpan.FromSeconds(PollSeconds), null);
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

    /// <summary>A placeholder shell for planning, which never talks to the host.</summary>
    internal sealed class NoShell : IRemoteShell
    {
        public static readonly NoShell Instance = new();
        public string HostName => "";
        public Task<CommandResult> RunAsync(string script, TimeSpan timeout, CancellationToken cancellationToken) => throw new InvalidOperationException("planning does not run commands");
        public Task UploadAsync(string remotePath, byte[] content, int unixMode, CancellationToken cancellationToken) => throw new InvalidOperationException("planning does not upload");
        public void Dispose() { }
    }
}
