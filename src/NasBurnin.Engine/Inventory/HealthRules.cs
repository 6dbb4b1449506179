namespace NasBurnin.Engine.Inventory;

/// <summary>Where a health rule comes from: the built-in default, or an override for one model or one serial.</summary>
public enum HealthRuleScope
{
    Default,
    Model,
    Serial,
}

/// <summary>An override of one counter's limits for one model or one serial, as the store keeps it. Null limits mean never.</summary>
public sealed record HealthRuleOverride(
    SmartCounter Counter, HealthRuleScope Scope, string Match, long? WarnAt, long? FailAt, string Reason, string SetBy, DateTimeOffset SetAt)
{
    /// <summary>Models and serials compare trimmed and case-insensitive (smartctl pads some SCSI fields).</summary>
    public bool AppliesTo(string? model, string? serial) => Scope switch
    {
        HealthRuleScope.Model => Same(model, Match),
        HealthRuleScope.Serial => Same(serial, Match),
        _ => false,
    };

    /// <summary>How a reason judged by this override names it: "the override for model 'X' (reason)".</summary>
    public string Describe => $"the override for {Scope.ToString().ToLowerInvariant()} '{Match}': {Reason}";

    internal static bool Same(string? a, string? b) =>
        a is not null && b is not null && string.Equals(a.Trim(), b.Trim(), StringComparison.OrdinalIgnoreCase);
}

/// <summary>A health rule as Get-BurninHealthRule shows it: the default, an override, or the one in force for a drive.</summary>
public sealed record HealthRule(
    SmartCounter Counter, string Attribute, long? WarnAt, long? FailAt, string DuringRun,
    HealthRuleScope Scope, string? Match, string? Reason, string? SetBy, DateTimeOffset? SetAt);

/// <summary>
/// How a run judges a counter between its baseline (the pre snapshot) and its end (the post snapshot).
/// <see cref="Fails"/>: any increase fails the run, whatever the absolute value (else it warns);
/// <see cref="AnyAtEndFails"/>: a new drive that ends the run with any at all fails too, grown or not.
/// </summary>
public sealed record RunGrowthRule(SmartCounter Counter, string Name, bool Fails, bool AnyAtEndFails, string? Hint = null)
{
    /// <summary>How Get-BurninHealthRule shows it.</summary>
    public string Describe => (Fails ? "fails on any increase" : "warns on any increase") +
        (AnyAtEndFails ? " or any at the end" : "") + (Hint is null ? "" : $" ({Hint})");
}

/// <summary>
/// The health limits in force for one drive (the defaults, with the overrides for its model, then its serial, on
/// top) and what a burn-in run judges, which no override changes.
/// </summary>
public static class HealthRules
{
    /// <summary>With true, any reallocated, pending or offline-uncorrectable sector at the end fails a new drive, grown or not.</summary>
    public const bool FailOnAnyBadSectorAtEnd = true;

    /// <summary>
    /// The counters a run compares with its baseline, in the order their reasons are listed: any increase in
    /// 5, 187, 197, 198 or NVMe media errors fails the run; a CRC (199) increase warns (a cable, not the medium).
    /// </summary>
    public static IReadOnlyList<RunGrowthRule> RunGrowth { get; } = new RunGrowthRule[]
    {
        new(SmartCounter.ReallocatedSectors, "Reallocated sectors", Fails: true, AnyAtEndFails: FailOnAnyBadSectorAtEnd),
        new(SmartCounter.ReportedUncorrect, "Reported uncorrectable errors", Fails: true, AnyAtEndFails: false),
        new(SmartCounter.PendingSectors, "Pending sectors", Fails: true, AnyAtEndFails: FailOnAnyBadSectorAtEnd),
        new(SmartCounter.OfflineUncorrectable, "Offline-uncorrectable sectors", Fails: true, AnyAtEndFails: FailOnAnyBadSectorAtEnd),
        new(SmartCounter.NvmeMediaErrors, "NVMe media errors", Fails: true, AnyAtEndFails: false),
        new(SmartCounter.CrcErrors, "Interface CRC errors", Fails: false, AnyAtEndFails: false, Hint: "check the cable and backplane"),
    };

    /// <summary>The growth rule that judges a counter during a run; SCSI grown defects count as reallocated sectors.</summary>
    public static RunGrowthRule? RunGrowthFor(SmartCounter counter) =>
        RunGrowth.FirstOrDefault(g => g.Counter == (counter == SmartCounter.GrownDefects ? SmartCounter.ReallocatedSectors : counter));

    /// <summary>A serial's override beats its model's, which beats the default.</summary>
    public static HealthThresholds Resolve(HealthThresholds defaults, IReadOnlyList<HealthRuleOverride> overrides, string? model, string? serial)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        if (overrides is not { Count: > 0 }) return defaults;
        var counters = defaults.Counters.Select(limit =>
            OverrideFor(overrides, limit.Counter, model, serial) is { } o
                ? new CounterLimit(limit.Counter, o.WarnAt, o.FailAt) { Source = o.Describe }
                : limit).ToList();
        return defaults with { Counters = counters };
    }

    /// <summary>The override that decides a counter for a drive, if any.</summary>
    public static HealthRuleOverride? OverrideFor(IReadOnlyList<HealthRuleOverride> overrides, SmartCounter counter, string? model, string? serial) =>
        overrides.FirstOrDefault(o => o.Counter == counter && o.Scope == HealthRuleScope.Serial && o.AppliesTo(model, serial))
        ?? overrides.FirstOrDefault(o => o.Counter == counter && o.Scope == HealthRuleScope.Model && o.AppliesTo(model, serial));

    /// <summary>What a counter reads, in smartctl's words.</summary>
    public static string AttributeOf(SmartCounter counter) => counter switch
    {
        SmartCounter.ReallocatedSectors => "ATA 5 Reallocated_Sector_Ct",
        SmartCounter.PendingSectors => "ATA 197 Current_Pending_Sector",
        SmartCounter.OfflineUncorrectable => "ATA 198 Offline_Uncorrectable",
        SmartCounter.CrcErrors => "ATA 199 UDMA_CRC_Error_Count",
        SmartCounter.ReportedUncorrect => "ATA 187 Reported_Uncorrect",
        SmartCounter.CommandTimeouts => "ATA 188 Command_Timeout (decoded)",
        SmartCounter.GrownDefects => "SCSI grown defect list",
        SmartCounter.UncorrectedErrors => "SCSI uncorrected read/write/verify errors",
        SmartCounter.NvmeMediaErrors => "NVMe media_errors",
        SmartCounter.PercentUsed => "endurance used, % (NVMe, SCSI, ATA device statistics)",
        SmartCounter.Temperature => "temperature, °C",
        _ => counter.ToString(),
    };
}
