using System.Diagnostics;
using Microsoft.Data.Sqlite;
using NasBurnin.Engine.Common;
using NasBurnin.Engine.Store;

namespace NasBurnin.Engine.Maintenance;

/// <summary>A finished backup.</summary>
public sealed record BackupInfo(string Path, long SizeBytes, DateTimeOffset CreatedAt, int SchemaVersion, string SourcePath, TimeSpan Duration);

/// <summary>Where a backup goes and whether an existing file there may be replaced.</summary>
public sealed record BackupTarget(string Path, bool MayReplace);

/// <summary>
/// Online backups of the store with SQLite's backup API. A backup is written under a hidden partial
/// name in the target folder, integrity-checked, flushed, and only then renamed over the final name,
/// so the final name always holds a complete backup: the previous one or the new one.
/// </summary>
public sealed class BackupService
{
    private readonly BurninStore _store;

    public BackupService(BurninStore store) => _store = store;

    /// <summary>
    /// Resolves what the user gave: nothing means today's daily file in <c>backups</c> beside the store;
    /// an existing folder (or a path ending in a separator) means today's daily file in it; anything
    /// else is a file name. A daily file may be replaced (a second run on the same day); a named file
    /// only with <paramref name="force"/>.
    /// </summary>
    public BackupTarget ResolveTarget(string? path, bool force)
    {
        var daily = BackupFolder.DailyName(_store.Clock.UtcNow);
        if (string.IsNullOrEmpty(path))
            return new BackupTarget(Path.Combine(BackupFolder.DefaultFor(_store.Path), daily), true);
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full) || path.EndsWith(Path.DirectorySeparatorChar) || path.EndsWith(Path.AltDirectorySeparatorChar))
            return new BackupTarget(Path.Combine(full, daily), true);
        return new BackupTarget(full, force);
    }

    /// <summary>Today's daily backup file in <paramref name="folder"/> (default: <c>backups</c> beside the store).</summary>
    public string DailyTarget(string? folder) =>
        Path.Combine(string.IsNullOrEmpty(folder) ? BackupFolder.DefaultFor(_store.Path) : Path.GetFullPath(folder),
            BackupFolder.DailyName(_store.Clock.UtcNow));

    /// <summary>Refuses targets that would overwrite the store or a file the caller did not agree to replace.</summary>
    public void CheckTarget(BackupTarget target)
    {
        var p = target.Path;
        if (new[] { "", "-wal", "-shm", "-journal" }.Any(s => SqliteFiles.SamePath(p, _store.Path + s)))
            throw new BurninException("BackupTargetIsStore", ErrorKind.InvalidArgument,
                $"The backup target '{p}' is the store itself (or one of its side files). Give a file or folder elsewhere, for example '{BackupFolder.DefaultFor(_store.Path)}'.") { Target = p };
        if (Directory.Exists(p))
            throw new BurninException("BackupTargetIsDirectory", ErrorKind.InvalidArgument,
                $"The backup target '{p}' is a folder. Give a file name, or the folder alone without a file name to write today's daily backup into it.") { Target = p };
        var parent = Path.GetDirectoryName(p);
        if (!string.IsNullOrEmpty(parent) && File.Exists(parent))
            throw new BurninException("BackupFolderNotWritable", ErrorKind.InvalidArgument,
                $"The backup folder '{parent}' is a file, not a folder. Give a folder for backups.") { Target = p };
        if (!target.MayReplace && File.Exists(p))
            throw new BurninException("BackupTargetExists", ErrorKind.InvalidArgument,
                $"The file '{p}' already exists. Give another name, or use -Force to replace it.") { Target = p };
    }

    /// <summary>
    /// Backs the store up to <paramref name="target"/>. On any failure the partial file is removed and
    /// whatever was under the final name before is left exactly as it was.
    /// </summary>
    /// <param name="auditAs">When given, a <c>store_backed_up</c> event is recorded for this actor.</param>
    public BackupInfo Backup(BackupTarget target, CancellationToken ct = default, Actor? auditAs = null)
    {
        CheckTarget(target);
        // A damaged store is never copied over a backup: the backups are what it is restored from.
        if (_store.Damage is { } damage) throw _store.DamageRefusal(damage);
        ct.ThrowIfCancellationRequested();
        var sw = Stopwatch.StartNew();
        var folder = Path.GetDirectoryName(target.Path)!;
        try
        {
            SqliteFiles.EnsureFolder(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BurninException("BackupFolderNotWritable", ErrorKind.PermissionDenied,
                $"The backup folder '{folder}' cannot be created: {e.Message} Give a folder that exists or can be created by this user.", e) { Target = target.Path };
        }

        var partial = Path.Combine(folder, BackupFolder.PartialName(Path.GetFileName(target.Path)));
        try
        {
            // Read() opens the source with the store's busy timeout and maps errors about the store itself.
            var version = _store.Read(source =>
            {
                try { return SqliteFiles.CopyVerified(source, partial, ct); }
                catch (SqliteException e) when (e.SqliteErrorCode is not (11 or 26)) { throw Failure(e, target.Path, folder); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw Failure(e, target.Path, folder); }
                catch (CopyNotIntactException e)
                {
                    // The copy is only as good as its source: if the store fails too, it is marked damaged.
                    if (_store.QuickCheck("Backup-BurninStore (the copy failed integrity_check)", ct) != "ok")
                        throw _store.DamageRefusal();
                    throw new BurninException("BackupNotIntact", ErrorKind.InvalidData,
                        $"The new backup '{target.Path}' failed its integrity check, so it was discarded: {e.Message}. The store or the backup disk may be damaged; run Test-BurninHealth and check the disk.") { Target = target.Path };
                }
            });
            File.Move(partial, target.Path, overwrite: true);
            SqliteFiles.MakePrivate(target.Path);
            var info = new BackupInfo(target.Path, SqliteFiles.Size(target.Path), _store.Clock.UtcNow, version, _store.Path, sw.Elapsed);
            if (auditAs is not null)
                new AuditLog(_store).Record("store_backed_up", auditAs, $"backup '{info.Path}' ({SqliteFiles.FormatBytes(info.SizeBytes)}, schema {version})");
            return info;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Failure(e, target.Path, folder);
        }
        finally
        {
            if (File.Exists(partial) || File.Exists(partial + "-journal"))
                SqliteFiles.DeleteWithSideFiles(partial);
        }
    }

    /// <summary>Turns a failure while writing a backup into an error that names the file and what to do.</summary>
    private BurninException Failure(Exception e, string target, string folder)
    {
        if (SqliteFiles.IsDiskFull(e))
        {
            var free = SqliteFiles.FreeBytes(folder) is { } f ? SqliteFiles.FormatBytes(f) + " free" : "free space unknown";
            return new BurninException("BackupDiskFull", ErrorKind.WriteError,
                $"The backup to '{target}' failed because the disk holding '{folder}' is full ({free}; the store is {SqliteFiles.FormatBytes(SqliteFiles.SizeWithWal(_store.Path))}). " +
                "The partial file was removed and earlier backups were left as they were. Free some space or choose another backup folder.", e) { Target = target };
        }
        if (e is UnauthorizedAccessException || e is SqliteException { SqliteErrorCode: 8 or 14 })
            return new BurninException("BackupFolderNotWritable", ErrorKind.PermissionDenied,
                $"The backup '{target}' cannot be written: {e.Message} Check that the folder '{folder}' exists or can be created and is writable by this user.", e) { Target = target };
        return new BurninException("BackupFailed", ErrorKind.WriteError,
            $"The backup to '{target}' failed: {e.Message} The partial file was removed and earlier backups were left as they were.", e) { Target = target };
    }
}
