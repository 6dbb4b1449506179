using NasBurnin.Engine.Common;
using NasBurnin.Engine.Store;

namespace NasBurnin.Engine.Maintenance;

/// <summary>
/// The Maintenance feature, as the cmdlets see it (Invoke-BurninRetention, Backup-/Get-BurninBackup,
/// Restore-BurninStore, Test-BurninHealth). It owns the store file itself and its backups: retention
/// (<see cref="RetentionService"/>: log pruning, vacuum, daily backup and rotation), online backup
/// (<see cref="BackupService"/>), restore (<see cref="RestoreService"/>) and the health checks
/// (<see cref="HealthService"/>). The checks that need no open store are static.
/// </summary>
public sealed class MaintenanceFacade
{
    private readonly BurninStore _store;

    public MaintenanceFacade(BurninStore store) => _store = store;

    /// <summary>
    /// Runs retention; a null day count or keep count comes from the store's settings
    /// (LogRetentionDays, BackupKeep). A failed step is in the result, not thrown.
    /// </summary>
    public RetentionResult RunRetention(int? logRetentionDays, int? backupKeep, string? backupFolder, bool noBackup, bool whatIf, bool full,
        Actor actor, RetentionHooks hooks, CancellationToken ct)
    {
        var settings = new SettingsRepository(_store).Get();
        var options = new RetentionOptions(
            logRetentionDays ?? settings.LogRetentionDays,
            backupKeep ?? settings.BackupKeep,
            backupFolder,
            noBackup,
            whatIf,
            full);
        return new RetentionService(_store).Run(options, actor, hooks, ct);
    }

    /// <summary>Where a backup goes: the file given, today's daily file in the folder given, or in the default folder.</summary>
    public BackupTarget ResolveBackupTarget(string? path, bool force) => new BackupService(_store).ResolveTarget(path, force);

    /// <summary>Refuses a target that cannot or must not be written (an existing file without -Force, the store itself…).</summary>
    public void CheckBackupTarget(BackupTarget target) => new BackupService(_store).CheckTarget(target);

    public BackupInfo Backup(BackupTarget target, Actor actor, CancellationToken ct) => new BackupService(_store).Backup(target, ct, actor);

    /// <summary>The folder daily backups go to when none is given: <c>backups</c> beside the store.</summary>
    public static string DefaultBackupFolder(string storePath) => BackupFolder.DefaultFor(storePath);

    public static IReadOnlyList<BackupFile> ListBackups(string folder) => BackupFolder.List(folder);

    /// <summary>Checks a backup before anything changes: SQLite, intact, a NasBurnin store of a known schema.</summary>
    public RestoreCandidate ValidateBackup(string backupPath) => new RestoreService(_store).Validate(backupPath);

    public RestoreResult Restore(RestoreCandidate candidate, Actor actor, CancellationToken ct) => new RestoreService(_store).Restore(candidate, actor, ct);

    /// <summary>Store, inventory, hosts, runs and notifications checks; opens the store only through <paramref name="openStore"/>, so a broken store is a failed check.</summary>
    public static HealthReport CheckHealth(string storePath, Func<BurninStore> openStore, TimeSpan probeTimeout, CancellationToken ct) =>
        new HealthService().Check(storePath, openStore, probeTimeout, ct);
}
