using NasBurnin.Engine.Common;
using NasBurnin.Engine.Inventory;

namespace NasBurnin.Drives;

/// <summary>The drive cmdlets' -Serial, -Role and -Transport as the engine's query (PowerShell already bound the enum names).</summary>
internal static class DriveFilter
{
    public static DriveQuery Query(Wildcard? serial, DriveRole[]? roles, DriveTransport[]? transports) => new()
    {
        Serial = serial,
        Roles = roles,
        Transports = transports,
    };
}
