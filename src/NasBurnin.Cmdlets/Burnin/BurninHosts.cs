using NasBurnin.Common;
using NasBurnin.Engine.Burnin;
using NasBurnin.Engine.Store;

namespace NasBurnin.Burnin;

/// <summary>The refresh of unfinished runs from their hosts, before a cmdlet answers about them.</summary>
internal static class BurninHosts
{
    /// <summary>
    /// Asks every host that has unfinished runs (of the given ones, or all) for their state, one round
    /// trip per host in parallel; a host that cannot be reached gets one warning and its runs keep their
    /// last known state.
    /// </summary>
    public static Task RefreshAsync(BurninCmdlet cmdlet, IReadOnlyCollection<long>? runIds = null)
    {
        var store = cmdlet.Store;
        var burnin = new BurninFacade(store);
        var hosts = burnin.HostsWithUnfinishedRuns(runIds);
        if (hosts.Count == 0) return Task.CompletedTask;
        var settings = new ConfigFacade(store).Settings();
        return HostFanOut.RunAsync<bool>(cmdlet, hosts,
            async (host, shell, ct) => { await burnin.RefreshAsync(host, shell, settings, ct).ConfigureAwait(false); return true; },
            (_, _) => { },
            (host, e) => cmdlet.WriteWarning($"Could not refresh the runs on {host}: {e.Message} Showing their last known state."));
    }
}
