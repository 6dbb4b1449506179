using System.Text.Json.Nodes;
using NasBurnin.Engine.Inventory;
using Xunit;
using Xunit.Abstractions;

namespace NasBurnin.Engine.Tests.Inventory;

public class SmartctlParserTests
{
    private readonly ITestOutputHelper _output;

    public SmartctlParserTests(ITestOutputHelper output) => _output = output;

    private static SmartReport Fixture(string name) => SmartctlParser.Parse(InventoryFixtures.Read(name));

    [Fact]
    public void Reads_a_healthy_sata_hdd()
    {
        var r = Fixture("smart-sata-hdd-healthy.json");
        Assert.Null(r.Problem);
        Assert.Equal((DriveTransport.Sata, "ST4000VN008-2DR166", "ZGY0TEST", "SC60"), (r.Transport!.Value, r.Model, r.Serial, r.Firmware));
        Assert.Equal("0x5000c500a496983d", r.Wwn);
        Assert.Equal(4000787030016, r.CapacityBytes);
        Assert.True(r.Rotational);
        Assert.Equal((34, 4712L, 31L), (r.TemperatureC!.Value, r.PowerOnHours!.Value, r.PowerCycles!.Value));
        Assert.Equal((0L, 0L, 0L, 0L), (r.ReallocatedSectors!.Value, r.PendingSectors!.Value, r.OfflineUncorrectable!.Value, r.CrcErrors!.Value));
        Assert.Equal((1, 587, 2), (r.PollingShortMinutes!.Value, r.PollingExtendedMinutes!.Value, r.PollingConveyanceMinutes!.Value));
        Assert.True(r.ConveyanceSupported);
        Assert.Equal(SelfTestStatus.Passed, r.SelfTest);
        Assert.Equal(2, r.SelfTestLog.Count);
        Assert.True(r.SelfTestLog[0].IsExtended);
    }

    [Fact]
    public void Decodes_seagate_packed_raw_values()
    {
        var r = Fixture("smart-sata-hdd-healthy.json");
        long Counter(int id) => r.Attributes.Single(a => a.Id == id).Counter!.Value;
        Assert.Equal(0, Counter(1));     // 214158304: operations only, no errors in bits 32-47
        Assert.Equal(2988, Counter(7));  // 12834215976973 = 2988 << 32 | operations
        Assert.Equal(12, Counter(188));  // 0x000C_000C_000C: three 16-bit counters, the low one counts
        Assert.Equal(12, r.CommandTimeouts);
        Assert.Equal(34, Counter(194));  // "34 (0 23 0 0 0)": smartctl's rendering leads
        Assert.Equal(51540393996, r.Attributes.Single(a => a.Id == 188).Raw); // the raw stays available
        Assert.Equal(SmartHealth.Passed, HealthEvaluator.Evaluate(r).Health); // packed raws raise no alarm

        // The same raws on a non-Seagate drive are taken as they are.
        Assert.Equal(51540393996, SmartctlParser.Counter(188, 51540393996, "51540393996", seagate: false));
    }

    [Fact]
    public void Reads_nvme_critical_warning_media_errors_and_a_running_self_test()
    {
        var r = Fixture("smart-nvme-critical.json");
        Assert.Equal(DriveTransport.Nvme, r.Transport);
        Assert.False(r.Rotational.HasValue); // NVMe has no rotation_rate
        Assert.Equal((4, 384L, 97, 100, 10), (r.NvmeCriticalWarning!.Value, r.NvmeMediaErrors!.Value, r.PercentUsed!.Value, r.AvailableSparePercent!.Value, r.AvailableSpareThresholdPercent!.Value));
        Assert.Equal((SelfTestStatus.InProgress, 75), (r.SelfTest, r.SelfTestRemainingPercent!.Value));
        Assert.Equal("Extended self-test in progress", r.SelfTestText);
        Assert.Equal(SmartctlExitBits.DiskFailing, r.ExitBits);
        Assert.Equal("eui.001b4400499602d2", r.Wwn);
        Assert.Equal(500107862016, r.CapacityBytes);
    }

