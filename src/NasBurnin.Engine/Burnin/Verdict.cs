using System.Globalization;

namespace NasBurnin.Engine.Burnin;

/// <summary>A run's outcome and the reasons for it; warnings do not fail a run but are listed.</summary>
public sealed record VerdictResult(string Result, IReadOnlyList<string> Reasons)
{
    public bool Failed => Result == RunResults.Fail;
}

/// <summary>
/// Decides Pass or Fail from evidence (DESIGN §5): failed stages (bad blocks, self-tests that did not
/// complete without error, refusals), SMART overall health, growth of reallocated / pending /
/// offline-uncorrectable sectors between the pre and post snapshots (or any at the end), an NVMe
/// critical warning or new media errors. New CRC errors (a cable) and heat only warn. A drive whose
/// SMART says PASSED but whose counters say otherwise still fails.
/// </summary>
public static class Verdict
{
    /// <summary>With true, any reallocated, pending or offline-uncorrectable sector at the end fails a new drive, grown or not.</summary>
    public const bool FailOnAnyBadSectorAtEnd = true;

    public static VerdictResult Decide(IEnumerable<(StageKind Stage, string State, string? Summary)> stages,
        SmartEvidence? pre, SmartEvidence? post, int temperatureLimitC, bool heatEvents)
    {
        var fails = new List<string>();
        var warns = new List<string>();
        foreach (var (stage, state, summary) in stages)
        {
            if (state is "Failed") fails.Add($"{stage}: {summary ?? "failed"}");
        }

        if (post is not null)
        {
            if (post.HealthPassed == false) fails.Add("SMART overall health self-assessment: FAILED");
            Counter("Reallocated sectors", pre?.Reallocated, post.Reallocated, fails);
            Counter("Pending sectors", pre?.Pending, post.Pending, fails);
            Counter("Offline-uncorrectable sectors", pre?.OfflineUncorrectable, post.OfflineUncorrectable, fails);
            if (post.NvmeCriticalWarning is { } cw and not 0)
                fails.Add($"NVMe critical warning 0x{cw.ToString("x2", CultureInfo.InvariantCulture)}");
            if (post.NvmeMediaErrors is { } me && me > (pre?.NvmeMediaErrors ?? 0))
                fails.Add($"NVMe media errors grew from {pre?.NvmeMediaErrors ?? 0} to {me}");
            if (post.CrcErrors is { } crc && crc > (pre?.CrcErrors ?? 0))
                warns.Add($"Warning: interface CRC errors grew from {pre?.CrcErrors ?? 0} to {crc} (check the cable and backplane)");
            if (post.TemperatureC is { } t && t > temperatureLimitC)
                warns.Add($"Warning: temperature {t} °C is over the limit of {temperatureLimitC} °C");
        }
        else if (stages.Any(s => s.Stage == StageKind.SmartPostCheck && s.State == "Passed"))
        {
            warns.Add("Warning: no SMART snapshot after the run to compare with");
        }
        if (heatEvents) warns.Add($"Warning: the drive reached the temperature limit of {temperatureLimitC} °C during the run");

        return fails.Count > 0
            ? new VerdictResult(RunResults.Fail, fails.Concat(warns).ToList())
            : new VerdictResult(RunResults.Pass, warns);
    }

    private static void Counter(string name, long? before, long? after, List<string> fails)
    {
        if (after is not { } a) return;
        var b = before ?? 0;
        if (a > b) fails.Add($"{name} grew from {b} to {a}");
        else if (FailOnAnyBadSectorAtEnd && a > 0) fails.Add($"{name}: {a} at the end of the run");
    }
}
