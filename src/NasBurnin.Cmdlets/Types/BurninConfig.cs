namespace NasBurnin;

/// <summary>The effective configuration of the session's store (stored values, else defaults).</summary>
public sealed class BurninConfig
{
    public int LogRetentionDays { get; init; }
    public int BackupKeep { get; init; }
    public int PollIntervalMinutes { get; init; }
    public int TemperatureLimitC { get; init; }
    public string HostWorkDir { get; init; } = "";
    public int MaxParallelRuns { get; init; }
    public double StallHours { get; init; }
    public int RunnerPollSeconds { get; init; }
    public bool AutoResume { get; init; }
    public string StorePath { get; init; } = "";

    internal static BurninConfig From(NasBurnin.Engine.Store.BurninSettings s, string storePath) => new()
    {
        LogRetentionDays = s.LogRetentionDays,
        BackupKeep = s.BackupKeep,
        PollIntervalMinutes = s.PollIntervalMinutes,
        TemperatureLimitC = s.TemperatureLimitC,
        HostWorkDir = s.HostWorkDir,
        MaxParallelRuns = s.MaxParallelRuns,
        StallHours = s.StallHours,
        RunnerPollSeconds = s.RunnerPollSeconds,
        AutoResume = s.AutoResume,
        StorePath = storePath,
    };
}
