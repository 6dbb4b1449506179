using NasBurnin.Engine.Inventory;
using Xunit;

namespace NasBurnin.Engine.Tests.Inventory;

public class HealthEvaluatorTests
{
    private static HealthAssessment Judge(string fixture, HealthThresholds? t = null) =>
        HealthEvaluator.Evaluate(SmartctlParser.Parse(InventoryFixtures.Read(fixture)), t);

    [Fact]
    public void Passed_with_pending_sectors_is_failed_with_every_reason()
    {
        var h = Judge("smart-sata-pending-passed.json");
        Assert.Equal(SmartHealth.Failed, h.Health);
        Assert.Collection(h.Reasons,
            r => Assert.StartsWith("Self-test failed: Extended offline 'Completed: read failure'", r),
            r => Assert.StartsWith("8 pending sectors", r),
            r => Assert.StartsWith("2 offline-uncorrectable sectors", r),
            r => Assert.StartsWith("The device error log has entries", r),
            r => Assert.StartsWith("3 reallocated sectors", r),
            r => Assert.StartsWith("14 interface CRC errors", r));
    }

    [Fact]
    public void Nvme_critical_warning_fails_and_names_the_bits()
    {
        var h = Judge("smart-nvme-critical.json");
        Assert.Equal(SmartHealth.Failed, h.Health);
        Assert.Contains("NVMe critical warning 0x04: NVM subsystem reliability degraded.", h.Reasons);
        Assert.Contains(h.Reasons, r => r.StartsWith("384 NVMe media"));
        Assert.Contains(h.Notes, n => n.Contains("Error Information Log failed"));
    }

    [Fact]
    public void Healthy_drive_passes_without_reasons()
    {
        var h = Judge("smart-sata-hdd-healthy.json");
        Assert.Equal(SmartHealth.Passed, h.Health);
        Assert.Empty(h.All);
    }

    [Fact]
    public void Thresholds_are_data()
    {
        // Reallocated sectors warn by default; a stricter policy fails them, a laxer one ignores CRC errors.
        Assert.Equal(SmartHealth.Warning, Judge("smart-sas-hdd.json").Health); // 2 grown defects
        var strict = HealthThresholds.Default.WithCounter(SmartCounter.GrownDefects, 1, 2);
        Assert.Equal(SmartHealth.Failed, Judge("smart-sas-hdd.json", strict).Health);
        var lax = HealthThresholds.Default.WithCounter(SmartCounter.GrownDefects, null, null);
        Assert.Equal(SmartHealth.Passed, Judge("smart-sas-hdd.json", lax).Health);

        var hot = HealthThresholds.Default with { TemperatureLimitC = 34 };
        var h = Judge("smart-sata-hdd-healthy.json", hot);
        Assert.Equal(SmartHealth.Warning, h.Health);
        Assert.Equal("Temperature 34 °C is at or above the limit of 34 °C.", Assert.Single(h.Reasons));

        var timeouts = HealthThresholds.Default.WithCounter(SmartCounter.CommandTimeouts, 10, null);
        Assert.Contains("12 command timeouts (attribute 188).", Judge("smart-sata-hdd-healthy.json", timeouts).Reasons);
    }

    [Fact]
    public void A_superseded_self_test_failure_only_warns()
    {
        var h = Judge("smart-sata-ssd-old-failure-superseded.json");
        Assert.Equal(SmartHealth.Warning, h.Health);
        Assert.StartsWith("An older self-test failed (Extended offline 'Completed: unknown failure'", Assert.Single(h.Reasons));
    }

    [Theory]
    [InlineData("smart-usb-bridge-error.json", "Unknown USB bridge")]
    [InlineData("smart-truncated.json", "truncated")]
    [InlineData("smart-not-json.txt", "not JSON")]
    public void No_usable_document_is_unknown_with_the_reason(string fixture, string reason)
    {
        var h = Judge(fixture);
        Assert.Equal(SmartHealth.Unknown, h.Health);
        Assert.Contains(reason, Assert.Single(h.Reasons));
    }

    [Fact]
    public void No_verdict_but_bad_counters_is_not_unknown()
    {
        var json = """
            {"smartctl": {"exit_status": 4}, "device": {"type": "sat", "protocol": "ATA"}, "model_name": "X", "serial_number": "1",
             "ata_smart_attributes": {"table": [{"id": 197, "name": "Current_Pending_Sector", "raw": {"value": 5, "string": "5"}}]}}
            """;
        var h = HealthEvaluator.Evaluate(SmartctlParser.Parse(json));
        Assert.Equal(SmartHealth.Failed, h.Health);
        Assert.Contains(h.Notes, n => n.Contains("no overall-health verdict"));
    }

    [Fact]
    public void Spare_below_threshold_fails_even_without_the_warning_bit()
    {
        var json = """
            {"device": {"type": "nvme", "protocol": "NVMe"}, "model_name": "X", "serial_number": "1", "smart_status": {"passed": true},
             "nvme_smart_health_information_log": {"critical_warning": 0, "available_spare": 3, "available_spare_threshold": 10, "media_errors": 0}}
            """;
        Assert.Contains("Available spare 3% is below the drive's threshold of 10%.", HealthEvaluator.Evaluate(SmartctlParser.Parse(json)).Reasons);
    }
}
