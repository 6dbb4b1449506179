using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace NasBurnin.Engine.Inventory;

/// <summary>
/// Reads <c>smartctl -j</c> documents (6.7 to 7.5) for ATA/SAT, SCSI/SAS, NVMe and USB bridges into a
/// <see cref="SmartReport"/>. Never throws: an empty, truncated or non-JSON document gives a report whose
/// <see cref="SmartReport.Problem"/> says so, and missing keys stay null.
/// </summary>
public static class SmartctlParser
{
    private static readonly Regex LeadingInteger = new(@"^\s*(?<n>[0-9]+)", RegexOptions.CultureInvariant);

    // Drive makers whose SCSI-protocol disks are SAS, for old smartctl (6.x) that does not print the transport.
    private static readonly string[] SasVendors =
    {
        "SEAGATE", "HGST", "HITACHI", "TOSHIBA", "WDC", "WD", "SAMSUNG", "IBM", "DELL", "NETAPP", "LENOVO",
        "KIOXIA", "MICRON", "SANDISK", "FUJITSU", "HP", "HPE",
    };

    /// <summary>Parses one document; <paramref name="exitCode"/> is the shell's exit code when the JSON lacks one.</summary>
    public static SmartReport Parse(string? json, int? exitCode = null)
    {
        using var doc = JsonRead.TryParse(json, out var problem);
        if (doc is null || doc.RootElement.ValueKind != JsonValueKind.Object)
            return new SmartReport { Problem = problem ?? "the JSON is not an object", ExitStatus = exitCode };
        var r = doc.RootElement;
        var attributes = Attributes(r, IsSeagate(r));
        return WithSelfTests(WithCounters(Identity(r, exitCode), r, attributes), r);
    }

    /// <summary>smartctl itself, the device, its identity, SMART support and verdict, and its power mode.</summary>
    private static SmartReport Identity(JsonElement r, int? exitCode)
    {
        var smartctl = r.Get("smartctl");
        var messages = smartctl.Get("messages").Items()
            .Select(m => new SmartctlMessage(((JsonElement?)m).Get("severity").Text() ?? "information", ((JsonElement?)m).Get("string").Text() ?? ""))
            .Where(m => m.Text.Length > 0)
            .ToList();
        var version = smartctl.Get("version").Items().Select(v => ((JsonElement?)v).Long()).ToList();
        var device = r.Get("device");
        var type = device.Get("type").Text()?.ToLowerInvariant();
        var protocol = device.Get("protocol").Text();
        return new SmartReport
        {
            ExitStatus = smartctl.Get("exit_status").Int() ?? exitCode,
            Messages = messages,
            SmartctlVersion = version.Count > 0 && version.All(v => v is not null) ? string.Join('.', version) : null,
            DeviceName = device.Get("name").Text(),
            DeviceType = type,
            Protocol = protocol,
            Transport = TransportOf(r, type, protocol),
            Model = r.Get("model_name").Text() ?? r.Get("scsi_model_name").Text() ?? Join(r.Get("vendor").Text(), r.Get("product").Text()),
            ModelFamily = r.Get("model_family").Text(),
            Serial = r.Get("serial_number").Text(),
            Wwn = Wwn(r),
            Firmware = r.Get("firmware_version").Text() ?? r.Get("revision").Text() ?? r.Get("scsi_revision").Text(),
            CapacityBytes = r.Path("user_capacity", "bytes").Long() ?? r.Get("nvme_total_capacity").Long(),
            RotationRate = r.Get("rotation_rate").Int(),
            PhysicalBlockSize = r.Get("physical_block_size").Int(),
            SmartAvailable = r.Path("smart_support", "available").Bool(),
            SmartEnabled = r.Path("smart_support", "enabled").Bool(),
            SmartPassed = r.Path("smart_status", "passed").Bool(),
            PowerMode = PowerModeOf(r, messages),
        };
    }

