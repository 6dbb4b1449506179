namespace NasBurnin.Engine.Inventory;

/// <summary>
/// What an inventory tells the user beside the drives: the host-wide warnings (a missing zpool, lsblk that
/// failed), then one line per reason a drive has no SMART verdict, naming the drives it applies to. Drives
/// that share a reason (smartctl missing on the host) share one line, so 24 bays do not make 24 warnings.
/// The health of drives that were read is on the drives themselves, not repeated here.
/// </summary>
public static class InventoryWarnings
{
    private const int NamedDrives = 5;

    public static IReadOnlyList<string> For(HostInventory inventory, IEnumerable<DriveInfo> drives)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        var lines = new List<string>(inventory.Warnings);
        var unread = drives
            .Where(d => d.SmartHealth == SmartHealth.Unknown && d.Warnings.Count > 0)
            .GroupBy(d => d.Warnings[0], StringComparer.Ordinal);
        foreach (var group in unread)
        {
            var names = group.Select(Name).ToList();
            var shown = string.Join(", ", names.Take(NamedDrives)) + (names.Count > NamedDrives ? $" and {names.Count - NamedDrives} more" : "");
            lines.Add($"{shown}: {group.Key}");
        }
        return lines;
    }

    private static string Name(DriveInfo d) => d.Serial is null ? d.Device : $"{d.Device} ({d.Serial})";
}
