namespace NasBurnin.Engine.Burnin;

/// <summary>How far a run is and when its stage should end: one rule for Get-BurninRun, Wait-BurninRun and the reports.</summary>
public static class RunProgress
{
    /// <summary>Percent of the run's stages done; a stage that ended without its work done (Aborted, Interrupted) counts with the progress it had.</summary>
    public static double Overall(RunRecord run, IReadOnlyList<StageRecord> stages)
    {
        if (run.State == RunState.Finished) return 100;
        var mine = stages.Where(s => s.RunId == run.Id).ToList();
        if (mine.Count == 0) return 0;
        var done = mine.Count(s => StageStates.IsDone(s.State));
        var partial = mine.Where(s => s.State is StageState.Running or StageState.Aborted or StageState.Interrupted).Sum(s => s.Progress ?? 0) / 100.0;
        return Math.Round((done + partial) / mine.Count * 100.0, 2);
    }

    /// <summary>The running stage's remaining time at its pace so far, or null while that cannot be told.</summary>
    public static TimeSpan? StageEta(StageRecord s, DateTimeOffset now)
    {
        if (s.State != StageState.Running || s.StartedAt is not { } started || s.Progress is not (> 0.5 and < 100)) return null;
        var elapsed = now - started;
        return TimeSpan.FromSeconds(elapsed.TotalSeconds / s.Progress.Value * (100 - s.Progress.Value));
    }
}
