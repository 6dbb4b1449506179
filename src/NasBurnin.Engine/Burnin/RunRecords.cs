using NasBurnin.Engine.Common;
namespace NasBurnin.Engine.Burnin;

/// <summary>Run states. Queued and Stalled are Running's neighbours: a queued run waits for a slot on
/// its host; a stalled one has made no progress for StallHours. The type of Get-BurninRun -State.</summary>
public enum RunState
{
    Queued,
    Running,
    Stalled,
    Finished,
    Aborted,
    Interrupted,
}

/// <summary>Run results; the type of Get-BurninRun -Result.</summary>
public enum RunResult
{
    Running,
    Pass,
    Fail,
    Aborted,
    Interrupted,
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

public sealed record RunRecord(
    long Id, long DriveId, long? HostId, string HostName, string Device, string? Serial, string Profile,
    string State, string Result, IReadOnlyList<string> Reasons, string Operator, string? RemoteId, string? WorkDir,
    int? QueuePosition, int EventsSeen, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt);

public sealed record StageRecord(
    long Id, long RunId, int Ordinal, StageKind Stage, string State, double? Progress, int? Phase, int? Phases,
    string? Pattern, bool Paused, string? Summary, string? LogText, string Operator,
    DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, DateTimeOffset? LastProgressAt, string? Serial, string HostName);

/// <summary>Filters for reading runs; null means any. Serial and HostName are PowerShell wildcards.</summary>
public sealed record RunQuery(
    IReadOnlyCollection<long>? RunIds = null, IReadOnlyCollection<RunState>? States = null,
    IReadOnlyCollection<RunResult>? Results = null, Wildcard? Serial = null, Wildcard? HostName = null,
    bool UnfinishedOnly = false);
