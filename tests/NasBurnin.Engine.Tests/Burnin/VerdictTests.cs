using NasBurnin.Engine.Burnin;
using Xunit;

namespace NasBurnin.Engine.Tests.Burnin;

public class VerdictTests
{
    private static readonly SmartEvidence Clean = new(true, 0, 0, 0, 0, null, null, 35);
    private static readonly (StageKind, string, string?)[] AllPassed =
        { (StageKind.SmartShort, "Passed", "ok"), (StageKind.SurfaceValidate, "Passed", "no bad blocks"), (StageKind.SmartPostCheck, "Passed", "snapshot") };

    [Fact]
    public void A_clean_run_passes() => Assert.Equal(RunResults.Pass, Verdict.Decide(AllPassed, Clean, Clean, 55, false).Result);

    [Fact]
    public void Bad_blocks_fail_with_the_stage_summary()
    {
        var v = Verdict.Decide(new[] { (StageKind.SurfaceValidate, "Failed", (string?)"2 bad blocks: 8192 8193") }, Clean, Clean, 55, false);
        Assert.Equal(RunResults.Fail, v.Result);
        Assert.Contains("SurfaceValidate: 2 bad blocks: 8192 8193", v.Reasons);
    }

    [Fact]
    public void Passed_but_failing_counters_fail()
    {
        var post = Clean with { Pending = 8, Reallocated = 3 };
        var v = Verdict.Decide(AllPassed, Clean, post, 55, false);
        Assert.Equal(RunResults.Fail, v.Result);
        Assert.Contains("Pending sectors grew from 0 to 8", v.Reasons);
        Assert.Contains("Reallocated sectors grew from 0 to 3", v.Reasons);
    }

    [Fact]
    public void Any_bad_sector_at_the_end_fails_even_without_growth()
    {
        var dirty = Clean with { OfflineUncorrectable = 1 };
        Assert.Contains("Offline-uncorrectable sectors: 1 at the end of the run", Verdict.Decide(AllPassed, dirty, dirty, 55, false).Reasons);
    }

    [Fact]
    public void Any_increase_in_reported_uncorrectable_fails_whatever_the_value_and_crc_only_warns()
    {
        var pre = Clean with { ReportedUncorrect = 40, CrcErrors = 3 };
        var v = Verdict.Decide(AllPassed, pre, pre with { ReportedUncorrect = 41, CrcErrors = 9 }, 55, false);
        Assert.Equal(RunResults.Fail, v.Result);
        Assert.Contains("Reported uncorrectable errors grew from 40 to 41", v.Reasons);
        Assert.Contains("Warning: interface CRC errors grew from 3 to 9 (check the cable and backplane)", v.Reasons);
        // Unchanged, an old drive's 187 count is no reason to fail (only 5, 197, 198 fail when any is left).
        Assert.Equal(RunResults.Pass, Verdict.Decide(AllPassed, pre, pre, 55, false).Result);
        var crcOnly = Verdict.Decide(AllPassed, Clean, Clean with { CrcErrors = 2 }, 55, false);
        Assert.Equal(RunResults.Pass, crcOnly.Result);
    }

    [Fact]
    public void Failed_overall_health_fails() =>
        Assert.Contains("SMART overall health self-assessment: FAILED", Verdict.Decide(AllPassed, Clean, Clean with { HealthPassed = false }, 55, false).Reasons);

    [Fact]
    public void Nvme_critical_warning_and_new_media_errors_fail()
    {
        var pre = Clean with { NvmeCriticalWarning = 0, NvmeMediaErrors = 2 };
        var v = Verdict.Decide(AllPassed, pre, pre with { NvmeCriticalWarning = 4, NvmeMediaErrors = 5 }, 55, false);
        Assert.Contains("NVMe critical warning 0x04", v.Reasons);
        Assert.Contains("NVMe media errors grew from 2 to 5", v.Reasons);
    }

    [Fact]
    public void Crc_growth_and_heat_only_warn()
    {
        var v = Verdict.Decide(AllPassed, Clean, Clean with { CrcErrors = 4, TemperatureC = 61 }, 55, heatEvents: true);
        Assert.Equal(RunResults.Pass, v.Result);
        Assert.Contains(v.Reasons, r => r.StartsWith("Warning: interface CRC errors grew from 0 to 4", StringComparison.Ordinal));
        Assert.Contains(v.Reasons, r => r.StartsWith("Warning: temperature 61", StringComparison.Ordinal));
    }

    [Fact]
    public void A_failed_self_test_fails() =>
        Assert.Equal(RunResults.Fail, Verdict.Decide(new[] { (StageKind.SmartLong, "Failed", (string?)"SMART long self-test: Completed: read failure") }, Clean, Clean, 55, false).Result);
}
