using System.Globalization;
using NasBurnin.Engine.Inventory;

namespace NasBurnin.Engine.Burnin;

/// <summary>A run's outcome and the reasons for it; warnings do not fail a run but are listed.</summary>
public sealed record VerdictResult(string Result, IReadOnlyList<string> Reasons)
{
    public bool Failed => Result == RunResults.Fail;
}

/// <summary>
/// Decides Pass or Fail from evidence (DESIGN §5): failed stages (bad blocks, self-tests that did not
/// complete without error, refusals), SMART overall health, any increase over the run's baseline in
/// reallocated (5), reported uncorrectable (187), pending (197) or offline-uncorrectable (198) sectors
/// (and for 5, 197 and 198 any at the end), an NVMe critical warning or new media errors. New CRC
/// errors (199, a cable) and heat only warn. A drive whose SMART says PASSED but whose counters say
/// otherwise still fails.
/// </summary>
public static class Verdict
{
    /// <summary>With true, any reallocated, pending or offline-uncorrectable sector at the end fails a new drive, grown or not.</summary>
    public const bool FailOnAnyBadSectorAtEnd = HealthRules.FailOnAnyBadSectorAtEnd;

    public static VerdictResult Decide(IEnumerable<(StageKind Stage, string State, string? Summary)> stages,
        SmartEvidence? pre, SmartEvidence? post, int temperatureLimitC, bool heatEvents)
    {
        var fails = new List<string>();
        var warns = new List<string>();
        foreach (var (stage, state, summary) in stages)
        {
            if (state is StageStates.Failed) fails.Add($"{stage}: {summary ?? "failed"}");
        }

        if (post is not null)
        {
            if (post.HealthPassed == false) fails.Add("SMART overall health self-assessment: FAILED");
            if (post.NvmeCriticalWarning is { } cw and not 0)
                fails.Add($"NVMe critical warning 0x{cw.ToString("x2", CultureInfo.InvariantCulture)}");
            foreach (var rule in HealthRules.RunGrowth) Judge(rule, pre, post, rule.Fails ? fails : warns);
            if (post.TemperatureC is { } t && t > temperatureLimitC)
                warns.Add($"Warning: temperature {t} °C is over the limit of {temperatureLimitC} °C");
        }
        else if (stages.Any(s => s.Stage == StageKind.SmartPostCheck && s.State == StageStates.Passed))
        {
            warns.Add("Warning: no SMART snapshot after the run to compare with");
        }
        if (heatEvents) warns.Add($"Warning: the drive reached the temperature limit of {temperatureLimitC} °C during the run");

        return fails.Count > 0
            ? new VerdictResult(RunResults.Fail, fails.Concat(warns).ToList())
            : new VerdictResult(RunResults.Pass, warns);
    }

    private static void Judge(RunGrowthRule rule, SmartEvidence? pre, SmartEvidence post, List<string> into)
    {
        if (Read(rule.Counter, post) is not { } after) return;
        var before = pre is null ? 0 : Read(rule.Counter, pre) ?? 0;
        var name = rule.Fails ? rule.Name : "Warning: " + char.ToLowerInvariant(rule.Name[0]) + rule.Name[1..];
        var hint = rule.Hint is null ? "" : $" ({rule.Hint})";
        if (after > before) into.Add($"{name} grew from {before} to {after}{hint}");
        else if (rule.AnyAtEndFails && after > 0) into.Add($"{name}: {after} at the end of the run");
    }

    /// <summary>The evidence a growth rule compares (SCSI grown defects are in Reallocated).</summary>
    private static long? Read(SmartCounter counter, SmartEvidence e) => counter switch
    {
        SmartCounter.ReallocatedSectors => e.Reallocated,
        SmartCounter.ReportedUncorrect => e.ReportedUncorrect,
        SmartCounter.PendingSectors => e.Pending,
        SmartCounter.OfflineUncorrectable => e.OfflineUncorrectable,
        SmartCounter.NvmeMediaErrors => e.NvmeMediaErrors,
        SmartCounter.CrcErrors => e.CrcErrors,
        _ => null,
    };
}
