using NasBurnin.Engine.Burnin;
using NasBurnin.Engine.Common;
using NasBurnin.Engine.Store;

namespace NasBurnin.Engine.Safety;

/// <summary>
/// The Safety feature, as the cmdlets see it (Unlock-MountedDrive, Lock-BurninDrive, the -Drive
/// completer): the typed-token unlocks in front of destroying a Mounted or Stale drive. It owns the
/// <c>drive_unlocks</c> table through <see cref="DriveUnlockService"/>. The drive's role always comes
/// from the store's latest inventory, never from what the caller holds.
/// </summary>
public sealed class SafetyFacade
{
    private readonly BurninStore _store;

    public SafetyFacade(BurninStore store) => _store = store;

    /// <summary>The stored facts of a drive (DriveNotFound when it is not in the store).</summary>
    public DriveFacts Drive(long driveId) => new BurninPlanner(_store, InventorySmartReader.Instance).LoadDrive(driveId);

    public DriveUnlock Unlock(DriveFacts drive, string typedToken, TimeSpan validFor, Actor actor) =>
        new DriveUnlockService(_store).Unlock(drive.Id, drive.Serial ?? "", drive.Device, drive.Role ?? "", drive.HostName ?? "", typedToken, validFor, actor);

    /// <summary>Withdraws every open unlock of the drive; returns how many.</summary>
    public int Lock(DriveFacts drive, Actor actor) => new DriveUnlockService(_store).Lock(drive.Id, drive.Serial ?? "", drive.HostName ?? "", actor);

    /// <summary>Whether a destructive stage may run on the drive now (Free, or an open unlock for its role).</summary>
    public bool AllowsDestructive(long driveId, string? serial, string role) => new DriveUnlockService(_store).AllowsDestructive(driveId, serial, role);
}
