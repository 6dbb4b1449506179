using System.Globalization;

namespace NasBurnin.Engine.Inventory;

/// <summary>The health verdict with its reasons. <see cref="Notes"/> say something about the read, not the drive.</summary>
public sealed record HealthAssessment(SmartHealth Health, IReadOnlyList<string> Reasons, IReadOnlyList<string> Notes)
{
    public IEnumerable<string> All => Reasons.Concat(Notes);
}

/// <summary>
/// Judges a drive from its <see cref="SmartReport"/>. smartctl's PASSED is where it starts, not where it ends:
/// counters, self-test results, NVMe critical warnings and smartctl's exit bits can lower it to Warning or
/// Failed, and the reasons say why. No usable SMART data is Unknown, with the reason.
/// </summary>
public static class HealthEvaluator
{
    private sealed record CounterInfo(Func<SmartReport, long?> Read, string Describe);

    // How each counter is read and worded ({0} is the value).
    private static readonly Dictionary<SmartCounter, CounterInfo> Counters = new()
    {
        [SmartCounter.ReallocatedSectors] = new(r => r.ReallocatedSectors, "{0} reallocated sectors (attribute 5)"),
        [SmartCounter.PendingSectors] = new(r => r.PendingSectors, "{0} pending sectors: unreadable now, waiting to be remapped (attribute 197)"),
        [SmartCounter.OfflineUncorrectable] = new(r => r.OfflineUncorrectable, "{0} offline-uncorrectable sectors (attribute 198)"),
        [SmartCounter.CrcErrors] = new(r => r.CrcErrors, "{0} interface CRC errors: check the cable or backplane (attribute 199)"),
        [SmartCounter.ReportedUncorrect] = new(r => r.ReportedUncorrect, "{0} reported uncorrectable errors (attribute 187)"),
        [SmartCounter.CommandTimeouts] = new(r => r.CommandTimeouts, "{0} command timeouts (attribute 188)"),
        [SmartCounter.GrownDefects] = new(r => r.GrownDefects, "{0} grown defects (SCSI grown defect list)"),
        [SmartCounter.UncorrectedErrors] = new(r => r.UncorrectedErrors, "{0} uncorrected read/write/verify errors (SCSI error counter log)"),
        [SmartCounter.NvmeMediaErrors] = new(r => r.NvmeMediaErrors, "{0} NVMe media and data integrity errors"),
        [SmartCounter.PercentUsed] = new(r => r.PercentUsed, "{0}% of rated endurance used"),
    };

    private static readonly (int Bit, string Meaning)[] CriticalWarningBits =
    {
        (0x01, "available spare below threshold"),
        (0x02, "temperature outside the allowed range"),
        (0x04, "NVM subsystem reliability degraded"),
        (0x08, "media placed in read-only mode"),
        (0x10, "volatile memory backup failed"),
        (0x20, "persistent memory region read-only"),
    };

    public static HealthAssessment Evaluate(SmartReport report, HealthThresholds? thresholds = null)
    {
        thresholds ??= HealthThresholds.Default;
        if (Unreadable(report) is { } unknown) return unknown;

        var reasons = new List<(SmartHealth Level, string Text)>();
        var notes = new List<string>();
        void Add(SmartHealth level, string text) => reasons.Add((level, text));
        var errors = report.Messages.Where(m => m.Severity.Equals("error", StringComparison.OrdinalIgnoreCase)).Select(m => m.Text).ToList();

        JudgeVerdictAndAttributes(report, Add);
        JudgeSelfTests(report, Add);
        JudgeNvme(report, Add);
        JudgeCounters(report, thresholds, Add);
        if (report.TemperatureC is { } t && t >= thresholds.TemperatureLimitC)
            Add(SmartHealth.Warning, $"Temperature {t} °C is at or above the limit of {thresholds.TemperatureLimitC} °C.");

        foreach (var e in errors) notes.Add($"smartctl: {e}");
        var baseline = report.SmartPassed switch { true => SmartHealth.Passed, false => SmartHealth.Failed, null => SmartHealth.Unknown };
        var health = reasons.Select(r => r.Level).Append(baseline).MaxBy(Rank);
        if (health == SmartHealth.Unknown)
        {
            // No verdict and nothing wrong in the counters: say why the health is unknown, first.
            Add(SmartHealth.Unknown, report.ExitBits.HasFlag(SmartctlExitBits.SmartCommandFailed)
                ? $"smartctl could not read the drive's health (exit status {report.ExitStatus}: a SMART command failed), and the counters it did read show nothing wrong."
                : "smartctl's answer has no overall-health verdict, and the counters it did read show nothing wrong: the health is unknown.");
        }
        else if (report.SmartPassed is null) notes.Add("smartctl gave no overall-health verdict; the counters were judged alone.");
        return new HealthAssessment(health, reasons.OrderByDescending(r => Rank(r.Level)).Select(r => r.Text).ToList(), notes);
    }

