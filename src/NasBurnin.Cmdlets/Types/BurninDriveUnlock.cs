namespace NasBurnin;

/// <summary>An unlock that lets the next destructive stage run on one Mounted or Stale drive, until it expires.</summary>
public sealed class BurninDriveUnlock
{
    public long UnlockId { get; init; }
    public long DriveId { get; init; }
    public string HostName { get; init; } = "";
    public string Serial { get; init; } = "";
    /// <summary>The role the drive was unlocked for: Mounted or Stale.</summary>
    public string Role { get; init; } = "";
    public string Operator { get; init; } = "";
    public DateTime CreatedAt { get; init; }
    public DateTime ExpiresAt { get; init; }
}
