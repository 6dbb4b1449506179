namespace NasBurnin;

/// <summary>One health check: what was checked, against what, the verdict and why.</summary>
public sealed class BurninHealthCheck
{
    public string Check { get; init; } = "";
    public string Target { get; init; } = "";
    public bool Healthy { get; init; }
    public string Detail { get; init; } = "";

    internal static BurninHealthCheck From(NasBurnin.Engine.Maintenance.HealthCheck c) => new()
    {
        Check = c.Check,
        Target = c.Target,
        Healthy = c.Healthy,
        Detail = c.Detail,
    };
}
