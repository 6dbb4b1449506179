namespace NasBurnin.Engine.Inventory;

/// <summary>The SMART counters the health rules judge.</summary>
public enum SmartCounter
{
    ReallocatedSectors,
    PendingSectors,
    OfflineUncorrectable,
    CrcErrors,
    ReportedUncorrect,
    CommandTimeouts,
    GrownDefects,
    UncorrectedErrors,
    NvmeMediaErrors,
    PercentUsed,
    /// <summary>Not a counter limit: the TemperatureLimitC setting (Set-BurninConfig), listed with the rules.</summary>
    Temperature,
}

/// <summary>
/// A counter at or above <see cref="WarnAt"/> makes the drive Warning, at or above <see cref="FailAt"/> Failed; null = never.
/// <see cref="Source"/> names an override (model or serial, and its reason) where one replaced the default.
/// </summary>
public sealed record CounterLimit(SmartCounter Counter, long? WarnAt, long? FailAt)
{
    public string? Source { get; init; }
}

/// <summary>
/// The limits <see cref="HealthEvaluator"/> applies, as data. The defaults:
/// <list type="bullet">
/// <item>Pending (197) and offline-uncorrectable (198) sectors fail at 1: sectors the drive cannot read now,
/// data at risk on the next read, and in Backblaze's numbers the strongest single predictor of failure.</item>
/// <item>Reallocated sectors (5) and the SCSI grown defect list warn at 1: already remapped, the data is safe;
/// old drives carry a few for years. (Burn-in judges growth separately, DESIGN §5.) A prefail attribute at its
/// threshold or a FAILED self-assessment still fails the drive whatever the count.</item>
/// <item>UDMA CRC errors (199) warn at 1: a cable or backplane problem, not the medium.</item>
/// <item>Reported uncorrectable (187), SCSI uncorrected errors and NVMe media errors warn at 1.</item>
/// <item>Command timeouts (188, decoded) are not judged: cumulative, and Seagate's packed raw raised false alarms.</item>
/// <item>Endurance used warns at 90 %.</item>
/// </list>
/// </summary>
public sealed record HealthThresholds
{
    public static IReadOnlyList<CounterLimit> DefaultCounters { get; } = new CounterLimit[]
    {
        new(SmartCounter.PendingSectors, null, 1),
        new(SmartCounter.OfflineUncorrectable, null, 1),
        new(SmartCounter.ReallocatedSectors, 1, null),
        new(SmartCounter.GrownDefects, 1, null),
        new(SmartCounter.CrcErrors, 1, null),
        new(SmartCounter.ReportedUncorrect, 1, null),
        new(SmartCounter.UncorrectedErrors, 1, null),
        new(SmartCounter.NvmeMediaErrors, 1, null),
        new(SmartCounter.CommandTimeouts, null, null),
        new(SmartCounter.PercentUsed, 90, null),
    };

    public static HealthThresholds Default { get; } = new();

    /// <summary>The defaults with the store's temperature limit (Set-BurninConfig -TemperatureLimitC).</summary>
    public static HealthThresholds FromSettings(NasBurnin.Engine.Store.BurninSettings settings) =>
        Default with { TemperatureLimitC = settings.TemperatureLimitC };

    /// <summary>At or above this temperature the drive is Warning (the TemperatureLimitC setting).</summary>
    public int TemperatureLimitC { get; init; } = 55;

    public IReadOnlyList<CounterLimit> Counters { get; init; } = DefaultCounters;

    /// <summary>A copy with one counter's limits replaced.</summary>
    public HealthThresholds WithCounter(SmartCounter counter, long? warnAt, long? failAt) => this with
    {
        Counters = Counters.Where(c => c.Counter != counter).Append(new CounterLimit(counter, warnAt, failAt)).ToList(),
    };
}
