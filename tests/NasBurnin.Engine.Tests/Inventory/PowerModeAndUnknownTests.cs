using System.Text.Json.Nodes;
using NasBurnin.Engine.Inventory;
using Xunit;
using Xunit.Abstractions;

namespace NasBurnin.Engine.Tests.Inventory;

/// <summary>
/// A drive in standby is not a failing drive, and health that cannot be read is Unknown, never Passed. The standby
/// answers are what smartctl prints with -n standby (ataprint.cpp: jinf("Device is in %s mode, exit(%d)"),
/// severity information, exit status 2; smartctl 7.5 adds power_mode.ata_value); the rest are real captures.
/// </summary>
public class PowerModeAndUnknownTests
{
    private readonly ITestOutputHelper _out;

    public PowerModeAndUnknownTests(ITestOutputHelper output) => _out = output;

    /// <summary>smartctl 7.3 -j -x -n standby on an ATA disk in standby: nothing read, one information message, exit 2.</summary>
    internal static string Standby(string mode = "STANDBY", bool powerModeObject = false, string? message = null)
    {
        var doc = new JsonObject
        {
            ["json_format_version"] = new JsonArray(1, 0),
            ["smartctl"] = new JsonObject
            {
                ["version"] = new JsonArray(7, 3),
                ["svn_revision"] = "5338",
                ["platform_info"] = "x86_64-linux-6.1.0-28-amd64",
                ["build_info"] = "(local build)",
                ["argv"] = new JsonArray("smartctl", "-j", "-x", "-n", "standby", "/dev/sdb"),
                ["messages"] = new JsonArray(new JsonObject { ["string"] = message ?? $"Device is in {mode} mode, exit(2)", ["severity"] = "information" }),
                ["exit_status"] = 2,
            },
            ["local_time"] = new JsonObject { ["time_t"] = 1735689600, ["asctime"] = "Wed Jan  1 00:00:00 2025 UTC" },
            ["device"] = new JsonObject { ["name"] = "/dev/sdb", ["info_name"] = "/dev/sdb [SAT]", ["type"] = "sat", ["protocol"] = "ATA" },
        };
        if (powerModeObject)
        {
            ((JsonArray)doc["smartctl"]!["messages"]!).Clear();
            doc["power_mode"] = new JsonObject { ["ata_value"] = 0, ["name"] = "STANDBY" };
        }
        return doc.ToJsonString();
    }

    [Theory]
    [InlineData("STANDBY", false, null, DrivePowerMode.Standby)]
    [InlineData("STANDBY_Y", false, null, DrivePowerMode.Standby)]
    [InlineData("SLEEP", false, null, DrivePowerMode.Sleep)]
    [InlineData("IDLE_B", false, null, DrivePowerMode.Idle)]
    [InlineData("STANDBY", true, null, DrivePowerMode.Standby)]
    [InlineData("STANDBY", false, "/dev/sdb [SAT]: Device is in STANDBY (OS) mode, exit(2)", DrivePowerMode.Standby)]
    public void A_drive_smartctl_left_asleep_is_not_read_and_not_failing(string mode, bool powerModeObject, string? message, DrivePowerMode expected)
    {
        var r = SmartctlParser.Parse(Standby(mode, powerModeObject, message), 2);
        Assert.Null(r.Problem);
        Assert.Equal(expected, r.PowerMode);
        Assert.True(r.NotReadInLowPower);
        Assert.Equal(SmartctlExitBits.DeviceOpenFailed, r.ExitBits);
        var health = HealthEvaluator.Evaluate(r);
        Assert.Equal(SmartHealth.Unknown, health.Health); // never Failed for being asleep
        Assert.Contains("was not read, so it would not spin up", health.Reasons[0]);
        Assert.DoesNotContain(health.All, x => x.Contains("could not be opened", StringComparison.Ordinal));
    }

    [SkippableFact]
    public void A_device_that_could_not_be_opened_is_not_taken_for_a_sleeping_one()
    {
        var dir = InventoryFixtures.Shared("smartctl-json", _out);
        Skip.If(dir is null, InventoryFixtures.Missing);
        foreach (var file in Directory.GetFiles(dir, "*.json"))
        {
            var r = SmartctlParser.Parse(File.ReadAllText(file));
            Assert.False(r.NotReadInLowPower, Path.GetFileName(file));
            Assert.NotEqual(DrivePowerMode.Standby, r.PowerMode);
        }
        // The Windows capture: exit 2 as well, but "Open failed": Unknown with that reason, not standby.
        var open = HealthEvaluator.Evaluate(SmartctlParser.Parse(File.ReadAllText(Directory.GetFiles(dir, "error_windows_open-failed*.json").Single())));
        Assert.Equal(SmartHealth.Unknown, open.Health);
        Assert.DoesNotContain(open.All, x => x.Contains("standby", StringComparison.OrdinalIgnoreCase));
    }

