using NasBurnin.Engine.Inventory;
using NasBurnin.Engine.Remote;

namespace NasBurnin;

/// <summary>What Sync-BurninInventory did for one host.</summary>
public sealed class BurninSyncResult
{
    public string HostName { get; init; } = "";
    public int Port { get; init; }
    public bool Succeeded { get; init; }
    /// <summary>Drives the inventory found (0 when it failed).</summary>
    public int DriveCount { get; init; }
    /// <summary>Drives the host did not have before this sync: new to the store, moved here from another host, or back after being missing.</summary>
    public int NewDrives { get; init; }
    /// <summary>Drives the host had before and this sync no longer found (their MissingSince is now set).</summary>
    public int MissingDrives { get; init; }
    /// <summary>What degraded the inventory: a missing tool, a drive whose SMART data could not be read.</summary>
    public string[] Warnings { get; init; } = Array.Empty<string>();
    /// <summary>Why the host could not be inventoried; null on success.</summary>
    public string? Error { get; init; }
    /// <summary>The stable error id (HostUnreachable, HostAuthenticationFailed, RemoteCommandTimeout, ...); null on success.</summary>
    public string? ErrorId { get; init; }
    /// <summary>From the host's turn (connecting included) to its result.</summary>
    public TimeSpan Duration { get; init; }
    public DateTime PolledAt { get; init; }

    internal static BurninSyncResult Succeed(HostRecord host, InventoryRefresh r, TimeSpan duration) => new()
    {
        HostName = host.Name,
        Port = host.Port,
        Succeeded = true,
        DriveCount = r.Drives.Count,
        NewDrives = r.NewDrives,
        MissingDrives = r.MissingDrives,
        Warnings = InventoryWarnings.For(r.Inventory, r.Drives).ToArray(),
        Duration = duration,
        PolledAt = r.Inventory.TakenAt.UtcDateTime,
    };

    internal static BurninSyncResult Fail(HostRecord host, string errorId, string message, TimeSpan duration, DateTime polledAt) => new()
    {
        HostName = host.Name,
        Port = host.Port,
        Succeeded = false,
        Error = message,
        ErrorId = errorId,
        Duration = duration,
        PolledAt = polledAt,
    };
}
