using NasBurnin.Engine.Common;
using NasBurnin.Engine.Remote;
using NasBurnin.Engine.Store;

namespace NasBurnin.Engine.Burnin;

/// <summary>
/// The Burnin feature, as the cmdlets see it (Start-BurninRun/-Stage, Get-BurninRun/-Stage, Stop-, Resume- and
/// Wait-BurninRun, and the run refresh of Sync-BurninInventory): planning and starting runs (in
/// <c>BurninFacadeStarts.cs</c>), asking hosts how their runs are, stopping and resuming them. It owns the
/// <c>burnin_runs</c>, <c>burnin_stages</c> and <c>smart_snapshots</c> tables, through <see cref="RunRepository"/>
/// (which <see cref="BurninService"/>, <see cref="RunSynchronizer"/> and <see cref="RunResumer"/> write through).
/// </summary>
public sealed partial class BurninFacade
{
    private readonly BurninStore _store;
    private readonly RunRepository _runs;
    private readonly BurninPlanner _planner;
    private readonly BurninService _service;

    /// <param name="smart">How a drive's SMART data is read for planning and verdicts; the inventory's reader by default.</param>
    public BurninFacade(BurninStore store, ISmartReader? smart = null)
    {
        smart ??= InventorySmartReader.Instance;
        _store = store;
        _runs = new RunRepository(store);
        _planner = new BurninPlanner(store, smart);
        _service = new BurninService(store, smart);
    }

    public IReadOnlyList<RunRecord> Runs(RunQuery query) => _runs.Query(query);

    /// <summary>The stages of the runs (of all runs when null), by run and ordinal; their logs only with <paramref name="includeLog"/>.</summary>
    public IReadOnlyList<StageRecord> Stages(IReadOnlyCollection<long>? runIds, bool includeLog) => _runs.Stages(runIds, includeLog);

    /// <summary>
    /// The ids of the unfinished runs the query selects, to refresh before answering it. Its States and Results
    /// describe the answer after the refresh, so they do not narrow what is refreshed.
    /// </summary>
    public IReadOnlyList<long> UnfinishedRunIds(RunQuery query) =>
        _runs.Query(query with { States = null, Results = null, UnfinishedOnly = true }).Select(r => r.Id).ToList();

    /// <summary>The registered hosts of these runs (a run whose host was removed has none).</summary>
    public IReadOnlyList<HostRecord> HostsOf(IEnumerable<RunRecord> runs)
    {
        var hosts = new HostRepository(_store);
        return runs.Select(r => r.HostId).Where(id => id is not null).Distinct()
            .Select(id => hosts.Get(id!.Value)).Where(h => h is not null).Select(h => h!).ToList();
    }

    /// <summary>The hosts with unfinished runs (of the given ones, or of all runs), to ask how those runs are.</summary>
    public IReadOnlyList<HostRecord> HostsWithUnfinishedRuns(IReadOnlyCollection<long>? runIds) =>
        HostsOf(_runs.Query(new RunQuery(RunIds: runIds, UnfinishedOnly: true)));

    /// <summary>Asks the host for the state of its unfinished runs (one round trip) and records the answer.</summary>
    public Task RefreshAsync(HostRecord host, IRemoteShell shell, BurninSettings settings, CancellationToken ct) =>
        _service.RefreshAsync(HostContexts.For(host, settings, shell), settings, ct);

    /// <summary>Stops these runs of the host: kills their runners, aborts a running self-test, marks the stages Aborted, audits.</summary>
    public Task StopAsync(HostRecord host, IRemoteShell shell, IReadOnlyList<RunRecord> runs, Actor actor, BurninSettings settings, CancellationToken ct) =>
        _service.StopAsync(HostContexts.For(host, settings, shell), runs, actor, settings, ct);

    /// <inheritdoc cref="RunResumer.Check"/>
    public ResumePlan CheckResume(RunRecord run, HostRecord host, BurninSettings settings, Actor actor, bool auditRefusals) =>
        new RunResumer(_store).Check(run, HostContexts.ForPlanning(host, settings), settings, actor, auditRefusals);

    /// <summary>Resumes the confirmed plans of one host in one round trip; the resumed runs, and the ones the host refused.</summary>
    public Task<(IReadOnlyList<RunRecord> Resumed, IReadOnlyList<ResumeRefusal> Refused)> ResumeAsync(
        HostRecord host, IRemoteShell shell, IReadOnlyList<ResumePlan> plans, BurninSettings settings, Actor actor, CancellationToken ct) =>
        new RunResumer(_store).ResumeAsync(HostContexts.For(host, settings, shell), plans, actor, ct);

    /// <inheritdoc cref="RunResumer.AutoResumeAsync"/>
    public Task<int> AutoResumeAsync(HostRecord host, IRemoteShell shell, BurninSettings settings, string source, CancellationToken ct) =>
        new RunResumer(_store).AutoResumeAsync(HostContexts.For(host, settings, shell), settings, source, ct);
}