    [Fact]
    public void Reads_a_sas_drive()
    {
        var r = Fixture("smart-sas-hdd.json");
        Assert.Equal((DriveTransport.Sas, "SEAGATE ST4000NM0025", "E002", "0x5000c500a1b2c3d4"), (r.Transport!.Value, r.Model, r.Firmware, r.Wwn));
        Assert.Equal((2L, 0L), (r.GrownDefects!.Value, r.UncorrectedErrors!.Value));
        Assert.Equal(484, r.PollingExtendedMinutes);
        Assert.Equal(SelfTestStatus.Passed, r.SelfTest);
    }

    [Fact]
    public void Reads_pending_sectors_and_a_failed_self_test()
    {
        var r = Fixture("smart-sata-pending-passed.json");
        Assert.True(r.SmartPassed);
        Assert.Equal(SmartctlExitBits.ErrorLogHasErrors | SmartctlExitBits.SelfTestLogHasErrors, r.ExitBits);
        Assert.Equal(SelfTestStatus.Failed, r.SelfTest);
        var failure = r.UnresolvedSelfTestFailure!;
        Assert.Equal(("Completed: read failure", 1953525160L, 44010L), (failure.Status, failure.FirstErrorLba!.Value, failure.LifetimeHours!.Value));
        Assert.Equal(5400, r.RotationRate);
    }

    [Fact]
    public void A_failure_superseded_by_a_later_passing_extended_test_is_not_unresolved()
    {
        var r = Fixture("smart-sata-ssd-old-failure-superseded.json");
        Assert.Null(r.UnresolvedSelfTestFailure);
        Assert.Equal(SelfTestStatus.Failed, r.SelfTestLog[2].Outcome);
        Assert.Equal((2, false), (r.PercentUsed!.Value, r.Rotational!.Value));
    }

    [Theory]
    [InlineData("smart-truncated.json", "truncated")]
    [InlineData("smart-not-json.txt", "not JSON")]
    public void Broken_documents_give_a_problem_not_an_exception(string file, string expected)
    {
        var r = SmartctlParser.Parse(InventoryFixtures.Read(file), 2);
        Assert.Contains(expected, r.Problem);
        Assert.Equal(2, r.ExitStatus);
        Assert.False(r.HasDeviceData);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("null")]
    [InlineData("{\"smartctl\": 5, \"device\": [], \"ata_smart_attributes\": {\"table\": [1, {\"id\": \"x\"}, {\"id\": 5, \"raw\": \"nope\"}]}}")]
    [InlineData("{\"smart_status\": {\"passed\": \"maybe\"}, \"temperature\": {\"current\": \"hot\"}, \"wwn\": {\"naa\": 5}}")]
    public void Odd_documents_never_throw(string? json)
    {
        var r = SmartctlParser.Parse(json);
        Assert.Equal(SmartHealth.Unknown, HealthEvaluator.Evaluate(r).Health);
    }

    [Fact]
    public void Usb_bridge_error_document_has_the_message_and_no_device()
    {
        var r = Fixture("smart-usb-bridge-error.json");
        Assert.False(r.HasDeviceData);
        Assert.Equal(SmartctlExitBits.CommandLine, r.ExitBits);
        Assert.Equal(("error", "/dev/sdj: Unknown USB bridge [0x152d:0x0578 (0x508)]"), (r.Messages[0].Severity, r.Messages[0].Text));
    }

    [Fact]
    public void Sandbox_capture_templates_parse_with_their_transports()
    {
        var dir = Path.Combine(TestPaths.Root, "tests", "testnas", "captures");
        var expected = new Dictionary<string, DriveTransport>
        {
            ["nvme.json"] = DriveTransport.Nvme, ["sas-hdd.json"] = DriveTransport.Sas, ["sata-hdd-seagate.json"] = DriveTransport.Sata,
            ["sata-hdd-wd.json"] = DriveTransport.Sata, ["sata-ssd.json"] = DriveTransport.Sata,
        };
        foreach (var (file, transport) in expected)
        {
            var r = SmartctlParser.Parse(File.ReadAllText(Path.Combine(dir, file)));
            Assert.Null(r.Problem);
            Assert.Equal(transport, r.Transport);
            Assert.NotNull(r.Serial);
            Assert.Equal(SmartHealth.Passed, HealthEvaluator.Evaluate(r).Health);
        }
    }

    // ------------------------------------------------------------------ real captures