    [SkippableTheory]
    [InlineData("scsi_QEMU_HARDDISK_exit4.json", "does not support SMART")]
    [InlineData("sat_VBOX_HARDDISK_no-smart_exit4.json", "no SMART health")]
    [InlineData("scsi_Intel_RAID1_Volume_exit4.json", "no SMART health")]
    public void Virtual_disks_and_RAID_volumes_are_Unknown_with_the_reason_first_and_no_temperature(string file, string reason)
    {
        var dir = InventoryFixtures.Shared("smartctl-json", _out);
        Skip.If(dir is null, InventoryFixtures.Missing);
        var r = SmartctlParser.Parse(File.ReadAllText(Path.Combine(dir, file)));
        var health = HealthEvaluator.Evaluate(r);
        Assert.Equal(SmartHealth.Unknown, health.Health);
        Assert.Contains(reason, health.Reasons[0]);
        Assert.Null(r.TemperatureC); // temperature.current 0: no sensor, no temperature
    }

    /// <summary>An iSCSI LUN with SMART switched off: exit 4, smart_support.enabled false, a health check that says OK, 0 °C.</summary>
    private static string IscsiLun() => new JsonObject
    {
        ["json_format_version"] = new JsonArray(1, 0),
        ["smartctl"] = new JsonObject { ["version"] = new JsonArray(7, 3), ["exit_status"] = 4 },
        ["device"] = new JsonObject { ["name"] = "/dev/sdc", ["info_name"] = "/dev/sdc", ["type"] = "scsi", ["protocol"] = "SCSI" },
        ["scsi_vendor"] = "LIO-ORG", ["scsi_product"] = "lun0", ["scsi_model_name"] = "LIO-ORG lun0", ["scsi_revision"] = "4.0",
        ["scsi_version"] = "SPC-4", ["serial_number"] = "6001405abc",
        ["user_capacity"] = new JsonObject { ["blocks"] = 2097152, ["bytes"] = 1073741824 },
        ["scsi_transport_protocol"] = new JsonObject { ["name"] = "iSCSI", ["value"] = 5 },
        ["smart_support"] = new JsonObject { ["available"] = true, ["enabled"] = false },
        ["smart_status"] = new JsonObject { ["passed"] = true },
        ["temperature"] = new JsonObject { ["current"] = 0, ["drive_trip"] = 0 },
    }.ToJsonString();

    [Fact]
    public void An_iscsi_lun_with_SMART_disabled_is_Unknown_not_Passed_at_0_degrees()
    {
        var r = SmartctlParser.Parse(IscsiLun());
        Assert.True(r.SmartPassed); // what it answers ...
        Assert.Equal(DriveTransport.Other, r.Transport);
        Assert.Null(r.TemperatureC);
        var health = HealthEvaluator.Evaluate(r); // ... means nothing with SMART off
        Assert.Equal(SmartHealth.Unknown, health.Health);
        Assert.Contains("SMART is disabled", health.Reasons[0]);
    }

    [Fact]
    public void No_verdict_and_clean_counters_is_Unknown_with_the_reason_first()
    {
        var doc = JsonNode.Parse(InventoryFixtures.Read("smart-sata-hdd-healthy.json"))!.AsObject();
        doc.Remove("smart_status");
        var health = HealthEvaluator.Evaluate(SmartctlParser.Parse(doc.ToJsonString()));
        Assert.Equal(SmartHealth.Unknown, health.Health);
        Assert.Contains("no overall-health verdict", health.Reasons[0]);

        doc["smartctl"]!["exit_status"] = 4; // and a SMART command failed
        var failed = HealthEvaluator.Evaluate(SmartctlParser.Parse(doc.ToJsonString()));
        Assert.Equal(SmartHealth.Unknown, failed.Health);
        Assert.Contains("could not read the drive's health", failed.Reasons[0]);
    }
}
