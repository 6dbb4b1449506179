namespace NasBurnin;

/// <summary>What Restore-BurninStore did: the store now holds the backup; the replaced store was kept.</summary>
public sealed class BurninRestoreResult
{
    public string StorePath { get; init; } = "";
    public string RestoredFrom { get; init; } = "";
    /// <summary>The store as it was before the restore (burnin.db.replaced-TIMESTAMP), mode 0600.</summary>
    public string ReplacedPath { get; init; } = "";
    public int SchemaVersion { get; init; }
    public DateTime RestoredAt { get; init; }

    internal static BurninRestoreResult From(NasBurnin.Engine.Maintenance.RestoreResult r) => new()
    {
        StorePath = r.StorePath,
        RestoredFrom = r.RestoredFrom,
        ReplacedPath = r.ReplacedPath,
        SchemaVersion = r.SchemaVersion,
        RestoredAt = r.RestoredAt.UtcDateTime,
    };
}
