using NasBurnin.Engine.Common;
using NasBurnin.Engine.Inventory;

namespace NasBurnin.Common;

/// <summary>The "is this serial a drive we know?" check behind DriveNotFound for filters over runs and events.</summary>
internal static class DriveLookup
{
    /// <summary>A -Serial without wildcards that no stored drive has is DriveNotFound (written, not thrown).</summary>
    public static void ReportUnknownSerial(BurninCmdlet cmdlet, Wildcard serial)
    {
        if (serial.HasWildcards) return;
        var store = cmdlet.Store;
        var known = cmdlet.Terminating(() => new InventoryFacade(store).Drives(new DriveQuery { Serial = serial }), store.Path);
        NamePatterns.ReportUnmatched(cmdlet, new[] { serial }, known.Select(d => d.Serial), DriveErrors.NotFound);
    }
}
