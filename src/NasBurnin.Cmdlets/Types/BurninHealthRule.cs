using NasBurnin.Engine.Inventory;

namespace NasBurnin;

/// <summary>The SMART counters the health rules judge (-Counter of the health rule cmdlets).</summary>
public enum BurninHealthCounter
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
    /// <summary>The TemperatureLimitC setting; listed with the rules, changed with Set-BurninConfig.</summary>
    Temperature,
}

/// <summary>
/// One health rule: at or above WarnAt a drive is Warning, at or above FailAt Failed (null: never); DuringRun says
/// how a burn-in judges the counter against its baseline. Scope Default is built in; Model and Serial are
/// overrides (Set-BurninHealthRule), with the reason and who set them when.
/// </summary>
public sealed class BurninHealthRule
{
    public BurninHealthCounter Counter { get; init; }
    /// <summary>What the counter reads, in smartctl's words ("ATA 197 Current_Pending_Sector").</summary>
    public string Attribute { get; init; } = "";
    public long? WarnAt { get; init; }
    public long? FailAt { get; init; }
    public string DuringRun { get; init; } = "";
    /// <summary>Default, Model or Serial.</summary>
    public string Scope { get; init; } = "";
    /// <summary>The model an override applies to (Scope Model).</summary>
    public string? Model { get; init; }
    /// <summary>The serial an override applies to (Scope Serial).</summary>
    public string? Serial { get; init; }
    public string? Reason { get; init; }
    public string? SetBy { get; init; }
    public DateTime? SetAt { get; init; }

    internal static BurninHealthRule From(HealthRule r) => new()
    {
        Counter = Enum.Parse<BurninHealthCounter>(r.Counter.ToString()),
        Attribute = r.Attribute,
        WarnAt = r.WarnAt,
        FailAt = r.FailAt,
        DuringRun = r.DuringRun,
        Scope = r.Scope.ToString(),
        Model = r.Scope == HealthRuleScope.Model ? r.Match : null,
        Serial = r.Scope == HealthRuleScope.Serial ? r.Match : null,
        Reason = r.Reason,
        SetBy = r.SetBy,
        SetAt = r.SetAt?.UtcDateTime,
    };

    internal static SmartCounter Engine(BurninHealthCounter c) => Enum.Parse<SmartCounter>(c.ToString());
}
