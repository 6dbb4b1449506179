using NasBurnin.Engine.Burnin;
using NasBurnin.Engine.Inventory;
using DriveInfo = NasBurnin.Engine.Inventory.DriveInfo;
using NasBurnin.Engine.Remote;
using NasBurnin.Engine.Store;

namespace NasBurnin.Engine.Reports;

/// <summary>An unlock still open: the drive may be erased by the next destructive run.</summary>
internal sealed record OpenUnlock(long DriveId, string Serial, string Role, string Operator, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, string? HostName, string? Device, string? Model);

/// <summary>What the fleet page is made from, read from the store in one go.</summary>
internal sealed record FleetData(
    IReadOnlyList<RunRecord> Runs, IReadOnlyList<StageRecord> Stages, IReadOnlyList<DriveInfo> Drives, IReadOnlyList<HostRecord> Hosts,
    IReadOnlyList<OpenUnlock> Unlocks, IReadOnlyList<AuditEvent> PeriodEvents, IReadOnlyDictionary<long, SmartHealth> HealthAtSince);

/// <summary>
/// The fleet status page: runs in progress (progress, ETA, queue position), runs finished in the period, drives
/// needing attention (Failed or Warning health, Stale, a pool member whose health is worse than at the start of
/// the period) and a banner for open unlocks, unlocks and health-rule overrides made in the period.
/// </summary>
internal static class FleetBuilder
{
    public static readonly string[] UnlockEvents = { "mounted_drive_unlocked", "stale_drive_unlocked" };
    public static readonly string[] OverrideEvents = { "health_rule_changed", "health_rule_removed" };

    public static FleetStatus Build(FleetData d, DateTimeOffset since, DateTimeOffset now, string storePath)
    {
        var row = RowMaker(d, now);
        var inProgress = d.Runs.Where(r => !RunStates.IsFinal(r.State))
            .OrderBy(r => r.HostName, StringComparer.OrdinalIgnoreCase).ThenBy(r => r.State == RunState.Queued).ThenBy(r => r.QueuePosition).ThenBy(r => r.Id)
            .Select(row).ToList();
        var finishedRuns = d.Runs.Where(r => RunStates.IsFinal(r.State) && r.FinishedAt >= since).OrderByDescending(r => r.FinishedAt).ThenByDescending(r => r.Id).ToList();
        return new FleetStatus
        {
            GeneratedAt = ReportFormat.Time(now)!,
            Since = ReportFormat.Time(since)!,
            StorePath = storePath,
            Banner = Banner(d),
            InProgress = inProgress,
            Finished = finishedRuns.Select(row).ToList(),
            Attention = Attention(d, since),
            Hosts = Hosts(d),
            DriveCount = d.Drives.Count(x => x.MissingSince is null),
            FailedRunIds = finishedRuns.Where(r => r.Result == RunResult.Fail).Select(r => r.Id).ToList(),
        };
    }

    /// <summary>One table row per run: its drive's model, current stage, progress, ETA and queue place.</summary>
    private static Func<RunRecord, FleetRun> RowMaker(FleetData d, DateTimeOffset now)
    {
        var drives = d.Drives.Where(x => x.Id is not null).ToDictionary(x => x.Id!.Value);
        var stagesByRun = d.Stages.GroupBy(s => s.RunId).ToDictionary(g => g.Key, g => (IReadOnlyList<StageRecord>)g.OrderBy(s => s.Ordinal).ToList());
        return r =>
        {
            var stages = stagesByRun.TryGetValue(r.Id, out var list) ? list : Array.Empty<StageRecord>();
            var current = stages.FirstOrDefault(s => s.State == StageState.Running);
            var progress = RunProgress.Overall(r, stages);
            var eta = current is null ? null : RunProgress.StageEta(current, now);
            drives.TryGetValue(r.DriveId, out var drive);
            var shown = RunStates.IsFinal(r.State) ? r.Result.ToString() : r.State.ToString();
            return new FleetRun(r.Id, r.HostName, r.Device, r.Serial ?? "", drive?.Model ?? "", r.Profile, r.State.ToString(), shown,
                ReportStyles.ForResult(shown),
                current is null ? null : $"{current.Stage} ({current.Ordinal}/{stages.Count})" + (current.Paused ? ", paused for heat" : ""),
                ReportFormat.Percent(progress), Math.Clamp(progress, 0, 100),
                eta is { } e ? ReportFormat.Duration(e) + " (this stage)" : null,
                r.State == RunState.Queued && r.QueuePosition is { } q ? $"#{q}" : null,
                ReportFormat.Time(r.StartedAt ?? r.CreatedAt), ReportFormat.Time(r.FinishedAt),
                ReportFormat.Duration((r.FinishedAt ?? now) - (r.StartedAt ?? r.CreatedAt)), string.Join("; ", r.Reasons));
        };
    }

