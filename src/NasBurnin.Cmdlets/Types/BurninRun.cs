using NasBurnin.Engine.Burnin;

namespace NasBurnin;

/// <summary>One burn-in run of one drive: its stages, state, verdict and the reasons for it.</summary>
public sealed class BurninRun
{
    public long RunId { get; init; }
    public string HostName { get; init; } = "";
    public string Device { get; init; } = "";
    public string? Serial { get; init; }
    public string Profile { get; init; } = "";
    /// <summary>Queued, Running, Stalled, Finished, Aborted or Interrupted.</summary>
    public RunState State { get; init; }
    /// <summary>Running until the run ends; then Pass, Fail, Aborted or Interrupted.</summary>
    public RunResult Result { get; init; }
    public string[] Reasons { get; init; } = Array.Empty<string>();
    public string Operator { get; init; } = "";
    /// <summary>Place in the host's queue while Queued (1 = next).</summary>
    public int? QueuePosition { get; init; }
    /// <summary>The stage running now, if any.</summary>
    public StageKind? CurrentStage { get; init; }
    /// <summary>Overall percent of the run, counting each stage equally.</summary>
    public double Progress { get; init; }
    public StageKind[] Stages { get; init; } = Array.Empty<StageKind>();
    /// <summary>How many times the run was resumed after an interruption (Resume-BurninRun).</summary>
    public int ResumeCount { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime? StartedAt { get; init; }
    public DateTime? FinishedAt { get; init; }
    public long DriveId { get; init; }
}
