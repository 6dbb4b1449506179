using NasBurnin.Engine.Inventory;
using DriveInfo = NasBurnin.Engine.Inventory.DriveInfo;

namespace NasBurnin;

/// <summary>A drive on a NAS host: identity, role (what it is used for), health and SMART counters.</summary>
public sealed class BurninDrive
{
    /// <summary>The drive's row in the store; burn-in cmdlets find the drive by it.</summary>
    public long DriveId { get; init; }
    public string HostName { get; init; } = "";
    public string Device { get; init; } = "";
    public string? ByIdPath { get; init; }
    public string? Serial { get; init; }
    public string? Wwn { get; init; }
    public string? Model { get; init; }
    public string? Firmware { get; init; }
    public long? CapacityBytes { get; init; }
    /// <summary>Sata, Sas, Nvme, Usb or Other.</summary>
    public DriveTransport Transport { get; init; }
    public bool? Rotational { get; init; }
    /// <summary>System, PoolMember, Mounted, Stale or Free (Unknown when the host could not tell).</summary>
    public DriveRole Role { get; init; }
    public string[] RoleReasons { get; init; } = Array.Empty<string>();
    public string? PoolName { get; init; }
    /// <summary>member, spare, log, cache, special, dedup or faulted (listed by GUID, not present).</summary>
    public string? PoolRole { get; init; }
    public string[] Mountpoints { get; init; } = Array.Empty<string>();
    /// <summary>Passed, Warning, Failed or Unknown; judged from the counters, not only from smartctl's verdict.</summary>
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
    /// <summary>The self-test status and, while one runs, the percent remaining ("InProgress (70% left)").</summary>
    public string SelfTest { get; init; } = "";
    public string SelfTestStatus { get; init; } = "";
    public int? SelfTestRemainingPercent { get; init; }
    public string[] Warnings { get; init; } = Array.Empty<string>();
    /// <summary>
    /// Active, Idle, Standby, Sleep or Unknown at the last inventory. Spinning disks are read with smartctl -n standby:
    /// one in Standby or Sleep is left asleep and keeps its last SMART values and health, read at SmartReadAt.
    /// </summary>
    public string PowerMode { get; init; } = "";
    /// <summary>When the SMART values shown were read (earlier than LastSeenAt for a drive that was asleep).</summary>
    public DateTime? SmartReadAt { get; init; }
    public DateTime? LastSeenAt { get; init; }
    /// <summary>Set when the last inventory of its host did not find the drive.</summary>
    public DateTime? MissingSince { get; init; }

    internal static BurninDrive From(DriveInfo d) => new()
    {
        DriveId = d.Id ?? 0,
        HostName = d.HostName,
        Device = d.Device,
        ByIdPath = d.ByIdPath,
        Serial = d.Serial,
        Wwn = d.Wwn,
        Model = d.Model,
        Firmware = d.Firmware,
        CapacityBytes = d.CapacityBytes,
        Transport = d.Transport,
        Rotational = d.Rotational,
        Role = d.Role,
        RoleReasons = d.RoleReasons.ToArray(),
        PoolName = d.PoolName,
        PoolRole = d.PoolRole?.ToString().ToLowerInvariant(),
        Mountpoints = d.Mountpoints.ToArray(),
        SmartHealth = d.SmartHealth,
        TemperatureC = d.TemperatureC,
        PowerOnHours = d.PowerOnHours,
        ReallocatedSectors = d.ReallocatedSectors,
        PendingSectors = d.PendingSectors,
        OfflineUncorrectable = d.OfflineUncorrectable,
        CrcErrors = d.CrcErrors,
        NvmeCriticalWarning = d.NvmeCriticalWarning,
        NvmeMediaErrors = d.NvmeMediaErrors,
        PercentUsed = d.PercentUsed,
        SelfTestStatus = d.SelfTestStatus.ToString(),
        SelfTestRemainingPercent = d.SelfTestRemainingPercent,
        SelfTest = d.SelfTestRemainingPercent is { } left ? $"{d.SelfTestStatus} ({left}% left)" : d.SelfTestStatus.ToString(),
        Warnings = d.Warnings.ToArray(),
        PowerMode = d.PowerMode.ToString(),
        SmartReadAt = d.SmartReadAt?.UtcDateTime,
        LastSeenAt = d.LastSeenAt?.UtcDateTime,
        MissingSince = d.MissingSince?.UtcDateTime,
    };
}
