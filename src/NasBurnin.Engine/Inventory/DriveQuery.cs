using NasBurnin.Engine.Common;

namespace NasBurnin.Engine.Inventory;

/// <summary>
/// Filters for Get-BurninDrive; null or empty means "any". The same <see cref="Matches"/> serves live
/// inventories and the store, so -Offline filters exactly like a live call.
/// </summary>
public sealed record DriveQuery
{
    /// <summary>Host names as PowerShell wildcards; any of them matches.</summary>
    public IReadOnlyList<Wildcard>? HostNames { get; init; }
    /// <summary>Serial as a PowerShell wildcard (* ? [a-z] `), case-insensitive.</summary>
    public Wildcard? Serial { get; init; }
    public IReadOnlyList<DriveRole>? Roles { get; init; }
    public IReadOnlyList<DriveTransport>? Transports { get; init; }
    /// <summary>Also return stored drives their host no longer has (only meaningful for the store).</summary>
    public bool IncludeMissing { get; init; } = true;

    public bool Matches(DriveInfo d) =>
        (HostNames is not { Count: > 0 } || Wildcard.AnyMatch(HostNames, d.HostName)) &&
        (Serial is null || Serial.IsMatch(d.Serial)) &&
        (Roles is not { Count: > 0 } || Roles.Contains(d.Role)) &&
        (Transports is not { Count: > 0 } || Transports.Contains(d.Transport)) &&
        (IncludeMissing || d.MissingSince is null);
}
