namespace NasBurnin.Engine.Inventory;

/// <summary>smartctl's exit status bits (smartctl(8) "RETURN VALUES").</summary>
[Flags]
public enum SmartctlExitBits
{
    None = 0,
    /// <summary>Bit 0: the command line did not parse (also an unknown USB bridge).</summary>
    CommandLine = 1,
    /// <summary>Bit 1: the device could not be opened, or is in a low-power mode smartctl was told to skip.</summary>
    DeviceOpenFailed = 2,
    /// <summary>Bit 2: some SMART or ATA command failed, or a checksum error in a SMART data structure.</summary>
    SmartCommandFailed = 4,
    /// <summary>Bit 3: SMART status check returned "DISK FAILING".</summary>
    DiskFailing = 8,
    /// <summary>Bit 4: prefail attributes at or below their threshold.</summary>
    PrefailAtThreshold = 16,
    /// <summary>Bit 5: some attributes have been at or below their threshold in the past.</summary>
    AttributesAtThresholdInPast = 32,
    /// <summary>Bit 6: the device error log has errors.</summary>
    ErrorLogHasErrors = 64,
    /// <summary>Bit 7: the self-test log has errors (failures a later extended test did not supersede).</summary>
    SelfTestLogHasErrors = 128,
}

/// <summary>One ATA SMART attribute. <see cref="Counter"/> is the raw value decoded for judging (Seagate packing undone).</summary>
public sealed record SmartAttribute(
    int Id, string Name, int? Value, int? Worst, int? Threshold, long? Raw, string? RawString,
    long? Counter, string? WhenFailed, bool Prefailure);

/// <summary>One self-test log entry, newest first in <see cref="SmartReport.SelfTestLog"/>.</summary>
public sealed record SelfTestEntry(
    string Type, SelfTestStatus Outcome, string Status, long? LifetimeHours, long? FirstErrorLba, int? RemainingPercent)
{
    /// <summary>Extended (long) tests: a passing one supersedes older failures, as smartctl's exit bit 7 does.</summary>
    public bool IsExtended =>
        Type.Contains("extended", StringComparison.OrdinalIgnoreCase) || Type.Contains("long", StringComparison.OrdinalIgnoreCase);
}

public sealed record SmartctlMessage(string Severity, string Text);

/// <summary>
/// Everything NasBurnin reads from one <c>smartctl -j -x</c> document. Fields are null when the document does
/// not have them. <see cref="Problem"/> is set when there is no usable document at all.
/// </summary>
public sealed record SmartReport
{
    /// <summary>Why there is no usable document (not JSON, truncated, empty), or null.</summary>
    public string? Problem { get; init; }
    public int? ExitStatus { get; init; }
    public SmartctlExitBits ExitBits => (SmartctlExitBits)((ExitStatus ?? 0) & 0xFF);
    public IReadOnlyList<SmartctlMessage> Messages { get; init; } = Array.Empty<SmartctlMessage>();
    public string? SmartctlVersion { get; init; }

    public string? DeviceName { get; init; }
    public string? DeviceType { get; init; }
    public string? Protocol { get; init; }
    /// <summary>From the document alone; the inventory also looks at lsblk's TRAN (USB bridges often read as "sat").</summary>
    public DriveTransport? Transport { get; init; }
    public string? Model { get; init; }
    public string? ModelFamily { get; init; }
    public string? Serial { get; init; }
    public string? Wwn { get; init; }
    public string? Firmware { get; init; }
    public long? CapacityBytes { get; init; }
    public int? RotationRate { get; init; }
    /// <summary>Physical sector size (4096 on 512e and 4Kn drives); badblocks' block size starts from it.</summary>
    public int? PhysicalBlockSize { get; init; }
    public bool? Rotational => RotationRate is { } r ? r > 0 : null;

    public bool? SmartAvailable { get; init; }
    public bool? SmartEnabled { get; init; }
    /// <summary>smartctl's overall-health self-assessment; null when it could not tell.</summary>
    public bool? SmartPassed { get; init; }

    public int? TemperatureC { get; init; }
    public long? PowerOnHours { get; init; }
    public long? PowerCycles { get; init; }

    public IReadOnlyList<SmartAttribute> Attributes { get; init; } = Array.Empty<SmartAttribute>();
    public long? ReallocatedSectors { get; init; }
    public long? ReallocatedEvents { get; init; }
    public long? PendingSectors { get; init; }
    public long? OfflineUncorrectable { get; init; }
    public long? CrcErrors { get; init; }
    public long? ReportedUncorrect { get; init; }
    /// <summary>Attribute 188, decoded (Seagate packs three 16-bit counters into it).</summary>
    public long? CommandTimeouts { get; init; }

    /// <summary>SCSI/SAS grown defect list.</summary>
    public long? GrownDefects { get; init; }
    /// <summary>SCSI/SAS read + write + verify total uncorrected errors.</summary>
    public long? UncorrectedErrors { get; init; }

    public int? NvmeCriticalWarning { get; init; }
    public long? NvmeMediaErrors { get; init; }
    public long? NvmeErrorLogEntries { get; init; }
    public int? AvailableSparePercent { get; init; }
    public int? AvailableSpareThresholdPercent { get; init; }
    /// <summary>Endurance used: NVMe percentage_used, the SCSI indicator, or ATA device statistics.</summary>
    public int? PercentUsed { get; init; }

    public SelfTestStatus SelfTest { get; init; }
    public int? SelfTestRemainingPercent { get; init; }
    /// <summary>The self-test state as the drive words it ("in progress, 10% remaining").</summary>
    public string? SelfTestText { get; init; }
    /// <summary>True when the document carries a self-test log (even an empty one).</summary>
    public bool HasSelfTestLog { get; init; }
    public IReadOnlyList<SelfTestEntry> SelfTestLog { get; init; } = Array.Empty<SelfTestEntry>();

    public int? PollingShortMinutes { get; init; }
    public int? PollingExtendedMinutes { get; init; }
    public int? PollingConveyanceMinutes { get; init; }
    public bool? ConveyanceSupported { get; init; }

    /// <summary>What smartctl said about the drive's power mode (Unknown when it said nothing).</summary>
    public DrivePowerMode PowerMode { get; init; }

    /// <summary>Did smartctl reach the device and identify it?</summary>
    public bool HasDeviceData => Model is not null || Serial is not null || SmartPassed is not null || CapacityBytes is not null;

    /// <summary>
    /// smartctl -n left the drive alone because it was in a low-power mode ("Device is in STANDBY mode, exit(2)":
    /// exit bit 1, or the status given with -n MODE,N): nothing was read, and nothing is wrong with the drive.
    /// </summary>
    public bool NotReadInLowPower =>
        PowerMode is DrivePowerMode.Standby or DrivePowerMode.Sleep or DrivePowerMode.Idle && (ExitStatus ?? 0) != 0 && !HasDeviceData;

    /// <summary>The newest failed self-test that no later passing extended test superseded, if any.</summary>
    public SelfTestEntry? UnresolvedSelfTestFailure
    {
        get
        {
            foreach (var e in SelfTestLog)
            {
                if (e.Outcome == SelfTestStatus.Failed) return e;
                if (e.Outcome == SelfTestStatus.Passed && e.IsExtended) return null;
            }
            return null;
        }
    }
}
