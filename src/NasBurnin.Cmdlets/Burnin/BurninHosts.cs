using NasBurnin.Common;
using NasBurnin.Engine.Burnin;
using NasBurnin.Engine.Common;
using NasBurnin.Engine.Remote;
using NasBurnin.Engine.Store;

namespace NasBurnin.Burnin;

/// <summary>The hosts of runs, and the refresh of their unfinished runs.</summary>
internal static class BurninHosts
{
    /// <summary>The registered hosts of these runs (a run whose host was removed has none).</summary>
    public static List<HostRecord> For(BurninStore store, IEnumerable<RunRecord> runs)
    {
        var repo = new HostRepository(store);
        return runs.Select(r => r.HostId).Where(id => id is not null).Distinct()
            .Select(id => repo.Get(id!.Value)).Where(h => h is not null).Select(h => h!).ToList();
    }

    /// <summary>
    /// Asks every host that has unfinished runs (of the given ones, or all) for their state, one round
    /// trip per host in parallel; a host that cannot be reached gets one warning and its runs keep their
    /// last known state.
    /// </summary>
    public static Task RefreshAsync(BurninCmdlet cmdlet, IReadOnlyCollection<long>? runIds = null)
    {
        var store = cmdlet.Store;
        var unfinished = new RunRepository(store).Query(new RunQuery(RunIds: runIds, UnfinishedOnly: true));
        var hosts = For(store, unfinished);
        if (hosts.Count == 0) return Task.CompletedTask;
        var settings = new SettingsRepository(store).Get();
        var service = new BurninService(store, InventorySmartReader.Instance);
        return HostFanOut.RunAsync<bool>(cmdlet, hosts,
            async (host, shell, ct) => { await service.RefreshAsync(HostContexts.For(host, settings, shell), settings, ct).ConfigureAwait(false); return true; },
            (_, _) => { },
            (host, e) => cmdlet.WriteWarning($"Could not refresh the runs on {host}: {e.Message} Showing their last known state."));
    }
}
