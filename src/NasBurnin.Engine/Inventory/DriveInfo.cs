namespace NasBurnin.Engine.Inventory;

/// <summary>
/// A pool a drive (or one of its partitions) belongs to: <see cref="Device"/> is the name zpool gave it, and
/// <see cref="Detail"/> what else tells the story ("was /dev/sdb1", "in use in spare-0", "found by its ZFS label").
/// </summary>
public sealed record PoolMembership(string Pool, PoolRole Role, string Device, string? Vdev, string? State)
{
    public string? Detail { get; init; }
}

/// <summary>
/// One whole disk on one host, as the inventory saw it: identity, attachment, what it is used for, and
/// its SMART health with reasons. Built live by <see cref="InventoryBuilder"/> or read back by
/// <see cref="DriveRepository"/> (then <see cref="Id"/>, <see cref="FirstSeenAt"/>, <see cref="LastSeenAt"/> are set).
/// </summary>
public sealed record DriveInfo
{
    public long? Id { get; init; }
    public required string HostName { get; init; }
    /// <summary>/dev/KNAME, validated.</summary>
    public required string Device { get; init; }
    public required string KernelName { get; init; }
    public string? ByIdPath { get; init; }
    /// <summary>Stable key: model + serial + WWN (see <see cref="DriveIdentity"/>); a host+device fallback when the drive has neither serial nor WWN.</summary>
    public required string Identity { get; init; }
    /// <summary>False when the drive has no serial and no WWN, so <see cref="Identity"/> follows the device name.</summary>
    public bool IdentityStable { get; init; } = true;

    public string? Serial { get; init; }
    public string? Wwn { get; init; }
    public string? Model { get; init; }
    public string? Firmware { get; init; }
    public long? CapacityBytes { get; init; }
    public DriveTransport Transport { get; init; }
    public bool? Rotational { get; init; }

    public DriveRole Role { get; init; }
    /// <summary>Why the drive has its role ("holds / on /dev/sda2", "member of pool tank (mirror-0)").</summary>
    public IReadOnlyList<string> RoleReasons { get; init; } = Array.Empty<string>();
    public string? PoolName { get; init; }
    public PoolRole? PoolRole { get; init; }
    public IReadOnlyList<PoolMembership> Pools { get; init; } = Array.Empty<PoolMembership>();
    public IReadOnlyList<string> Mountpoints { get; init; } = Array.Empty<string>();

    public SmartHealth SmartHealth { get; init; }
    public int? TemperatureC { get; init; }
    public long? PowerOnHours { get; init; }
    public long? ReallocatedSectors { get; init; }
    public long? PendingSectors { get; init; }
    public long? OfflineUncorrectable { get; init; }
    public long? CrcErrors { get; init; }
    public int? NvmeCriticalWarning { get; init; }
    public long? NvmeMediaErrors { get; init; }
    public int? PercentUsed { get; init; }
    public SelfTestStatus SelfTestStatus { get; init; }
    public int? SelfTestRemainingPercent { get; init; }

    /// <summary>Health reasons first, then notes about how the drive was read (no SMART, duplicate paths…).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = Array.Empty<string>();

    /// <summary>The drive's power mode at this inventory (Standby or Sleep: it was left asleep and not read).</summary>
    public DrivePowerMode PowerMode { get; init; }
    /// <summary>
    /// True when smartctl -n standby left the drive alone because it was asleep: its SMART values, health and warnings
    /// are the last ones read (the store merges them in), from <see cref="SmartReadAt"/>.
    /// </summary>
    public bool Asleep { get; init; }
    /// <summary>When the SMART values shown were read (earlier than the inventory for a drive that was asleep).</summary>
    public DateTimeOffset? SmartReadAt { get; init; }
    /// <summary>smartctl's device type (sat, scsi, nvme, a USB bridge's), given back as <c>-d</c> on the next inventory.</summary>
    public string? SmartDeviceType { get; init; }

    /// <summary>The parsed SMART document (self-test log, polling minutes, attributes) for burn-in; null without one.</summary>
    public SmartReport? Smart { get; init; }
    /// <summary>The smartctl JSON as the host printed it; the store keeps it compacted.</summary>
    public string? SmartJson { get; init; }

    public DateTimeOffset? InventoriedAt { get; init; }
    public DateTimeOffset? FirstSeenAt { get; init; }
    public DateTimeOffset? LastSeenAt { get; init; }
    /// <summary>Set when a complete inventory of the drive's host no longer found it.</summary>
    public DateTimeOffset? MissingSince { get; init; }

    /// <summary>Copies the SMART measurements of a report into the record.</summary>
    internal DriveInfo WithMeasurements(SmartReport? r) => r is null ? this : this with
    {
        Smart = r,
        TemperatureC = r.TemperatureC,
        PowerOnHours = r.PowerOnHours,
        ReallocatedSectors = r.ReallocatedSectors ?? r.GrownDefects,
        PendingSectors = r.PendingSectors,
        OfflineUncorrectable = r.OfflineUncorrectable,
        CrcErrors = r.CrcErrors,
        NvmeCriticalWarning = r.NvmeCriticalWarning,
        NvmeMediaErrors = r.NvmeMediaErrors,
        PercentUsed = r.PercentUsed,
        SelfTestStatus = r.SelfTest,
        SelfTestRemainingPercent = r.SelfTestRemainingPercent,
    };
}
