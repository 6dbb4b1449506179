using System.Globalization;
using Microsoft.Data.Sqlite;
using NasBurnin.Engine.Common;
using NasBurnin.Engine.Store;

namespace NasBurnin.Engine.Maintenance;

/// <summary>A backup that passed the checks and may replace the store.</summary>
public sealed record RestoreCandidate(string Path, int SchemaVersion, long SizeBytes);

/// <summary>What a restore did: the store now holds the backup; the replaced store was kept.</summary>
public sealed record RestoreResult(string StorePath, string RestoredFrom, string ReplacedPath, int SchemaVersion, DateTimeOffset RestoredAt);

/// <summary>
/// Replaces the store with a backup. The backup is checked (SQLite, intact, a NasBurnin store, a
/// schema this version understands) before anything is touched; the replaced store is kept beside it
/// as <c>burnin.db.replaced-TIMESTAMP</c>.
/// </summary>
public sealed class RestoreService
{
    private readonly BurninStore _store;

    public RestoreService(BurninStore store) => _store = store;

    /// <summary>Checks a backup without changing it or the store.</summary>
    public RestoreCandidate Validate(string backupPath)
    {
        var path = Path.GetFullPath(backupPath);
        if (SqliteFiles.SamePath(path, _store.Path))
            throw Refuse("RestoreSourceIsStore", ErrorKind.InvalidArgument, path,
                $"'{path}' is the store itself. Give the path of a backup, for example one listed by Get-BurninBackup.");
        if (Directory.Exists(path))
            throw Refuse("BackupNotFound", ErrorKind.InvalidArgument, path,
                $"'{path}' is a folder. Give the path of a backup file, for example one listed by Get-BurninBackup.");
        if (!File.Exists(path))
            throw Refuse("BackupNotFound", ErrorKind.NotFound, path,
                $"The backup '{path}' does not exist. Get-BurninBackup lists the backups beside the store.");

        try
        {
            using var c = SqliteFiles.OpenUnpooled(path, SqliteOpenMode.ReadOnly);
            var version = Migrations.ReadVersion(c);
            var check = SqliteFiles.IntegrityCheck(c);
            if (check != "ok")
                throw Corrupt(path, check);
            if (version > Migrations.Latest)
                throw Refuse("BackupSchemaTooNew", ErrorKind.InvalidData, path,
                    $"The backup '{path}' has schema version {version}, but this NasBurnin understands up to version {Latest}. It was made by a newer NasBurnin; update the module to restore it.");
            if (version < 1 || !HasNasBurninTables(c))
                throw Refuse("BackupNotNasBurnin", ErrorKind.InvalidData, path,
                    $"'{path}' is an SQLite database but not a NasBurnin store (no NasBurnin schema). Give the path of a NasBurnin backup.");
            return new RestoreCandidate(path, version, SqliteFiles.Size(path));
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 26) // SQLITE_NOTADB
        {
            throw Refuse("BackupNotSqlite", ErrorKind.InvalidData, path,
                $"'{path}' is not an SQLite database, so it is not a NasBurnin backup. Nothing was changed.", e);
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 11) // SQLITE_CORRUPT
        {
            throw Corrupt(path, e.Message, e);
        }
        catch (SqliteException e)
        {
            throw Refuse("BackupUnreadable", ErrorKind.PermissionDenied, path,
                $"The backup '{path}' cannot be read: {e.Message} Nothing was changed.", e);
        }
    }

    private static int Latest => Migrations.Latest;

    /// <summary>
    /// Replaces the store with the backup at <paramref name="backupPath"/>. Steps: check the backup;
    /// copy it beside the store (so the swap is a rename on one file system) and check the copy;
    /// checkpoint the store and close this process's connections; keep the store under the replaced
    /// name and move the copy in, in one atomic replace; audit <c>store_restored</c> in the restored store.
    /// </summary>
    public RestoreResult Restore(string backupPath, Actor actor, CancellationToken ct = default) =>
        Restore(Validate(backupPath), actor, ct);

    /// <summary>Restores a candidate from <see cref="Validate"/>; the copy is checked again, so a file changed since is still caught.</summary>
    public RestoreResult Restore(RestoreCandidate candidate, Actor actor, CancellationToken ct = default)
    {
        var storePath = _store.Path;
        var folder = Path.GetDirectoryName(storePath)!;
        var now = _store.Clock.UtcNow;
        var copy = Path.Combine(folder, $".{Path.GetFileName(storePath)}.restore-{Guid.NewGuid():N}");
        var replaced = ReplacedName(storePath, now);
        var swapped = false;
        try
        {
            var version = CopyBeside(candidate, copy, folder, ct);
            QuiesceStore();
            ct.ThrowIfCancellationRequested();
            Swap(copy, storePath, replaced);
            swapped = true;
            KeepAside(storePath, replaced);

            // Opening migrates an older backup forward; the audit event lands in the restored store.
            var restored = BurninStore.Open(storePath, _store.Clock);
            new AuditLog(restored).Record("store_restored", actor,
                $"restored from '{candidate.Path}' (schema {version}); the replaced store was kept as '{replaced}'");
            return new RestoreResult(storePath, candidate.Path, replaced, Migrations.Latest, now);
        }
        finally
        {
            SqliteFiles.DeleteWithSideFiles(copy);
            if (!swapped) UndoSwap(storePath, replaced);
        }
    }

