using System.Collections.Concurrent;
using System.Diagnostics;
using System.Management.Automation;
using NasBurnin.Common;
using NasBurnin.Engine.Inventory;
using NasBurnin.Engine.Remote;
using NasBurnin.Engine.Store;

namespace NasBurnin.Drives;

/// <summary>
/// Sync-BurninInventory: refreshes the stored inventory of every registered host (or the named ones) in
/// parallel, for scheduled tasks. It never prompts and writes no warnings or progress: one summary object
/// per host, and for a host that failed also an error (so pwsh -Command exits 1). Each host's last poll,
/// last success and last error are recorded on the host.
/// </summary>
[Cmdlet(VerbsData.Sync, "BurninInventory")]
[OutputType(typeof(BurninSyncResult))]
public sealed class SyncBurninInventoryCommand : HostTargetCmdlet
{

    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = HostFanOut.DefaultParallelHosts;

    [Parameter]
    [ValidateRange(1, 86400)]
    public int TimeoutSeconds { get; set; } = 300;

    protected override void ProcessRecord()
    {
        CollectTargets();
    }

    protected override void EndProcessing()
    {
        var store = Store;
        var settings = Terminating(() => new SettingsRepository(store).Get(), store.Path);
        var timeout = TimeSpan.FromSeconds(TimeoutSeconds);
        var clocks = new ConcurrentDictionary<long, Stopwatch>();
        TimeSpan Elapsed(HostRecord h) => clocks.TryGetValue(h.Id, out var w) ? w.Elapsed : TimeSpan.Zero;

        HostFanOut.Run(this, Targets,
            async (host, shell, ct) =>
            {
                var refresh = await InventoryService.RefreshAsync(shell, host, store, settings, timeout, ct).ConfigureAwait(false);
                if (clocks.TryGetValue(host.Id, out var w)) w.Stop();
                return refresh;
            },
            (host, refresh) => WriteObject(BurninSyncResult.Succeed(host, refresh, Elapsed(host))),
            (host, error) =>
            {
                WriteObject(BurninSyncResult.Fail(host, error.ErrorId, error.Message, Elapsed(host), store.Clock.UtcNow.UtcDateTime));
                WriteError(ErrorRecords.From(error, host.Name));
            },
            ThrottleLimit,
            host => clocks[host.Id] = Stopwatch.StartNew());
    }
}
