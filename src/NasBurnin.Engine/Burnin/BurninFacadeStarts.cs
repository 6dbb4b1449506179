using NasBurnin.Engine.Common;
using NasBurnin.Engine.Remote;
using NasBurnin.Engine.Store;

namespace NasBurnin.Engine.Burnin;

/// <summary>What the planner made of one drive asked to start: a plan for its host, or why not.</summary>
public sealed record PlannedStart(long DriveId, HostRecord? Host, RunPlan? Plan, BurninException? Error);

/// <summary>
/// The Burnin façade's starts (Start-BurninRun, Start-BurninStage): finds each drive's host, plans its run
/// (roles, unlocks, one run per drive: <see cref="BurninPlanner"/>) and starts the confirmed plans of a host in
/// one round trip. The caller confirms each plan in between and talks to the user.
/// </summary>
public sealed partial class BurninFacade
{
    /// <summary>
    /// The runs of these drives the store still calls unfinished: they may have ended on their host since the
    /// last refresh, so the caller asks the hosts before planning (else a finished run refuses the drive as DriveBusy).
    /// </summary>
    public IReadOnlyList<long> UnfinishedRunsOf(IReadOnlyCollection<long> driveIds) =>
        _runs.Query(new RunQuery(UnfinishedOnly: true)).Where(r => driveIds.Contains(r.DriveId)).Select(r => r.Id).ToList();

    /// <summary>
    /// Plans a run for each drive (once each, in the given order): first the drives that cannot be planned at all
    /// (unknown drive, no registered host, no stages), then, host by host in order of first appearance, each
    /// drive's plan or refusal. Refusals are audited when <paramref name="auditRefusals"/> (not under -WhatIf).
    /// </summary>
    public IReadOnlyList<PlannedStart> PlanStarts(IEnumerable<long> driveIds, string profileName,
        Func<BurninPlanner, DriveFacts, IReadOnlyList<StageKind>> stagesFor, BurninSettings settings, Actor actor, bool auditRefusals)
    {
        var results = new List<PlannedStart>();
        var byHost = new List<(HostRecord Host, List<(DriveFacts Facts, IReadOnlyList<StageKind> Stages)> Items)>();
        var hosts = new HostRepository(_store);
        foreach (var driveId in driveIds.Distinct())
        {
            try
            {
                var facts = _planner.LoadDrive(driveId);
                var host = (facts.HostId is { } hid ? hosts.Get(hid) : null) ?? throw UnknownHost(facts);
                var stages = stagesFor(_planner, facts);
                var entry = byHost.FirstOrDefault(e => e.Host.Id == host.Id);
                if (entry.Host is null) byHost.Add(entry = (host, new()));
                entry.Items.Add((facts, stages));
            }
            catch (BurninException e)
            {
                results.Add(new PlannedStart(driveId, null, null, e));
            }
        }
        foreach (var (host, items) in byHost)
            results.AddRange(PlanHost(host, items, profileName, settings, actor, auditRefusals));
        return results;
    }

    /// <summary>Starts the confirmed plans of one host in one round trip; the runs as the store now has them.</summary>
    public Task<IReadOnlyList<RunRecord>> StartAsync(HostRecord host, IRemoteShell shell, IReadOnlyList<RunPlan> plans,
        BurninSettings settings, Actor actor, CancellationToken ct) =>
        _service.StartAsync(HostContexts.For(host, settings, shell), plans, actor, ct);

    private IEnumerable<PlannedStart> PlanHost(HostRecord host, List<(DriveFacts Facts, IReadOnlyList<StageKind> Stages)> items,
        string profileName, BurninSettings settings, Actor actor, bool auditRefusals)
    {
        var context = HostContexts.ForPlanning(host, settings);
        for (var index = 0; index < items.Count; index++)
        {
            var (facts, stages) = items[index];
            PlannedStart planned;
            try
            {
                planned = new PlannedStart(facts.Id, host, _planner.Plan(facts, profileName, stages, context, settings, actor, index, auditRefusals), null);
            }
            catch (BurninException e)
            {
                planned = new PlannedStart(facts.Id, host, null, e);
            }
            yield return planned;
        }
    }

    private static BurninException UnknownHost(DriveFacts facts) =>
        new("DriveHostUnknown", ErrorKind.NotFound,
            $"Drive {facts.Serial} ({facts.Device}) has no registered host; connect it with Connect-BurninHost and run Get-BurninDrive.");
}