    /// <summary>Temperature, hours, the counters health is judged on, NVMe health and endurance.</summary>
    private static SmartReport WithCounters(SmartReport report, JsonElement r, List<SmartAttribute> attributes)
    {
        long? Attr(int id) => attributes.FirstOrDefault(a => a.Id == id)?.Counter;
        var nvme = r.Get("nvme_smart_health_information_log");
        return report with
        {
            // A device without a sensor reports 0 (iSCSI LUNs, virtual disks): that is no temperature.
            TemperatureC = Positive(r.Path("temperature", "current").Int())
                ?? Positive(nvme.Get("temperature").Int())
                ?? Positive((int?)(attributes.FirstOrDefault(a => a.Id is 194 or 190)?.Raw & 0xFF)),
            PowerOnHours = r.Path("power_on_time", "hours").Long() ?? nvme.Get("power_on_hours").Long() ?? Attr(9),
            PowerCycles = r.Get("power_cycle_count").Long() ?? nvme.Get("power_cycles").Long() ?? Attr(12),
            Attributes = attributes,
            ReallocatedSectors = Attr(5),
            ReallocatedEvents = Attr(196),
            PendingSectors = Attr(197),
            OfflineUncorrectable = Attr(198),
            CrcErrors = Attr(199),
            ReportedUncorrect = Attr(187),
            CommandTimeouts = Attr(188),
            GrownDefects = r.Get("scsi_grown_defect_list").Long(),
            UncorrectedErrors = ScsiUncorrected(r),
            NvmeCriticalWarning = nvme.Get("critical_warning").Int(),
            NvmeMediaErrors = nvme.Get("media_errors").Long(),
            NvmeErrorLogEntries = nvme.Get("num_err_log_entries").Long(),
            AvailableSparePercent = nvme.Get("available_spare").Int(),
            AvailableSpareThresholdPercent = nvme.Get("available_spare_threshold").Int(),
            PercentUsed = nvme.Get("percentage_used").Int() ?? r.Get("scsi_percentage_used_endurance_indicator").Int() ?? AtaPercentUsed(r),
        };
    }

    /// <summary>The self-test state and log, and the drive's own self-test durations.</summary>
    private static SmartReport WithSelfTests(SmartReport report, JsonElement r)
    {
        var selfTests = SelfTests(r);
        var polling = r.Path("ata_smart_data", "self_test", "polling_minutes");
        var scsiLongSeconds = r.Get("scsi_extended_self_test_seconds").Long();
        return report with
        {
            SelfTest = selfTests.Status,
            SelfTestRemainingPercent = selfTests.Remaining,
            SelfTestText = selfTests.Text,
            HasSelfTestLog = selfTests.HasLog,
            SelfTestLog = selfTests.Log,
            PollingShortMinutes = polling.Get("short").Int(),
            PollingExtendedMinutes = polling.Get("extended").Int() ?? (scsiLongSeconds is { } s and > 0 ? (int)Math.Ceiling(s / 60.0) : null),
            PollingConveyanceMinutes = polling.Get("conveyance").Int(),
            ConveyanceSupported = r.Path("ata_smart_data", "capabilities", "conveyance_self_test_supported").Bool(),
        };
    }

    // ------------------------------------------------------------------ power mode

    // ataprint.cpp / scsiprint.cpp, with -n: jinf("Device is in %s mode, exit(%d)") (severity information),
    // and for a disk the OS has spun down "/dev/sdX: Device is in STANDBY (OS) mode, exit(2)".
    private static readonly Regex LowPowerMessage = new(@"Device is in (?<mode>[A-Z_]+)(?: \(OS\))? mode", RegexOptions.CultureInvariant);

    /// <summary>
    /// The power mode smartctl reported: with <c>-n standby</c> a drive in standby or sleep is not read at all
    /// and the answer says which mode it is in (a message, and from smartctl 7.5 <c>power_mode.ata_value</c>, the
    /// ATA CHECK POWER MODE count: 0x00-0x01 standby, 0x80-0x83 idle, 0x40, 0x41 and 0xff active). Unknown when it
    /// says nothing, as on every read of an active drive with smartctl 7.3.
    /// </summary>
    private static DrivePowerMode PowerModeOf(JsonElement r, IReadOnlyList<SmartctlMessage> messages)
    {
        foreach (var m in messages)
        {
            if (LowPowerMessage.Match(m.Text) is not { Success: true } match) continue;
            var mode = match.Groups["mode"].Value;
            if (mode.StartsWith("SLEEP", StringComparison.Ordinal)) return DrivePowerMode.Sleep;
            if (mode.StartsWith("IDLE", StringComparison.Ordinal)) return DrivePowerMode.Idle;
            if (mode.StartsWith("ACTIVE", StringComparison.Ordinal)) return DrivePowerMode.Active;
            return DrivePowerMode.Standby;
        }
        return r.Path("power_mode", "ata_value").Int() switch
        {
            0x00 or 0x01 => DrivePowerMode.Standby,
            >= 0x80 and <= 0x83 => DrivePowerMode.Idle,
            0x40 or 0x41 or 0xff => DrivePowerMode.Active,
            _ => DrivePowerMode.Unknown,
        };
    }

