using Microsoft.Data.Sqlite;
using NasBurnin.Engine.Store;

namespace NasBurnin.Engine.Maintenance;

/// <summary>
/// File-level work shared by backup and restore: private files, verified copies through SQLite's
/// backup API, integrity checks and clean-up of a database with its side files.
/// </summary>
internal static class SqliteFiles
{
    private static readonly string[] SideFiles = { "-journal", "-wal", "-shm" };

    /// <summary>An unpooled connection, so the file is closed the moment it is disposed (before a rename or delete).</summary>
    public static SqliteConnection OpenUnpooled(string path, SqliteOpenMode mode)
    {
        var c = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = mode,
            Pooling = false,
            DefaultTimeout = BurninStore.BusyTimeoutSeconds,
        }.ToString());
        c.Open();
        return c;
    }

    /// <summary>"ok", or the first problems <c>PRAGMA integrity_check</c> found, one per line.</summary>
    public static string IntegrityCheck(SqliteConnection c, CancellationToken ct = default)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = "PRAGMA integrity_check(20)";
        cmd.CommandTimeout = 0;
        return SqliteInterrupt.Run(c, ct, () =>
        {
            var lines = new List<string>();
            using var r = cmd.ExecuteReader();
            while (r.Read()) lines.Add(r.GetString(0));
            return string.Join(Environment.NewLine, lines);
        });
    }

    /// <summary>Pages one backup step copies (4 MB at the store's 4 KB pages).</summary>
    internal const int BackupStepPages = 1024;

    /// <summary>
    /// Copies <paramref name="source"/> into the new file <paramref name="target"/> (created 0600) with
    /// the backup API in steps (<see cref="CopyInSteps"/>), so the copy is a single consistent snapshot:
    /// in WAL mode the source's writers keep committing meanwhile, and nothing restarts the copy. The copy is then switched to a
    /// rollback journal (one self-contained file), integrity-checked and flushed to disk.
    /// Returns the copy's schema version. The caller deletes <paramref name="target"/> on failure.
    /// </summary>
    public static int CopyVerified(SqliteConnection source, string target, CancellationToken ct)
    {
        CreatePrivate(target);
        using (var dst = OpenUnpooled(target, SqliteOpenMode.ReadWrite))
        {
            // No syncs while the partial file is written: it has no value until it is complete and
            // checked, and then it is flushed once. Fewer syncs also mean less I/O for the store's writers to wait behind.
            Exec(dst, "PRAGMA synchronous = OFF");
            CopyInSteps(source, dst, ct);
        }
        ct.ThrowIfCancellationRequested();

        // The copied header still says WAL; reopen so the switch really rewrites it.
        int version;
        string check;
        using (var dst = OpenUnpooled(target, SqliteOpenMode.ReadWrite))
        {
            Exec(dst, "PRAGMA synchronous = OFF");
            Exec(dst, "PRAGMA journal_mode = DELETE");
            check = IntegrityCheck(dst, ct);
            version = Migrations.ReadVersion(dst);
        }
        if (check != "ok")
            throw new CopyNotIntactException(check);
        Flush(target);
        return version;
    }

    /// <summary>
    /// The backup API in steps of <see cref="BackupStepPages"/> pages, all inside one read transaction on
    /// the source. That transaction is what keeps the copy whole: in WAL mode it reads one snapshot and
    /// blocks no writer, and since the source's view never changes between steps, SQLite never restarts
    /// the copy (without it, every commit by another connection would send the copy back to page 1).
    /// Between steps the copy can be cancelled.
    /// </summary>
    private static void CopyInSteps(SqliteConnection source, SqliteConnection dst, CancellationToken ct)
    {
        using var snapshot = source.BeginTransaction(deferred: true);
        using (var read = source.CreateCommand())
        {
            read.Transaction = snapshot;
            read.CommandText = "SELECT count(*) FROM sqlite_schema"; // starts the read: the snapshot is taken here
            read.ExecuteScalar();
        }
        var backup = SQLitePCL.raw.sqlite3_backup_init(dst.Handle, "main", source.Handle, "main");
        if (backup is null || backup.IsInvalid)
            SqliteException.ThrowExceptionForRC(SQLitePCL.raw.sqlite3_errcode(dst.Handle), dst.Handle);
        var rc = SQLitePCL.raw.SQLITE_OK;
        try
        {
            while (true)
            {
                ct.ThrowIfCancellationRequested();
                rc = SQLitePCL.raw.sqlite3_backup_step(backup, BackupStepPages);
                if (rc == SQLitePCL.raw.SQLITE_DONE) break;
                if (rc is SQLitePCL.raw.SQLITE_BUSY or SQLitePCL.raw.SQLITE_LOCKED) Thread.Sleep(10); // the target, briefly held elsewhere
                else if (rc != SQLitePCL.raw.SQLITE_OK) break;
            }
        }
        finally
        {
            SQLitePCL.raw.sqlite3_backup_finish(backup);
        }
        if (rc != SQLitePCL.raw.SQLITE_DONE)
            SqliteException.ThrowExceptionForRC(rc, dst.Handle);
        snapshot.Commit();
    }

    private static void Exec(SqliteConnection c, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    /// <summary>Creates an empty file readable by its owner only (0600 on Unix), failing if it exists.</summary>
    public static void CreatePrivate(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = StoreFile.FileMode600;
        using var _ = new FileStream(path, options);
    }

    /// <summary>Makes an existing file 0600 on Unix.</summary>
    public static void MakePrivate(string path)
    {
        if (!OperatingSystem.IsWindows() && File.Exists(path))
            File.SetUnixFileMode(path, StoreFile.FileMode600);
    }

    /// <summary>Creates a folder (0700 on Unix) when missing.</summary>
    public static void EnsureFolder(string folder)
    {
        if (Directory.Exists(folder)) return;
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(folder);
        else Directory.CreateDirectory(folder, StoreFile.DirMode700);
    }

    /// <summary>Forces the file's data to disk (fsync), so a rename after it never exposes unwritten blocks.</summary>
    public static void Flush(string path)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        fs.Flush(flushToDisk: true);
    }

    /// <summary>Deletes a database file and its journal, WAL and shared-memory files; never throws.</summary>
    public static void DeleteWithSideFiles(string path)
    {
        foreach (var p in SideFiles.Select(s => path + s).Prepend(path))
        {
            try { File.Delete(p); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
    }

    /// <summary>Bytes of the database file plus its write-ahead log.</summary>
    public static long SizeWithWal(string path) => Size(path) + Size(path + "-wal");

    public static long Size(string path)
    {
        try { return File.Exists(path) ? new FileInfo(path).Length : 0; }
        catch (IOException) { return 0; }
    }

    /// <summary>True for SQLite's "disk full" and the OS's ENOSPC / ERROR_DISK_FULL / ERROR_HANDLE_DISK_FULL.</summary>
    public static bool IsDiskFull(Exception e) => e switch
    {
        SqliteException s => s.SqliteErrorCode == 13,
        IOException io => io.HResult is 28 or unchecked((int)0x80070070) or unchecked((int)0x80070027),
        _ => false,
    };

    /// <summary>Free bytes on the volume holding <paramref name="folder"/>, or null when the OS will not say.</summary>
    public static long? FreeBytes(string folder)
    {
        try { return new DriveInfo(folder).AvailableFreeSpace; }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException) { return null; }
    }

    public static string FormatBytes(long bytes) => bytes switch
    {
        >= 1L << 30 => string.Create(Inv, $"{bytes / (double)(1L << 30):0.0} GB"),
        >= 1L << 20 => string.Create(Inv, $"{bytes / (double)(1L << 20):0.0} MB"),
        >= 1L << 10 => string.Create(Inv, $"{bytes / (double)(1L << 10):0.0} KB"),
        _ => string.Create(Inv, $"{bytes} bytes"),
    };

    private static readonly System.Globalization.CultureInfo Inv = System.Globalization.CultureInfo.InvariantCulture;

    public static bool SamePath(string a, string b) =>
        string.Equals(Path.GetFullPath(a), Path.GetFullPath(b),
            OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
}

/// <summary>A fresh copy failed its integrity check (the source or the disk is damaged).</summary>
internal sealed class CopyNotIntactException : Exception
{
    public CopyNotIntactException(string check) : base(check) { }
}
