using NasBurnin.Engine.Common;

namespace NasBurnin.Engine.Maintenance;

/// <summary>What one retention run is asked to do.</summary>
/// <param name="LogRetentionDays">Finished stages older than this lose their log text.</param>
/// <param name="BackupKeep">How many daily backups to keep.</param>
/// <param name="BackupFolder">Where daily backups go; null means <c>backups</c> beside the store.</param>
/// <param name="NoBackup">Skip the backup and the rotation.</param>
/// <param name="WhatIf">Only ask the confirm hook about each action (it answers false); change nothing.</param>
/// <param name="Full">Compact with a full VACUUM (other writers wait for it) instead of in short steps.</param>
public sealed record RetentionOptions(int LogRetentionDays, int BackupKeep, string? BackupFolder = null, bool NoBackup = false, bool WhatIf = false, bool Full = false);

/// <summary>How a retention run returned free space.</summary>
public enum RetentionVacuum
{
    /// <summary>Nothing to return, or not asked to.</summary>
    None,
    /// <summary><c>PRAGMA incremental_vacuum(N)</c> in short transactions; writers kept committing.</summary>
    Incremental,
    /// <summary>A full VACUUM, asked for with -Full; writers waited for it.</summary>
    Full,
    /// <summary>The one-time full VACUUM that turned an older store into an incremental one.</summary>
    Conversion,
}

/// <summary>Callbacks a run makes on the caller's thread: a confirmation per action, and progress text.</summary>
public sealed class RetentionHooks
{
    /// <summary>(target, action) → go ahead? Null means yes.</summary>
    public Func<string, string, bool>? Confirm { get; init; }

    public Action<string>? Progress { get; init; }

    /// <summary>Something the user should hear of even when nobody asked for detail (a one-time conversion).</summary>
    public Action<string>? Warning { get; init; }

    internal bool Ask(string target, string action) => Confirm?.Invoke(target, action) ?? true;

    internal void Report(string text) => Progress?.Invoke(text);

    internal void Announce(string text) => Warning?.Invoke(text);
}

/// <summary>
/// The outcome of a retention run. When a step fails, <see cref="Error"/> and <see cref="FailedStep"/>
/// say which and why; the steps before it stay done (pruned rows stay pruned).
/// </summary>
public sealed class RetentionResult
{
    public required string StorePath { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public required DateTimeOffset Cutoff { get; init; }
    public required int LogRetentionDays { get; init; }
    public required int BackupKeep { get; init; }
    public long PrunedRows { get; internal set; }
    public long PrunedLogBytes { get; internal set; }
    public long BytesBefore { get; internal set; }
    public long BytesAfter { get; internal set; }
    public bool Vacuumed => Vacuum != RetentionVacuum.None;
    public RetentionVacuum Vacuum { get; internal set; }
    /// <summary>Incremental: bytes returned, in how many write transactions, and the longest of them.</summary>
    public long ReclaimedBytes { get; internal set; }
    public int VacuumTransactions { get; internal set; }
    public TimeSpan LongestVacuumTransaction { get; internal set; }
    public string? BackupFile { get; internal set; }
    public long BackupBytes { get; internal set; }
    public IReadOnlyList<string> BackupsRemoved { get; internal set; } = Array.Empty<string>();
    public TimeSpan PruneDuration { get; internal set; }
    public TimeSpan VacuumDuration { get; internal set; }
    public TimeSpan BackupDuration { get; internal set; }
    public TimeSpan RotateDuration { get; internal set; }
    public TimeSpan Duration { get; internal set; }
    public string? FailedStep { get; internal set; }
    public BurninException? Error { get; internal set; }
    public bool Succeeded => Error is null;
}
