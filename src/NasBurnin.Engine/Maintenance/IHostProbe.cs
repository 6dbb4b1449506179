namespace NasBurnin.Engine.Maintenance;

/// <summary>A host as the health check sees it.</summary>
public sealed record HostEndpoint(string Name, string Address, int Port);

/// <summary>What a reachability probe found; <see cref="Detail"/> is one line for people.</summary>
public sealed record ProbeResult(bool Reachable, string Detail);

/// <summary>
/// Checks that a host answers. <see cref="SshBannerProbe"/> connects and reads the SSH banner; the
/// Remote area can supply a probe that also authenticates and checks the pinned host key.
/// Implementations report failures in the result and throw only when cancelled.
/// </summary>
public interface IHostProbe
{
    Task<ProbeResult> ProbeAsync(HostEndpoint host, TimeSpan timeout, CancellationToken ct);
}