    /// <summary>
    /// Every real capture parses, and transport, serial, model and health agree with the capture's own fields.
    /// The expected values are derived here from the raw JSON with simple rules independent of the parser.
    /// </summary>
    [SkippableFact]
    public void Every_real_smartctl_capture_agrees_with_its_own_fields()
    {
        var dir = InventoryFixtures.Shared("smartctl-json", _output);
        Skip.If(dir is null, InventoryFixtures.Missing);
        var files = Directory.GetFiles(dir, "*.json").Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var name = Path.GetFileName(file);
            var text = File.ReadAllText(file);
            var json = JsonNode.Parse(text)!.AsObject();
            var r = SmartctlParser.Parse(text);
            var health = HealthEvaluator.Evaluate(r);
            _output.WriteLine($"{name}: {r.Transport} {r.Model} / {r.Serial} -> {health.Health}: {string.Join(" | ", health.All)}");

            Assert.Null(r.Problem);
            Assert.Equal(json["serial_number"]?.GetValue<string>().Trim(), r.Serial);
            var model = json["model_name"]?.GetValue<string>() ?? json["scsi_model_name"]?.GetValue<string>();
            if (model is not null) Assert.Equal(model.Trim(), r.Model);

            var protocol = json["device"]?["protocol"]?.GetValue<string>();
            var type = json["device"]?["type"]?.GetValue<string>() ?? "";
            var tp = json["scsi_transport_protocol"]?["name"]?.GetValue<string>();
            switch (protocol)
            {
                case null: Assert.Null(r.Transport); break;
                case "NVMe": Assert.Equal(DriveTransport.Nvme, r.Transport); break;
                case "ATA": Assert.Equal(type.StartsWith("usb") || type.StartsWith("snt") ? DriveTransport.Usb : DriveTransport.Sata, r.Transport); break;
                case "SCSI" when tp is not null: Assert.Equal(tp.Contains("SAS") ? DriveTransport.Sas : DriveTransport.Other, r.Transport); break;
                case "SCSI": Assert.True(r.Transport is DriveTransport.Sas or DriveTransport.Other, name); break;
                default: Assert.Fail($"{name}: unexpected protocol {protocol}"); break;
            }

            var passed = json["smart_status"]?["passed"]?.GetValue<bool>();
            if (passed == false) Assert.Equal(SmartHealth.Failed, health.Health);
            else if (passed is null) Assert.Equal(SmartHealth.Unknown, health.Health);
            else if (Evidence(json).Count == 0) Assert.True(health.Health == SmartHealth.Passed, $"{name}: {health.Health} without evidence: {string.Join(" | ", health.Reasons)}");
            else Assert.True(health.Health is SmartHealth.Warning or SmartHealth.Failed, $"{name}: {health.Health} despite {string.Join(", ", Evidence(json))}");
            if (health.Health != SmartHealth.Passed) Assert.NotEmpty(health.All);
        }
    }

    /// <summary>Why a capture that says PASSED should still not be Passed, read straight from the JSON.</summary>
    private static List<string> Evidence(JsonObject json)
    {
        var e = new List<string>();
        foreach (var a in json["ata_smart_attributes"]?["table"]?.AsArray() ?? new JsonArray())
        {
            var id = a!["id"]!.GetValue<int>();
            if (id is 5 or 187 or 197 or 198 or 199 && a["raw"]!["value"]!.GetValue<long>() > 0) e.Add($"attribute {id}");
            if ((a["when_failed"]?.GetValue<string>() ?? "") != "") e.Add($"attribute {id} failed");
        }
        var nvme = json["nvme_smart_health_information_log"];
        if (nvme?["critical_warning"]?.GetValue<int>() > 0) e.Add("critical warning");
        if (nvme?["media_errors"]?.GetValue<long>() > 0) e.Add("media errors");
        if (nvme?["percentage_used"]?.GetValue<int>() >= 90) e.Add("endurance");
        if (json["scsi_grown_defect_list"]?.GetValue<long>() > 0) e.Add("grown defects");
        if ((json["smartctl"]?["exit_status"]?.GetValue<int>() ?? 0) >= 8) e.Add("exit bits 3-7");
        if (json["temperature"]?["current"]?.GetValue<int>() >= HealthThresholds.Default.TemperatureLimitC) e.Add("temperature");
        return e;
    }

    [SkippableFact]
    public void Real_captures_hand_checked_against_their_provenance()
    {
        var dir = InventoryFixtures.Shared("smartctl-json", _output);
        Skip.If(dir is null, InventoryFixtures.Missing);
        SmartReport Capture(string prefix) => SmartctlParser.Parse(File.ReadAllText(Directory.GetFiles(dir, prefix + "*.json").Single()));

        // "FAILING: smart_status.passed=false, Reallocated_Sector_Ct raw 1975, Current_Pending_Sector 8, read-failure self-tests"
        var hitachi = Capture("sat-usbjmicron_Hitachi");
        var verdict = HealthEvaluator.Evaluate(hitachi);
        Assert.Equal(SmartHealth.Failed, verdict.Health);
        Assert.Equal((DriveTransport.Usb, 1975L, 8L), (hitachi.Transport!.Value, hitachi.ReallocatedSectors!.Value, hitachi.PendingSectors!.Value));
        Assert.Contains(verdict.Reasons, x => x.Contains("FAILED"));
        Assert.Contains(verdict.Reasons, x => x.Contains("read failure"));
        Assert.Contains(verdict.Reasons, x => x.Contains("Attribute 5 Reallocated_Sector_Ct is at or below its failure threshold now"));

        // "in progress, 10% remaining", 14 TB, extended 1479 minutes
        var wd14 = Capture("sat_WDC_WD140EDFZ");
        Assert.Equal((SelfTestStatus.InProgress, 10, 1479), (wd14.SelfTest, wd14.SelfTestRemainingPercent!.Value, wd14.PollingExtendedMinutes!.Value));
        Assert.Equal(SmartHealth.Passed, HealthEvaluator.Evaluate(wd14).Health);

        Assert.Equal(DriveTransport.Sas, Capture("scsi_SEAGATE_ST1200MM0088").Transport); // smartctl 6.7: no transport field
        Assert.Equal(DriveTransport.Other, Capture("scsi_HP_MAS3735NC").Transport);      // parallel SCSI
        Assert.Equal(DriveTransport.Other, Capture("scsi_QEMU").Transport);
        Assert.Equal(DriveTransport.Other, Capture("scsi_Intel_RAID1").Transport);
        Assert.Equal(DriveTransport.Sata, Capture("sat+megaraid14").Transport);

        Assert.Equal(SmartHealth.Unknown, HealthEvaluator.Evaluate(Capture("scsi_QEMU")).Health);
        Assert.Equal(SmartHealth.Unknown, HealthEvaluator.Evaluate(Capture("sat_VBOX")).Health);
        var usb = HealthEvaluator.Evaluate(Capture("error_unknown-usb-bridge"));
        Assert.Equal(SmartHealth.Unknown, usb.Health);
        Assert.Contains(usb.Reasons, x => x.Contains("Unknown USB bridge"));
        Assert.Contains(HealthEvaluator.Evaluate(Capture("error_windows_open-failed")).Reasons, x => x.Contains("Open failed"));

        Assert.Equal(SmartHealth.Warning, HealthEvaluator.Evaluate(Capture("nvme_Samsung_970EVO")).Health);       // media errors 7
        Assert.Equal(SmartHealth.Warning, HealthEvaluator.Evaluate(Capture("sat+megaraid1_")).Health);            // realloc 387
        Assert.Equal(SmartHealth.Warning, HealthEvaluator.Evaluate(Capture("sat_ST3500418AS")).Health);           // realloc 304
        Assert.Equal(SmartHealth.Warning, HealthEvaluator.Evaluate(Capture("sat_WDC_WUH721816")).Health);         // error log, exit 64
        Assert.Equal(SmartHealth.Passed, HealthEvaluator.Evaluate(Capture("sat+megaraid0_")).Health);             // exit 4, attribute check
        Assert.Equal(SmartHealth.Passed, HealthEvaluator.Evaluate(Capture("sat_Kingston")).Health);               // exit 4
        var hynix = HealthEvaluator.Evaluate(Capture("nvme_SKhynix"));
        Assert.Equal(SmartHealth.Passed, hynix.Health);                                                             // exit 4: a log read failed, not the drive
        Assert.Contains(hynix.Notes, n => n.Contains("Read Error Information Log failed"));
        var p3700 = Capture("nvme_Intel_P3700");
        Assert.Equal((51, SmartHealth.Passed), (p3700.PercentUsed!.Value, HealthEvaluator.Evaluate(p3700).Health));
        Assert.Equal("0x5000cca37fca81a8", hitachi.Wwn); // naa 5, oui 3274, id 15028879784
    }
}