    private static string? Join(string? a, string? b) => a is null ? b : b is null ? a : a + " " + b;

    private static int? Positive(int? v) => v is > 0 ? v : null;

    // ------------------------------------------------------------------ transport and identity

    private static DriveTransport? TransportOf(JsonElement r, string? type, string? protocol)
    {
        var info = r.Path("device", "info_name").Text() ?? "";
        if (type is not null && (type.StartsWith("usb", StringComparison.Ordinal) || type.StartsWith("snt", StringComparison.Ordinal)))
            return DriveTransport.Usb;
        if (info.Contains("[USB", StringComparison.OrdinalIgnoreCase)) return DriveTransport.Usb;
        switch (protocol?.ToUpperInvariant())
        {
            case "NVME": return DriveTransport.Nvme;
            case "ATA": return DriveTransport.Sata;
            case "SCSI":
                var tp = r.Path("scsi_transport_protocol", "name").Text();
                if (tp is not null) return tp.Contains("SAS", StringComparison.OrdinalIgnoreCase) ? DriveTransport.Sas : DriveTransport.Other;
                return LooksLikeSasDrive(r) ? DriveTransport.Sas : DriveTransport.Other;
        }
        return type switch
        {
            "nvme" => DriveTransport.Nvme,
            "sat" or "ata" => DriveTransport.Sata,
            _ => null,
        };
    }

    /// <summary>
    /// Old smartctl (6.x) prints no transport for SCSI devices. A disk from a drive maker that speaks SPC-3 or
    /// later and reports health is a SAS drive in practice (parallel SCSI ended with SPC-2 era drives);
    /// RAID volumes and emulated disks (QEMU, Intel RST) do not match. lsblk's TRAN overrides this on a live host.
    /// </summary>
    private static bool LooksLikeSasDrive(JsonElement r)
    {
        var vendor = (r.Get("vendor").Text() ?? r.Get("scsi_vendor").Text() ?? "").ToUpperInvariant();
        var spc = r.Get("scsi_version").Text() ?? "";
        var word = vendor.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";
        return SasVendors.Contains(word) && spc.StartsWith("SPC-", StringComparison.Ordinal) &&
               int.TryParse(spc[4..], NumberStyles.None, CultureInfo.InvariantCulture, out var level) && level >= 3 &&
               r.Get("smart_status") is not null;
    }

    /// <summary>ATA WWN as lsblk prints it ("0x5000cca37fd5c6a8"); SCSI logical unit id; NVMe EUI-64 as "eui.…".</summary>
    private static string? Wwn(JsonElement r)
    {
        var w = r.Get("wwn");
        if (w.Get("naa").Long() is { } naa && w.Get("oui").Long() is { } oui && w.Get("id").Long() is { } id)
            return string.Create(CultureInfo.InvariantCulture, $"0x{naa:x1}{oui:x6}{id:x9}");
        if (r.Get("logical_unit_id").Text() is { } lu) return NormalizeWwn(lu);
        var eui = r.Get("nvme_namespaces").Items().Select(n => ((JsonElement?)n).Get("eui64")).FirstOrDefault(e => e is not null);
        if (eui.Get("oui").Long() is { } eo && eui.Get("ext_id").Long() is { } ext && (eo != 0 || ext != 0))
            return string.Create(CultureInfo.InvariantCulture, $"eui.{eo:x6}{ext:x10}");
        return null;
    }