    /// <summary>Copies the backup beside the store and checks the copy; returns its schema version.</summary>
    private static int CopyBeside(RestoreCandidate candidate, string copy, string folder, CancellationToken ct)
    {
        int version;
        try
        {
            using var source = SqliteFiles.OpenUnpooled(candidate.Path, SqliteOpenMode.ReadOnly);
            version = SqliteFiles.CopyVerified(source, copy, ct);
        }
        catch (CopyNotIntactException e) { throw Corrupt(candidate.Path, e.Message, e); }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException)
        {
            throw new BurninException(SqliteFiles.IsDiskFull(e) ? "RestoreDiskFull" : "RestoreFailed", ErrorKind.WriteError,
                $"The backup could not be copied beside the store in '{folder}': {e.Message} The store was not changed.", e) { Target = candidate.Path };
        }
        if (version > Migrations.Latest || version < 1)
            throw Refuse("BackupChanged", ErrorKind.InvalidData, candidate.Path,
                $"The backup '{candidate.Path}' changed while it was being restored (schema version {version} now). Nothing was changed; run Restore-BurninStore again.");
        return version;
    }

    /// <summary>Moves the checked copy in under the store's name in one atomic replace, keeping the old file as <paramref name="replaced"/>.</summary>
    private static void Swap(string copy, string storePath, string replaced)
    {
        try
        {
            // A WAL left by another process belongs to the replaced file, never to the restored one.
            MoveAside(storePath + "-wal", replaced + "-wal");
            DeleteIfExists(storePath + "-shm");
            File.Replace(copy, storePath, replaced, ignoreMetadataErrors: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BurninException("RestoreFailed", ErrorKind.WriteError,
                $"The store '{storePath}' could not be replaced: {e.Message} The store was not changed.", e) { Target = storePath };
        }
    }

    /// <summary>After the swap: owner-only files, and a damage mark stays with the replaced file (the restored store takes writes).</summary>
    private static void KeepAside(string storePath, string replaced)
    {
        SqliteFiles.MakePrivate(storePath);
        SqliteFiles.MakePrivate(replaced);
        SqliteFiles.MakePrivate(replaced + "-wal");
        MoveAside(StoreDamage.MarkerPath(storePath), StoreDamage.MarkerPath(replaced));
    }

    /// <summary>
    /// Undoes a half-done swap: the WAL goes back to the store, and a link to it made by a replace that
    /// did not finish is dropped (the store itself was never moved).
    /// </summary>
    private static void UndoSwap(string storePath, string replaced)
    {
        if (File.Exists(replaced + "-wal") && !File.Exists(storePath + "-wal"))
            File.Move(replaced + "-wal", storePath + "-wal");
        if (File.Exists(storePath) && File.Exists(replaced))
            DeleteIfExists(replaced);
    }

    /// <summary>
    /// Copies everything in the store's WAL into the database file and closes this process's pooled
    /// connections, so the file on disk is the whole store. A busy checkpoint means another process is
    /// using the store right now; replacing it under that process would lose its writes.
    /// </summary>
    private void QuiesceStore()
    {
        var busy = _store.Read(c =>
        {
            using var cmd = c.CreateCommand();
            cmd.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            using var r = cmd.ExecuteReader();
            return r.Read() && r.GetInt32(0) != 0;
        });
        if (busy)
            throw new BurninException("StoreInUse", ErrorKind.ResourceUnavailable,
                $"Another process is using the store '{_store.Path}' (a scheduled sync or retention, or another session). Stop it and run Restore-BurninStore again; the store was not changed.") { Target = _store.Path };
        SqliteConnection.ClearAllPools();
    }

    /// <summary><c>burnin.db.replaced-20260102T030405Z</c>, with a counter when that name is taken.</summary>
    internal static string ReplacedName(string storePath, DateTimeOffset now)
    {
        var stem = storePath + ".replaced-" + now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var name = stem;
        for (var i = 2; File.Exists(name) || File.Exists(name + "-wal"); i++)
            name = stem + "-" + i.ToString(CultureInfo.InvariantCulture);
        return name;
    }

    private static bool HasNasBurninTables(SqliteConnection c)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN ('settings', 'burnin_stages', 'audit_events')";
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture) == 3;
    }

    private static void MoveAside(string from, string to)
    {
        if (!File.Exists(from)) return;
        if (new FileInfo(from).Length == 0) File.Delete(from);
        else File.Move(from, to);
    }

    private static void DeleteIfExists(string path)
    {
        try { File.Delete(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    private static BurninException Corrupt(string path, string check, Exception? inner = null) =>
        Refuse("BackupCorrupt", ErrorKind.InvalidData, path,
            $"The backup '{path}' is damaged and was not restored: {check.Split('\n')[0].Trim()}. Nothing was changed; choose an older backup (Get-BurninBackup).", inner);

    private static BurninException Refuse(string id, ErrorKind kind, string path, string message, Exception? inner = null) =>
        new(id, kind, message, inner) { Target = path };
}