    /// <summary>Unknown, with the reason, when there is nothing to judge: no document, no device data, SMART unsupported or off.</summary>
    private static HealthAssessment? Unreadable(SmartReport report)
    {
        if (report.Problem is not null)
            return Unknown($"smartctl output could not be read: {report.Problem}.");
        if (report.NotReadInLowPower)
            return Unknown($"The drive was in {report.PowerMode.ToString().ToLowerInvariant()} and was not read, so it would not spin up; its SMART health was never read. Get-BurninDrive -WakeDrives reads it.");
        var bits = report.ExitBits;
        if (!report.HasDeviceData)
        {
            var why = report.Messages.Where(m => m.Severity.Equals("error", StringComparison.OrdinalIgnoreCase)).Select(m => m.Text).FirstOrDefault()
                ?? (bits.HasFlag(SmartctlExitBits.DeviceOpenFailed) ? "the device could not be opened"
                : bits.HasFlag(SmartctlExitBits.CommandLine) ? "smartctl rejected the command line (an unknown USB bridge needs a -d type)"
                : "smartctl returned no device data");
            return Unknown($"No SMART data: {why} (smartctl exit status {report.ExitStatus ?? 0}).");
        }
        if (report.SmartAvailable == false)
            return Unknown("The device does not support SMART (virtual disk, RAID volume or bridge that hides it).");
        if (report.SmartEnabled == false)
            return Unknown("SMART is disabled on the device (an iSCSI LUN or virtual disk, or switched off with smartctl -s off): nothing is monitored, so whatever health it answers means nothing. Enable it with smartctl -s on where the device allows.");
        var hasData = report.SmartPassed is not null || report.Attributes.Count > 0 || report.NvmeCriticalWarning is not null ||
                      report.GrownDefects is not null;
        return hasData ? null : Unknown("smartctl reported no SMART health for this device (virtual disk, RAID volume or bridge that hides it).");
    }

    /// <summary>smartctl's verdict, attributes at their thresholds (WHEN_FAILED), else the exit bits that summarise them.</summary>
    private static void JudgeVerdictAndAttributes(SmartReport report, Action<SmartHealth, string> add)
    {
        var bits = report.ExitBits;
        if (report.SmartPassed == false) add(SmartHealth.Failed, "SMART overall-health self-assessment: FAILED.");
        else if (report.SmartPassed is not null && bits.HasFlag(SmartctlExitBits.DiskFailing)) add(SmartHealth.Failed, "smartctl reports the disk as failing (exit bit 3).");
        var now = report.Attributes.Where(a => string.Equals(a.WhenFailed, "now", StringComparison.OrdinalIgnoreCase)).ToList();
        var past = report.Attributes.Where(a => string.Equals(a.WhenFailed, "past", StringComparison.OrdinalIgnoreCase)).ToList();
        foreach (var a in now) add(SmartHealth.Failed, $"Attribute {a.Id} {a.Name} is at or below its failure threshold now (value {a.Value}, threshold {a.Threshold}).");
        foreach (var a in past) add(SmartHealth.Warning, $"Attribute {a.Id} {a.Name} was at or below its failure threshold in the past.");
        if (now.Count == 0 && bits.HasFlag(SmartctlExitBits.PrefailAtThreshold))
            add(SmartHealth.Failed, "Prefailure attributes are at or below their thresholds (smartctl exit bit 4).");
        if (past.Count == 0 && bits.HasFlag(SmartctlExitBits.AttributesAtThresholdInPast))
            add(SmartHealth.Warning, "Some attributes were at or below their thresholds in the past (smartctl exit bit 5).");
        if (bits.HasFlag(SmartctlExitBits.ErrorLogHasErrors))
            add(SmartHealth.Warning, "The device error log has entries (smartctl exit bit 6).");
    }

