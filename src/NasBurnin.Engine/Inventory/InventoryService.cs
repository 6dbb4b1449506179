using NasBurnin.Engine.Common;
using NasBurnin.Engine.Remote;
using NasBurnin.Engine.Store;

namespace NasBurnin.Engine.Inventory;

/// <summary>
/// One host's inventory after it was taken and stored. <see cref="Drives"/> carry their store ids.
/// <see cref="NewDrives"/> counts drives the host did not have before (new to the store, moved here from
/// another host, or back after being missing); <see cref="MissingDrives"/> counts drives the host had before
/// and this inventory no longer found (0 when the inventory was incomplete, because then nobody can tell).
/// </summary>
public sealed record InventoryRefresh(HostInventory Inventory, IReadOnlyList<DriveInfo> Drives, int NewDrives, int MissingDrives);

/// <summary>Takes a registered host's live inventory with that host's settings and records it in the store.</summary>
public static class InventoryService
{
    /// <summary>The inventory options for a host: its tool paths, its loop-device choice, the store's health limits.</summary>
    public static InventoryOptions OptionsFor(HostRecord host, BurninSettings settings, IClock clock, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(settings);
        var defaults = new InventoryOptions();
        return defaults with
        {
            Script = defaults.Script with { Tools = InventoryTools.FromToolPaths(host.ToolPaths), IncludeLoop = host.IncludeLoopDevices },
            Thresholds = HealthThresholds.FromSettings(settings),
            Timeout = timeout ?? defaults.Timeout,
            Clock = clock,
        };
    }

    /// <summary>
    /// The disks (kernel names) on a host that a filtered <c>-WakeDrives</c> wakes: the stored drives the query
    /// matches, as the last inventory saw them. Null when the query filters nothing (then every disk may be woken).
    /// </summary>
    public static IReadOnlyCollection<string>? WakeOnly(BurninStore store, string hostName, DriveQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Serial is null && query.Roles is not { Count: > 0 } && query.Transports is not { Count: > 0 }) return null;
        return new DriveRepository(store).Query(query with { HostNames = new[] { Wildcard.Exact(hostName) } })
            .Where(d => d.MissingSince is null).Select(d => d.KernelName).ToList();
    }

    /// <summary>
    /// Runs the inventory through <paramref name="shell"/> (one round trip), then saves every drive in one
    /// transaction. Connection failures, timeouts and cancellation propagate; nothing is saved after Ctrl+C.
    /// Spinning disks in standby or sleep are left asleep and keep their last SMART values, unless
    /// <paramref name="wakeDrives"/> (then every disk is read, which spins those up). Each drive is read with the
    /// smartctl device type it answered with before, and judged with the health rules for its model and serial.
    /// </summary>
    public static async Task<InventoryRefresh> RefreshAsync(
        IRemoteShell shell, HostRecord host, BurninStore store, BurninSettings settings, TimeSpan? timeout, CancellationToken cancellationToken,
        bool wakeDrives = false, IReadOnlyCollection<string>? wakeOnly = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(shell);
        var repo = new DriveRepository(store);
        var options = OptionsFor(host, settings, store.Clock, timeout);
        options = options with
        {
            Script = options.Script with { WakeDrives = wakeDrives, WakeOnly = wakeOnly, DeviceTypes = repo.DeviceTypesOn(shell.HostName) },
            HealthOverrides = new HealthRuleService(store).Overrides(),
        };
        var inventory = await InventoryCollector.CollectAsync(shell, options, cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();

        var before = repo.PresentOn(inventory.HostName);
        var saved = repo.Save(inventory);
        var now = saved.Select(d => d.Id!.Value).ToHashSet();
        var added = now.Count(id => !before.Contains(id));
        var missing = inventory.Complete ? before.Count(id => !now.Contains(id)) : 0;
        return new InventoryRefresh(inventory, saved, added, missing);
    }
}
