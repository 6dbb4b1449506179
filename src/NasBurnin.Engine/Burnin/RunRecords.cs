using NasBurnin.Engine.Common;
namespace NasBurnin.Engine.Burnin;

// RunState, RunResult and StageState live in NasBurnin.Contracts (shared with the cmdlets' types).

/// <summary>The names of <see cref="StageState"/> as the store and the runner write them.</summary>
public static class StageStates
{
    public const string Pending = nameof(StageState.Pending);
    public const string Running = nameof(StageState.Running);
    public const string Passed = nameof(StageState.Passed);
    public const string Failed = nameof(StageState.Failed);
    public const string Skipped = nameof(StageState.Skipped);
    public const string Aborted = nameof(StageState.Aborted);
    public const string Interrupted = nameof(StageState.Interrupted);

    /// <summary>The stage is over with its work done (its whole share of the run's progress counts).</summary>
    public static bool IsDone(StageState state) => state is StageState.Passed or StageState.Failed or StageState.Skipped;
}

/// <summary>The names of <see cref="RunState"/> as the store and the runner write them.</summary>
public static class RunStates
{
    public const string Queued = nameof(RunState.Queued);
    public const string Running = nameof(RunState.Running);
    public const string Stalled = nameof(RunState.Stalled);
    public const string Finished = nameof(RunState.Finished);
    public const string Aborted = nameof(RunState.Aborted);
    public const string Interrupted = nameof(RunState.Interrupted);

    public static bool IsFinal(string state) => state is Finished or Aborted or Interrupted;

    public static bool IsFinal(RunState state) => state is RunState.Finished or RunState.Aborted or RunState.Interrupted;
}

/// <summary>Run results: Running until the run ends, then Pass or Fail from the evidence, or Aborted / Interrupted.</summary>
public static class RunResults
{
    public const string Running = nameof(RunResult.Running);
    public const string Pass = nameof(RunResult.Pass);
    public const string Fail = nameof(RunResult.Fail);
    public const string Aborted = nameof(RunResult.Aborted);
    public const string Interrupted = nameof(RunResult.Interrupted);
}

/// <summary>A run as the store holds it; its state and result are the shared enums (the store's names are read once, in <see cref="RunRepository"/>).</summary>
public sealed record RunRecord(
    long Id, long DriveId, long? HostId, string HostName, string Device, string? Serial, string Profile,
    RunState State, RunResult Result, IReadOnlyList<string> Reasons, string Operator, string? RemoteId, string? WorkDir,
    int? QueuePosition, int EventsSeen, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt)
{
    /// <summary>How many times the run was resumed after an interruption.</summary>
    public int ResumeCount { get; init; }
}

public sealed record StageRecord(
    long Id, long RunId, int Ordinal, StageKind Stage, StageState State, double? Progress, int? Phase, int? Phases,
    string? Pattern, bool Paused, string? Summary, string? LogText, string Operator,
    DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, DateTimeOffset? LastProgressAt, string? Serial, string HostName);

/// <summary>Filters for reading runs; null means any. Serial and HostName are PowerShell wildcards.</summary>
public sealed record RunQuery(
    IReadOnlyCollection<long>? RunIds = null, IReadOnlyCollection<RunState>? States = null,
    IReadOnlyCollection<RunResult>? Results = null, Wildcard? Serial = null, Wildcard? HostName = null,
    bool UnfinishedOnly = false);
