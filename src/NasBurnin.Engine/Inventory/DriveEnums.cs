namespace NasBurnin.Engine.Inventory;

// DriveTransport, DriveRole and SmartHealth live in NasBurnin.Contracts (shared with the cmdlets' parameters and types).

/// <summary>
/// What a device does in a ZFS pool (the section of <c>zpool status</c> it is listed in). <c>Spare</c> is a hot
/// spare, available or in use; <c>Faulted</c> a device the pool still counts on that is not present (listed by
/// GUID, "was /dev/…"): the pool is degraded and may resilver onto it when it comes back.
/// </summary>
public enum PoolRole
{
    Member,
    Special,
    Dedup,
    Log,
    Cache,
    Spare,
    Faulted,
}

/// <summary>The drive's self-test state: one running now, else the outcome of the newest logged test.</summary>
public enum SelfTestStatus
{
    /// <summary>No self-test information (no SMART, or a log smartctl did not print).</summary>
    Unknown,
    /// <summary>The log is there and empty.</summary>
    None,
    InProgress,
    Passed,
    Failed,
    /// <summary>Aborted by the host or interrupted by a reset: not a verdict on the drive.</summary>
    Aborted,
}

/// <summary>
/// A drive's power mode at its last inventory. Inventories read spinning disks with <c>smartctl -n standby</c>, so a
/// disk in Standby or Sleep is left asleep and keeps its last SMART values; Active means it answered (active or
/// idle); Idle only where smartctl told it apart; Unknown where nothing was read or asked.
/// </summary>
public enum DrivePowerMode
{
    Unknown,
    Active,
    Idle,
    Standby,
    Sleep,
}