    /// <summary>Drives needing a look: SMART Failed or Warning, Stale, or a pool member whose health got worse in the period.</summary>
    private static List<AttentionDrive> Attention(FleetData d, DateTimeOffset since)
    {
        var attention = new List<AttentionDrive>();
        foreach (var x in d.Drives.Where(x => x.MissingSince is null))
        {
            var why = new List<string>();
            if (x.SmartHealth is SmartHealth.Failed or SmartHealth.Warning)
                why.Add($"SMART health {x.SmartHealth}" + (x.Warnings.Count > 0 ? ": " + string.Join("; ", x.Warnings.Take(3)) : ""));
            if (x.Role == DriveRole.Stale)
                why.Add("Stale: old filesystem or pool signatures" + (x.RoleReasons.Count > 0 ? " (" + string.Join("; ", x.RoleReasons.Take(2)) + ")" : ""));
            if (x.Role == DriveRole.PoolMember && x.Id is { } id && d.HealthAtSince.TryGetValue(id, out var then) && HealthHistory.IsWorse(then, x.SmartHealth))
                why.Add($"pool {x.PoolName} member: health {x.SmartHealth}, was {then} at {ReportFormat.Time(since)}");
            if (why.Count > 0)
                attention.Add(new AttentionDrive(x.HostName, x.Device, x.Serial ?? "", x.Model ?? "", x.Role.ToString(), x.SmartHealth.ToString(),
                    ReportStyles.ForResult(x.SmartHealth.ToString()), string.Join(" · ", why)));
        }
        return attention;
    }

    /// <summary>The banner: open unlocks, then unlocks and health-rule overrides made in the period.</summary>
    private static List<BannerItem> Banner(FleetData d)
    {
        var banner = new List<BannerItem>();
        foreach (var u in d.Unlocks.OrderBy(u => u.ExpiresAt))
            banner.Add(new BannerItem("Unlocked", $"{u.Role} drive {u.Serial}{(u.Model is null ? "" : " (" + u.Model + ")")} on {u.HostName} {u.Device} is unlocked by {u.Operator} until {ReportFormat.Time(u.ExpiresAt)}: the next destructive run on it erases its data."));
        foreach (var ev in d.PeriodEvents)
        {
            if (UnlockEvents.Contains(ev.Type))
                banner.Add(new BannerItem("Unlock", $"{ReportFormat.Time(ev.OccurredAt)}: {ev.Operator} unlocked drive {ev.Serial} on {ev.HostName}" + (ev.Detail is null ? "" : $" ({ev.Detail})")));
            else if (OverrideEvents.Contains(ev.Type))
                banner.Add(new BannerItem("Override", $"{ReportFormat.Time(ev.OccurredAt)}: {ev.Operator} {(ev.Type == "health_rule_removed" ? "removed" : "set")} a health-rule override" + (ev.Detail is null ? "" : $": {ev.Detail}")));
        }
        return banner;
    }

    private static List<HostSummary> Hosts(FleetData d) =>
        d.Hosts.OrderBy(h => h.Name, StringComparer.OrdinalIgnoreCase).Select(h => new HostSummary(h.Name,
            d.Drives.Count(x => x.MissingSince is null && string.Equals(x.HostName, h.Name, StringComparison.OrdinalIgnoreCase)),
            d.Runs.Count(r => r.HostId == h.Id && r.State is RunState.Running or RunState.Stalled),
            d.Runs.Count(r => r.HostId == h.Id && r.State == RunState.Queued),
            ReportFormat.Time(h.LastSuccessAt), h.LastError)).ToList();
}
