using System.Management.Automation;
using NasBurnin.Completion;
using NasBurnin.Common;
using NasBurnin.Engine.Common;
using NasBurnin.Engine.Inventory;
using NasBurnin.Engine.Remote;

namespace NasBurnin.Drives;

/// <summary>
/// Get-BurninDrive: the drives of registered hosts. Live by default: every host in parallel, one inventory
/// script per host (lsblk, findmnt, zpool and smartctl for all disks at once there), recorded in the store
/// before it is written out. -Offline reads the store and contacts nobody. A host that cannot be reached
/// gets one error (host as target) and the others carry on; one unreadable disk only degrades that disk.
/// Spinning disks in standby are left asleep (their last SMART values are shown); -WakeDrives reads them anyway,
/// after ShouldProcess per host (ConfirmImpact Medium; declined, the host is read without waking anything).
/// </summary>
[Cmdlet(VerbsCommon.Get, "BurninDrive", DefaultParameterSetName = "Live", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(BurninDrive))]
public sealed class GetBurninDriveCommand : HostTargetCmdlet
{
    private readonly List<string> _offlineNames = new();
    private bool _allHosts;

    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(SerialCompleter))]
    public string? Serial { get; set; }

    [Parameter]
    public DriveRole[]? Role { get; set; }

    [Parameter]
    public DriveTransport[]? Transport { get; set; }

    [Parameter(ParameterSetName = "Offline")]
    public SwitchParameter Offline { get; set; }

    /// <summary>Also read the disks in standby or sleep, which spins them up.</summary>
    [Parameter(ParameterSetName = "Live")]
    public SwitchParameter WakeDrives { get; set; }

    [Parameter]
    [ValidateRange(1, 86400)]
    public int TimeoutSeconds { get; set; } = 300;

    protected override void ProcessRecord()
    {
        if (Offline)
        {
            if (HostName is null || HostName.Length == 0) _allHosts = true;
            else _offlineNames.AddRange(HostName);
            return;
        }
        // Piped hosts are collected and inventoried together, in parallel, at the end.
        CollectTargets();
    }

    protected override async Task EndProcessingAsync(CancellationToken cancellationToken)
    {
        var query = DriveFilter.Query(NamePatterns.Parse(this, Serial), Role, Transport);
        if (Offline)
        {
            WriteStored(query);
            return;
        }
        var written = 0;
        var settings = ReadSettings();
        var inventory = new InventoryFacade(Store);
        var timeout = TimeSpan.FromSeconds(TimeoutSeconds);
        var wake = WakeDrives ? Waking(inventory, query) : new Dictionary<long, IReadOnlyCollection<string>?>();
        await HostFanOut.RunAsync(this, Targets,
            (host, shell, ct) => inventory.RefreshAsync(shell, host, settings, timeout, ct,
                wake.TryGetValue(host.Id, out var only), only),
            (host, refresh) =>
            {
                var shown = refresh.Drives.Where(query.Matches).ToList();
                foreach (var w in InventoryWarnings.For(refresh.Inventory, shown)) WriteWarning($"{host}: {w}");
                foreach (var d in shown) WriteObject(BurninDrive.From(d));
                written += shown.Count;
            }).ConfigureAwait(false);
        if (written == 0) ReportUnknownSerial(query);
    }

    /// <summary>A plain -Serial that no drive answered to is DriveNotFound, like an unknown -HostName is HostNotFound.</summary>
    private void ReportUnknownSerial(DriveQuery query)
    {
        if (query.Serial is { HasWildcards: false } serial)
            WriteError(ErrorRecords.From(DriveErrors.NotFound(serial.Literal!), serial.Literal));
    }

    /// <summary>
    /// -WakeDrives: per host, after ShouldProcess, the disks that may be woken: the ones the filters select (as the
    /// store knows them), or every disk without filters. Declined, the host is read without waking anything.
    /// </summary>
    private Dictionary<long, IReadOnlyCollection<string>?> Waking(InventoryFacade inventory, DriveQuery query)
    {
        var wake = new Dictionary<long, IReadOnlyCollection<string>?>();
        foreach (var host in Targets)
        {
            var only = Terminating(() => inventory.WakeOnly(host.Name, query), host.Name);
            if (only is { Count: 0 }) continue; // the filters select none of its drives: nothing to wake there
            var which = only is null ? "the drives in standby or sleep" : $"{string.Join(", ", only.Select(k => "/dev/" + k))} if in standby or sleep";
            if (ShouldProcess(host.Name, $"Wake {which} and read their SMART data (spins them up)")) wake[host.Id] = only;
        }
        return wake;
    }

    /// <summary>-Offline: the store's drives, filtered like a live call; a plain name nobody knows is HostNotFound.</summary>
    private void WriteStored(DriveQuery query)
    {
        var store = Store;
        var drives = Terminating(() => new InventoryFacade(store).Drives(query), store.Path);
        if (!_allHosts && _offlineNames.Count > 0)
        {
            // The same grammar as the live call, where HostSelection reads -HostName against the hosts table.
            var patterns = NamePatterns.Parse(this, _offlineNames)!;
            var registered = Terminating(() => new HostsFacade(store).Matching(null), store.Path).Select(h => h.Name);
            NamePatterns.ReportUnmatched(this, patterns, drives.Select(d => d.HostName).Concat(registered), n => HostErrors.NotFound(n, null));
            drives = drives.Where(d => Wildcard.AnyMatch(patterns, d.HostName)).ToList();
        }
        foreach (var d in drives) WriteObject(BurninDrive.From(d));
        if (drives.Count == 0) ReportUnknownSerial(query);
    }
}
