namespace NasBurnin.Engine.Burnin;

/// <summary>The SMART facts a verdict is judged on, from one snapshot (already decoded: vendor-packed raw values unpacked).</summary>
public sealed record SmartEvidence(
    bool? HealthPassed,
    long? Reallocated,
    long? Pending,
    long? OfflineUncorrectable,
    long? CrcErrors,
    int? NvmeCriticalWarning,
    long? NvmeMediaErrors,
    int? TemperatureC)
{
    /// <summary>Attribute 187, Reported_Uncorrect: errors the drive could not correct and reported to the host.</summary>
    public long? ReportedUncorrect { get; init; }
}
