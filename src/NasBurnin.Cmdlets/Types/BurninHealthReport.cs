namespace NasBurnin;

/// <summary>
/// Test-BurninHealth's answer: Healthy when every check is. Checks holds one row per check
/// (StoreWritable, InventoryFresh, one HostReachable per host).
/// </summary>
public sealed class BurninHealthReport
{
    public bool Healthy { get; init; }
    public DateTime CheckedAt { get; init; }
    public string StorePath { get; init; } = "";
    public BurninHealthCheck[] Checks { get; init; } = Array.Empty<BurninHealthCheck>();

    internal static BurninHealthReport From(NasBurnin.Engine.Maintenance.HealthReport r) => new()
    {
        Healthy = r.Healthy,
        CheckedAt = r.CheckedAt.UtcDateTime,
        StorePath = r.StorePath,
        Checks = r.Checks.Select(BurninHealthCheck.From).ToArray(),
    };
}
