using NasBurnin.Engine.Burnin;

namespace NasBurnin.Burnin;

/// <summary>
/// Engine records to the output types PowerShell sees, with progress and ETA worked out. States and results
/// are already the shared enums (RunRepository reads the store's names).
/// </summary>
internal static class BurninMapping
{
    public static BurninRun Run(RunRecord r, IReadOnlyList<StageRecord> stages)
    {
        var mine = stages.Where(s => s.RunId == r.Id).OrderBy(s => s.Ordinal).ToList();
        var current = mine.FirstOrDefault(s => s.State == StageState.Running);
        return new BurninRun
        {
            RunId = r.Id,
            DriveId = r.DriveId,
            HostName = r.HostName,
            Device = r.Device,
            Serial = r.Serial,
            Profile = r.Profile,
            State = r.State,
            Result = r.Result,
            Reasons = r.Reasons.ToArray(),
            Operator = r.Operator,
            QueuePosition = r.QueuePosition,
            CurrentStage = current?.Stage,
            Progress = RunProgress.Overall(r, mine),
            Stages = mine.Select(s => s.Stage).ToArray(),
            ResumeCount = r.ResumeCount,
            CreatedAt = r.CreatedAt.UtcDateTime,
            StartedAt = r.StartedAt?.UtcDateTime,
            FinishedAt = r.FinishedAt?.UtcDateTime,
        };
    }

    public static BurninStage Stage(StageRecord s, DateTimeOffset now)
    {
        TimeSpan? elapsed = s.StartedAt is { } st ? (s.FinishedAt ?? now) - st : null;
        var eta = RunProgress.StageEta(s, now);
        return new BurninStage
        {
            StageId = s.Id,
            RunId = s.RunId,
            Ordinal = s.Ordinal,
            HostName = s.HostName,
            Serial = s.Serial,
            Stage = s.Stage,
            State = s.State,
            Progress = s.Progress,
            Phase = s.Phase,
            Phases = s.Phases,
            Pattern = s.Pattern,
            Paused = s.Paused && s.State == StageState.Running,
            StartedAt = s.StartedAt?.UtcDateTime,
            FinishedAt = s.FinishedAt?.UtcDateTime,
            Elapsed = elapsed,
            Eta = eta,
            Summary = s.Summary,
            LogText = s.LogText,
            Operator = s.Operator,
        };
    }
}
