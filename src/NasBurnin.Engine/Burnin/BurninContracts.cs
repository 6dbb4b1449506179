using NasBurnin.Engine.Remote;

namespace NasBurnin.Engine.Burnin;

/// <summary>What the burn-in engine needs to know about a host and how to reach it.</summary>
public sealed record HostContext(long? HostId, string HostName, string WorkDir, RunnerTools Tools, int MaxParallel, IRemoteShell Shell);

/// <summary>A drive as the store knows it from the latest inventory.</summary>
public sealed record DriveFacts(
    long Id, long? HostId, string? HostName, string Device, string? Serial, string? Wwn, string? Model,
    long? CapacityBytes, string? Transport, bool? Rotational, string? Role, string? LastSmartJson)
{
    /// <summary>SmartHealth at the last inventory (Passed, Warning, Failed, Unknown), and the first reason for it.</summary>
    public string? Health { get; init; }
    public string? HealthReason { get; init; }
}

/// <summary>Self-test durations and sector size a drive reports (from its SMART data).</summary>
public sealed record SmartTiming(int? ShortMinutes, int? LongMinutes, int? ConveyanceMinutes, int? PhysicalSectorBytes);

/// <summary>Reads SMART documents for the burn-in engine (implemented by the inventory parser).</summary>
public interface ISmartReader
{
    SmartEvidence? Evidence(string smartctlJson);
    SmartTiming? Timing(string smartctlJson);
}

/// <summary>A run that passed every check and is ready to start.</summary>
public sealed record RunPlan(DriveFacts Drive, string ProfileName, IReadOnlyList<StageKind> Stages, long? UnlockId, string? UnlockedRole, RunSpec Spec)
{
    public bool Destructive => Stages.Any(s => s.IsDestructive());
}