    /// <summary>A failure no later extended test superseded fails the drive; a superseded one warns.</summary>
    private static void JudgeSelfTests(SmartReport report, Action<SmartHealth, string> add)
    {
        var unresolved = report.UnresolvedSelfTestFailure;
        if (unresolved is not null) add(SmartHealth.Failed, $"Self-test failed: {Describe(unresolved)}.");
        else if (report.ExitBits.HasFlag(SmartctlExitBits.SelfTestLogHasErrors))
            add(SmartHealth.Failed, "The self-test log has errors (smartctl exit bit 7).");
        var superseded = report.SelfTestLog.Where(e => e.Outcome == SelfTestStatus.Failed && !ReferenceEquals(e, unresolved)).ToList();
        if (superseded.Count > 0 && unresolved is null)
            add(SmartHealth.Warning, $"An older self-test failed ({Describe(superseded[0])}); a later extended self-test passed.");
    }

    private static void JudgeNvme(SmartReport report, Action<SmartHealth, string> add)
    {
        if (report.NvmeCriticalWarning is { } cw && cw != 0)
        {
            var meaning = string.Join(", ", CriticalWarningBits.Where(b => (cw & b.Bit) != 0).Select(b => b.Meaning));
            add(SmartHealth.Failed, string.Create(CultureInfo.InvariantCulture, $"NVMe critical warning 0x{cw:x2}: {(meaning.Length > 0 ? meaning : "unknown bits")}."));
        }
        else if (report.AvailableSparePercent is { } spare && report.AvailableSpareThresholdPercent is { } floor && floor > 0 && spare < floor)
            add(SmartHealth.Failed, $"Available spare {spare}% is below the drive's threshold of {floor}%.");
    }

    /// <summary>The health rules' counter limits (defaults, or overrides for this model or serial).</summary>
    private static void JudgeCounters(SmartReport report, HealthThresholds thresholds, Action<SmartHealth, string> add)
    {
        foreach (var limit in thresholds.Counters)
        {
            if (!Counters.TryGetValue(limit.Counter, out var info) || info.Read(report) is not { } value) continue;
            var level = limit.FailAt is { } f && value >= f ? SmartHealth.Failed
                : limit.WarnAt is { } w && value >= w ? SmartHealth.Warning
                : (SmartHealth?)null;
            if (level is not { } l) continue;
            var text = Capitalise(string.Format(CultureInfo.InvariantCulture, info.Describe, value)) + ".";
            if (limit.Source is { } source) text += $" ({source})";
            add(l, text);
        }
    }

    /// <summary>For a drive whose smartctl section is missing or failed before producing a document.</summary>
    public static HealthAssessment Unknown(string reason) => new(SmartHealth.Unknown, new[] { reason }, Array.Empty<string>());

    /// <summary>Unknown below Warning: a drive with no verdict but bad counters is Warning or Failed, not Unknown.</summary>
    private static int Rank(SmartHealth h) => h switch
    {
        SmartHealth.Passed => 0,
        SmartHealth.Unknown => 1,
        SmartHealth.Warning => 2,
        SmartHealth.Failed => 3,
        _ => 1,
    };

    private static string Describe(SelfTestEntry e)
    {
        var s = $"{e.Type} '{e.Status}'";
        if (e.LifetimeHours is { } h) s += $" at {h} power-on hours";
        if (e.FirstErrorLba is { } lba) s += $", first error at LBA {lba}";
        return s;
    }

    private static string Capitalise(string s) => s.Length > 0 && char.IsLower(s[0]) ? char.ToUpperInvariant(s[0]) + s[1..] : s;
}
