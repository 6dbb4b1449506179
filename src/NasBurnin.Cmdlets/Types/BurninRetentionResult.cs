namespace NasBurnin;

/// <summary>What one Invoke-BurninRetention run did, step by step. Times are UTC.</summary>
public sealed class BurninRetentionResult
{
    public string StorePath { get; init; } = "";
    public DateTime StartedAt { get; init; }
    /// <summary>Finished stages that finished before this lost their log text.</summary>
    public DateTime Cutoff { get; init; }
    public int LogRetentionDays { get; init; }
    public int BackupKeep { get; init; }
    /// <summary>Stages whose log text was pruned.</summary>
    public long PrunedRows { get; init; }
    public long PrunedLogBytes { get; init; }
    /// <summary>Store file plus write-ahead log, before and after the run.</summary>
    public long BytesBefore { get; init; }
    public long BytesAfter { get; init; }
    public bool Vacuumed { get; init; }
    /// <summary>How free space was returned: None, Incremental (short steps; writers kept committing), Full (-Full), or Conversion (the one-time VACUUM of an older store).</summary>
    public string Vacuum { get; init; } = "None";
    /// <summary>Incremental: bytes returned, in how many write transactions, and the longest time one of them held the write lock.</summary>
    public long ReclaimedBytes { get; init; }
    public int VacuumTransactions { get; init; }
    public TimeSpan LongestVacuumTransaction { get; init; }
    public string? BackupFile { get; init; }
    public long BackupBytes { get; init; }
    public string[] BackupsRemoved { get; init; } = Array.Empty<string>();
    public TimeSpan PruneDuration { get; init; }
    public TimeSpan VacuumDuration { get; init; }
    public TimeSpan BackupDuration { get; init; }
    public TimeSpan RotateDuration { get; init; }
    public TimeSpan Duration { get; init; }
    public bool Succeeded { get; init; }
    /// <summary>The step that failed (Prune, Vacuum, Backup, Rotate, Audit), when one did; the error record says why.</summary>
    public string? FailedStep { get; init; }
    public string? ErrorId { get; init; }

    internal static BurninRetentionResult From(NasBurnin.Engine.Maintenance.RetentionResult r) => new()
    {
        StorePath = r.StorePath,
        StartedAt = r.StartedAt.UtcDateTime,
        Cutoff = r.Cutoff.UtcDateTime,
        LogRetentionDays = r.LogRetentionDays,
        BackupKeep = r.BackupKeep,
        PrunedRows = r.PrunedRows,
        PrunedLogBytes = r.PrunedLogBytes,
        BytesBefore = r.BytesBefore,
        BytesAfter = r.BytesAfter,
        Vacuumed = r.Vacuumed,
        Vacuum = r.Vacuum.ToString(),
        ReclaimedBytes = r.ReclaimedBytes,
        VacuumTransactions = r.VacuumTransactions,
        LongestVacuumTransaction = r.LongestVacuumTransaction,
        BackupFile = r.BackupFile,
        BackupBytes = r.BackupBytes,
        BackupsRemoved = r.BackupsRemoved.ToArray(),
        PruneDuration = r.PruneDuration,
        VacuumDuration = r.VacuumDuration,
        BackupDuration = r.BackupDuration,
        RotateDuration = r.RotateDuration,
        Duration = r.Duration,
        Succeeded = r.Succeeded,
        FailedStep = r.FailedStep,
        ErrorId = r.Error?.ErrorId,
    };
}
