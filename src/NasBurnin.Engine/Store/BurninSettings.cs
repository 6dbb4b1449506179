namespace NasBurnin.Engine.Store;

/// <summary>The effective configuration: stored values, else defaults.</summary>
public sealed record BurninSettings(
    int LogRetentionDays,
    int BackupKeep,
    int PollIntervalMinutes,
    int TemperatureLimitC,
    string HostWorkDir,
    int MaxParallelRuns,
    double StallHours,
    int RunnerPollSeconds)
{
    /// <summary>Sync-BurninInventory resumes Interrupted runs whose drives pass every check.</summary>
    public bool AutoResume { get; init; }
}
