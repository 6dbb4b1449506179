using System.Collections.Concurrent;
using System.Diagnostics;
using System.Management.Automation;
using NasBurnin.Common;
using NasBurnin.Engine.Common;
using NasBurnin.Engine.Inventory;
using NasBurnin.Engine.Remote;
using NasBurnin.Engine.Reports;

namespace NasBurnin.Drives;

/// <summary>
/// Sync-BurninInventory: refreshes the stored inventory and the unfinished runs of every registered host (or
/// the named ones) in parallel, for scheduled tasks, then sends one notification per change (the Reports façade).
/// It never prompts and writes no progress: one summary object per host, and for a host that failed also an
/// error (so pwsh -Command exits 1); a message that could not be sent is a warning and stays queued for the next
/// sync. Each host's last poll, last success and last error are recorded on the host.
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

    protected override async Task EndProcessingAsync(CancellationToken cancellationToken)
    {
        var store = Store;
        var settings = ReadSettings();
        var inventory = new InventoryFacade(store);
        var timeout = TimeSpan.FromSeconds(TimeoutSeconds);
        var clocks = new ConcurrentDictionary<long, Stopwatch>();
        TimeSpan Elapsed(HostRecord h) => clocks.TryGetValue(h.Id, out var w) ? w.Elapsed : TimeSpan.Zero;

        var source = Actor.CurrentSource();
        await HostFanOut.RunAsync(this, Targets,
            async (host, shell, ct) =>
            {
                var refresh = await inventory.SyncAsync(shell, host, settings, timeout, source, ct).ConfigureAwait(false);
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
            host => clocks[host.Id] = Stopwatch.StartNew()).ConfigureAwait(false);

        try
        {
            var sent = await new ReportsFacade(store).DispatchAsync(Session.Actor, cancellationToken).ConfigureAwait(false);
            foreach (var failed in sent.Failures)
                WriteWarning($"{failed.Error} The message \"{failed.Subject}\" stays queued and is sent again at the next sync.");
        }
        catch (BurninException e)
        {
            WriteWarning($"Notifications were not sent: {e.Message} They stay queued for the next sync.");
        }
    }
}
