using NasBurnin.Engine.Burnin;

namespace NasBurnin;

/// <summary>One stage of a run, with live progress while it runs and its log on request.</summary>
public sealed class BurninStage
{
    public long StageId { get; init; }
    public long RunId { get; init; }
    public int Ordinal { get; init; }
    public string HostName { get; init; } = "";
    public string? Serial { get; init; }
    public StageKind Stage { get; init; }
    /// <summary>Pending, Running, Passed, Failed, Aborted, Interrupted or Skipped.</summary>
    public StageState State { get; init; }
    /// <summary>Overall percent of this stage; for SurfaceValidate ((phase - 1) x 100 + phase percent) / phases.</summary>
    public double? Progress { get; init; }
    /// <summary>badblocks phase (1-8: four patterns, each written then verified).</summary>
    public int? Phase { get; init; }
    public int? Phases { get; init; }
    /// <summary>The badblocks pattern, or the self-test kind.</summary>
    public string? Pattern { get; init; }
    /// <summary>True while the heat guard holds the work paused.</summary>
    public bool Paused { get; init; }
    public DateTime? StartedAt { get; init; }
    public DateTime? FinishedAt { get; init; }
    public TimeSpan? Elapsed { get; init; }
    /// <summary>Estimated time left, from the rate measured so far.</summary>
    public TimeSpan? Eta { get; init; }
    public string? Summary { get; init; }
    /// <summary>The compacted stage log (with -IncludeLog).</summary>
    public string? LogText { get; init; }
    public string Operator { get; init; } = "";
}
