namespace NasBurnin;

/// <summary>
/// A store backup: written by Backup-BurninStore, or found by Get-BurninBackup. Pipe it to
/// Restore-BurninStore (its Path binds by name).
/// </summary>
public sealed class BurninBackupInfo
{
    public string Path { get; init; } = "";
    public string Name { get; init; } = "";
    /// <summary>The UTC day of a daily backup (burnin-YYYY-MM-DD.db); null for other names.</summary>
    public DateTime? Date { get; init; }
    public long SizeBytes { get; init; }
    public DateTime LastWriteTime { get; init; }
    /// <summary>Known for a backup just written; null for one found on disk.</summary>
    public int? SchemaVersion { get; init; }
    public string? SourcePath { get; init; }
    public TimeSpan? Duration { get; init; }

    internal static BurninBackupInfo From(NasBurnin.Engine.Maintenance.BackupInfo b) => new()
    {
        Path = b.Path,
        Name = System.IO.Path.GetFileName(b.Path),
        Date = NasBurnin.Engine.Maintenance.BackupFolder.DateOf(System.IO.Path.GetFileName(b.Path))?.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc),
        SizeBytes = b.SizeBytes,
        LastWriteTime = b.CreatedAt.UtcDateTime,
        SchemaVersion = b.SchemaVersion,
        SourcePath = b.SourcePath,
        Duration = b.Duration,
    };

    internal static BurninBackupInfo From(NasBurnin.Engine.Maintenance.BackupFile b) => new()
    {
        Path = b.Path,
        Name = System.IO.Path.GetFileName(b.Path),
        Date = b.Date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc),
        SizeBytes = b.SizeBytes,
        LastWriteTime = b.LastWriteTime.UtcDateTime,
    };
}
