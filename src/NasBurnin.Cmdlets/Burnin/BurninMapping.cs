using NasBurnin.Engine.Burnin;

namespace NasBurnin.Burnin;

/// <summary>Engine records to the output types PowerShell sees, with progress and ETA worked out.</summary>
internal static class BurninMapping
{
    public static BurninRun Run(RunRecord r, IReadOnlyList<StageRecord> stages)
    {
        var mine = stages.Where(s => s.RunId == r.Id).OrderBy(s => s.Ordinal).ToList();
        var current = mine.FirstOrDefault(s => s.State == "Running");
        // A stage that ended without its work done (Aborted, Interrupted) counts with the progress it had.
        var done = mine.Count(s => s.State is "Passed" or "Failed" or "Skipped");
        var partial = mine.Where(s => s.State is "Running" or "Aborted" or "Interrupted").Sum(s => s.Progress ?? 0) / 100.0;
        var progress = mine.Count == 0 ? 0 : (done + partial) / mine.Count * 100.0;
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
            CurrentStage = current?.Stage.ToString(),
            Progress = Math.Round(RunStates.IsFinal(r.State) && r.State == RunStates.Finished ? 100 : progress, 2),
            Stages = mine.Select(s => s.Stage.ToString()).ToArray(),
            CreatedAt = r.CreatedAt.UtcDateTime,
            StartedAt = r.StartedAt?.UtcDateTime,
            FinishedAt = r.FinishedAt?.UtcDateTime,
        };
    }

    public static BurninStage Stage(StageRecord s, DateTimeOffset now)
    {
        TimeSpan? elapsed = s.StartedAt is { } st ? (s.FinishedAt ?? now) - st : null;
        TimeSpan? eta = null;
        if (s.State == "Running" && elapsed is { } e && s.Progress is > 0.5 and < 100)
            eta = TimeSpan.FromSeconds(e.TotalSeconds / s.Progress.Value * (100 - s.Progress.Value));
        return new BurninStage
        {
            StageId = s.Id,
            RunId = s.RunId,
            Ordinal = s.Ordinal,
            HostName = s.HostName,
            Serial = s.Serial,
            Stage = s.Stage.ToString(),
            State = s.State,
            Progress = s.Progress,
            Phase = s.Phase,
            Phases = s.Phases,
            Pattern = s.Pattern,
            Paused = s.Paused && s.State == "Running",
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
