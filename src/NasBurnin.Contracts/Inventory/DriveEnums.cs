namespace NasBurnin.Engine.Inventory;

/// <summary>How a drive is attached. <c>Other</c> covers virtio, iSCSI, parallel SCSI, RAID volumes, MMC.</summary>
public enum DriveTransport
{
    Other,
    Sata,
    Sas,
    Nvme,
    Usb,
}

/// <summary>
/// What a drive is used for on its host, most protected first. <c>Unknown</c> means the host's block
/// device list could not be read, so nothing about the drive's use is known; treat it like System.
/// </summary>
public enum DriveRole
{
    System,
    PoolMember,
    Mounted,
    Stale,
    Free,
    Unknown,
}

/// <summary>The drive's health: smartctl's own verdict combined with the counters (HealthEvaluator in the engine).</summary>
public enum SmartHealth
{
    Unknown,
    Passed,
    Warning,
    Failed,
}