    /// <summary>Lower case; "naa.5000…" becomes "0x5000…" so lsblk's and smartctl's spellings compare equal.</summary>
    public static string? NormalizeWwn(string? wwn)
    {
        var s = wwn?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(s)) return null;
        if (s.StartsWith("naa.", StringComparison.Ordinal)) s = "0x" + s[4..];
        return s;
    }

    private static bool IsSeagate(JsonElement r)
    {
        var family = r.Get("model_family").Text() ?? "";
        var model = r.Get("model_name").Text() ?? "";
        return family.Contains("Seagate", StringComparison.OrdinalIgnoreCase) ||
               Regex.IsMatch(model, @"^ST[0-9]", RegexOptions.CultureInvariant) ||
               r.Path("wwn", "oui").Long() == 0x000c50;
    }

    // ------------------------------------------------------------------ attributes

    private static List<SmartAttribute> Attributes(JsonElement r, bool seagate)
    {
        var list = new List<SmartAttribute>();
        foreach (var a in r.Path("ata_smart_attributes", "table").Items())
        {
            JsonElement? e = a;
            if (e.Get("id").Int() is not { } id) continue;
            var raw = e.Path2("raw", "value").Long();
            var rawString = e.Path2("raw", "string").Text();
            list.Add(new SmartAttribute(
                id, e.Get("name").Text() ?? "", e.Get("value").Int(), e.Get("worst").Int(), e.Get("thresh").Int(),
                raw, rawString, Counter(id, raw, rawString, seagate), e.Get("when_failed").Text(),
                e.Path2("flags", "prefailure").Bool() ?? (e.Path2("flags", "string").Text()?.StartsWith('P') ?? false)));
        }
        return list;
    }

    /// <summary>
    /// The raw value as a count. Seagate packs 48-bit raws: attributes 1, 7 and 195 hold an error count in bits
    /// 32-47 over an operation count in bits 0-31, and 188 holds three 16-bit counters of which the low one is the
    /// timeouts. Elsewhere smartctl's own rendering leads ("25 (Min/Max 19/39)" is 25), else the raw value.
    /// </summary>
    internal static long? Counter(int id, long? raw, string? rawString, bool seagate)
    {
        if (seagate && raw is { } v)
        {
            switch (id)
            {
                case 1 or 7 or 195: return (v >> 32) & 0xFFFF;
                case 188: return v & 0xFFFF;
            }
        }
        if (rawString is not null && LeadingInteger.Match(rawString) is { Success: true } m &&
            long.TryParse(m.Groups["n"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            return n;
        return raw;
    }

    private static long? ScsiUncorrected(JsonElement r)
    {
        var log = r.Get("scsi_error_counter_log");
        if (log is null) return null;
        long? sum = null;
        foreach (var k in new[] { "read", "write", "verify" })
            if (log.Get(k).Get("total_uncorrected_errors").Long() is { } n) sum = (sum ?? 0) + n;
        return sum;
    }

    private static int? AtaPercentUsed(JsonElement r)
    {
        foreach (var page in r.Path("ata_device_statistics", "pages").Items())
            foreach (var row in ((JsonElement?)page).Get("table").Items())
                if (((JsonElement?)row).Get("name").Text() is { } n && n.StartsWith("Percentage Used", StringComparison.OrdinalIgnoreCase))
                    return ((JsonElement?)row).Get("value").Int();
        return null;
    }

    // ------------------------------------------------------------------ self-tests

    /// <summary>What a document says about self-tests: one running now (with what is left), and the log, newest first.</summary>
    private sealed class SelfTestRead
    {
        public List<SelfTestEntry> Log { get; } = new();
        public bool HasLog { get; set; }
        public bool Running { get; set; }
        public int? Remaining { get; set; }
        public string? Text { get; set; }
        /// <summary>The ATA execution status byte's outcome of the last test, for drives that print no log.</summary>
        public SelfTestStatus? LastFromStatus { get; set; }

        public SelfTestStatus Status =>
            Running ? SelfTestStatus.InProgress
            : Log.Count > 0 ? Log[0].Outcome
            : HasLog ? (LastFromStatus is SelfTestStatus.Failed or SelfTestStatus.Aborted ? LastFromStatus.Value : SelfTestStatus.None)
            : LastFromStatus ?? SelfTestStatus.Unknown;
    }

    private static SelfTestRead SelfTests(JsonElement r)
    {
        var read = new SelfTestRead();
        ReadAtaStatus(r, read);
        ReadAtaLog(r, read);
        ReadNvmeSelfTests(r, read);
        ReadScsiSelfTests(r, read);
        if (!read.Running) read.Remaining = null;
        return read;
    }

    /// <summary>ATA: the self-test execution status byte (high nibble 15 while a test runs).</summary>
    private static void ReadAtaStatus(JsonElement r, SelfTestRead read)
    {
        if (r.Path("ata_smart_data", "self_test", "status") is not { } st) return;
        JsonElement? s = st;
        var value = s.Get("value").Int() ?? 0;
        read.Text = s.Get("string").Text();
        var code = (value >> 4) & 0xF;
        if (code == 0xF)
        {
            read.Running = true;
            read.Remaining = s.Get("remaining_percent").Int() ?? (value & 0xF) * 10;
        }
        else read.LastFromStatus = AtaOutcome(code, s.Get("passed").Bool());
    }

    /// <summary>ATA: the extended (GP) log where -x printed one, else the standard one.</summary>
    private static void ReadAtaLog(JsonElement r, SelfTestRead read)
    {
        var ataLog = r.Path("ata_smart_self_test_log", "extended") ?? r.Path("ata_smart_self_test_log", "standard");
        if (ataLog is null) return;
        read.HasLog = true;
        foreach (var row in ataLog.Get("table").Items())
        {
            JsonElement? e = row;
            var sv = e.Path2("status", "value").Int() ?? 0;
            read.Log.Add(new SelfTestEntry(
                e.Path2("type", "string").Text() ?? "?",
                AtaOutcome((sv >> 4) & 0xF, e.Path2("status", "passed").Bool()),
                e.Path2("status", "string").Text() ?? "",
                e.Get("lifetime_hours").Long(),
                e.Get("lba").Long(),
                e.Path2("status", "remaining_percent").Int()));
        }
    }

    /// <summary>NVMe (smartctl 7.4+ prints the log for 7.3 too): the current operation and the log.</summary>
    private static void ReadNvmeSelfTests(JsonElement r, SelfTestRead read)
    {
        if (r.Get("nvme_self_test_log") is not { } nlog) return;
        JsonElement? n = nlog;
        read.HasLog = n.Get("table") is not null || read.HasLog;
        if (n.Path2("current_self_test_operation", "value").Int() is { } op && op != 0)
        {
            read.Running = true;
            read.Remaining = n.Get("current_self_test_completion_percent").Int() is { } done ? 100 - done : null;
            read.Text = n.Path2("current_self_test_operation", "string").Text();
        }
        else read.Text ??= n.Path2("current_self_test_operation", "string").Text();
        foreach (var row in n.Get("table").Items())
        {
            JsonElement? e = row;
            var result = e.Path2("self_test_result", "value").Int() ?? -1;
            read.Log.Add(new SelfTestEntry(
                e.Path2("self_test_code", "string").Text() ?? "?",
                result switch { 0 => SelfTestStatus.Passed, 1 or 2 or 3 or 4 or 8 or 9 => SelfTestStatus.Aborted, 5 or 6 or 7 => SelfTestStatus.Failed, _ => SelfTestStatus.Unknown },
                e.Path2("self_test_result", "string").Text() ?? "",
                e.Get("power_on_hours").Long(),
                e.Get("lba").Long(),
                null));
        }
    }

    /// <summary>SCSI: scsi_self_test_0 (newest) .. scsi_self_test_19; a running test is entry 0 "in progress".</summary>
    private static void ReadScsiSelfTests(JsonElement r, SelfTestRead read)
    {
        for (var i = 0; i < 20 && r.Get($"scsi_self_test_{i}") is { } sst; i++)
        {
            JsonElement? e = sst;
            read.HasLog = true;
            var outcome = (e.Path2("result", "value").Int() ?? -1) switch
            {
                0 => SelfTestStatus.Passed,
                1 or 2 => SelfTestStatus.Aborted,
                >= 3 and <= 7 => SelfTestStatus.Failed,
                15 => SelfTestStatus.InProgress,
                _ => SelfTestStatus.Unknown,
            };
            if (i == 0 && outcome == SelfTestStatus.InProgress)
            {
                read.Running = true;
                read.Text = e.Path2("result", "string").Text();
                continue;
            }
            read.Log.Add(new SelfTestEntry(
                e.Path2("code", "string").Text() ?? "?", outcome, e.Path2("result", "string").Text() ?? "",
                e.Path2("power_on_time", "hours").Long(),
                e.Get("lba_first_failure").Long() ?? e.Get("failed_lba").Long() ?? e.Get("lba").Long(),
                null));
        }
    }

    /// <summary>ATA self-test status nibble: 0 ok, 1-2 aborted/interrupted, 3-8 failures, 15 running.</summary>
    private static SelfTestStatus AtaOutcome(int code, bool? passed) => code switch
    {
        0 => SelfTestStatus.Passed,
        1 or 2 => SelfTestStatus.Aborted,
        >= 3 and <= 8 => SelfTestStatus.Failed,
        15 => SelfTestStatus.InProgress,
        _ => passed switch { true => SelfTestStatus.Passed, false => SelfTestStatus.Failed, _ => SelfTestStatus.Unknown },
    };

    private static JsonElement? Path2(this JsonElement? e, string a, string b) => e.Get(a).Get(b);
}
