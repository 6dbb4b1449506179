using NasBurnin.Engine.Common;
using NasBurnin.Engine.Inventory;

namespace NasBurnin.Drives;

/// <summary>The drive cmdlets' -Serial, -Role and -Transport as the engine's query (ValidateSet already checked the names).</summary>
internal static class DriveFilter
{
    public static DriveQuery Query(Wildcard? serial, string[]? roles, string[]? transports) => new()
    {
        Serial = serial,
        Roles = roles?.Select(r => Enum.Parse<DriveRole>(r, ignoreCase: true)).ToList(),
        Transports = transports?.Select(t => Enum.Parse<DriveTransport>(t, ignoreCase: true)).ToList(),
    };
}
