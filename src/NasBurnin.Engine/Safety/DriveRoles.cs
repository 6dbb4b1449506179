using NasBurnin.Engine.Inventory;

namespace NasBurnin.Engine.Safety;

/// <summary>What a drive is used for, decided on every inventory (DESIGN §6): the names of <see cref="DriveRole"/> as the store keeps them.</summary>
public static class DriveRoles
{
    public const string System = nameof(DriveRole.System);
    public const string PoolMember = nameof(DriveRole.PoolMember);
    public const string Mounted = nameof(DriveRole.Mounted);
    public const string Stale = nameof(DriveRole.Stale);
    public const string Free = nameof(DriveRole.Free);

    /// <summary>Roles that no unlock can open for a destructive stage.</summary>
    public static bool NeverDestroy(string? role) => role is System or PoolMember or Unknown;

    /// <summary>The host could not tell what the drive is used for: treated like System.</summary>
    public const string Unknown = nameof(DriveRole.Unknown);

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
