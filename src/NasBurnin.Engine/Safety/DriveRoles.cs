namespace NasBurnin.Engine.Safety;

/// <summary>What a drive is used for, decided on every inventory (DESIGN §6).</summary>
public static class DriveRoles
{
    public const string System = "System";
    public const string PoolMember = "PoolMember";
    public const string Mounted = "Mounted";
    public const string Stale = "Stale";
    public const string Free = "Free";

    /// <summary>Roles that no unlock can open for a destructive stage.</summary>
    public static bool NeverDestroy(string? role) => role is System or PoolMember or Unknown;

    /// <summary>The host could not tell what the drive is used for: treated like System.</summary>
    public const string Unknown = "Unknown";

    /// <summary>Roles that need a typed-token unlock first.</summary>
    public static bool NeedsUnlock(string? role) => role is Mounted or Stale;

    /// <summary>The exact text an operator types to unlock a drive of this role.</summary>
    public static string TokenFor(string role) => role switch
    {
        Mounted => "DESTROY MOUNTED FILESYSTEM",
        Stale => "DESTROY EXISTING DATA",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "Only Mounted and Stale drives are unlocked."),
    };

    /// <summary>The audit event an unlock records.</summary>
    public static string UnlockEvent(string role) => role == Mounted ? "mounted_drive_unlocked" : "stale_drive_unlocked";
}
