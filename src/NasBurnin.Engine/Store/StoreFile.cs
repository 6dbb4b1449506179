using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using NasBurnin.Engine.Common;

namespace NasBurnin.Engine.Store;

/// <summary>
/// Checks and prepares the store file before SQLite touches it, so a wrong path is refused with a
/// clear message and the file it names is left exactly as it was. A store is only ever created where
/// no file exists: it is built complete under a temporary name and linked into place, so no process
/// ever sees a half-made store, and an existing empty file is refused, never taken for a new store.
/// </summary>
internal static class StoreFile
{
    private static readonly byte[] SqliteHeader = "SQLite format 3\0"u8.ToArray();

    internal const UnixFileMode FileMode600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    internal const UnixFileMode DirMode700 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>
    /// Stores this process has opened with SQLite. Their header is never read through a file handle of
    /// our own again: closing any descriptor of a file drops every POSIX (fcntl) lock the process holds on
    /// it, SQLite's included, and a process without its locks looks gone to the others. Another process
    /// (a scheduled sync, the sqlite3 tool) closing last would then checkpoint and delete the WAL under
    /// this process's connections, which would go on reading a stale snapshot and could write beside it.
    /// </summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> OpenedBySqlite = new(StringComparer.Ordinal);

    /// <summary>Called before the first SQLite connection to <paramref name="path"/> in this process.</summary>
    public static void MarkOpenedBySqlite(string path) => OpenedBySqlite.TryAdd(path, 0);

    /// <summary>Refuses directories, unreadable files, empty files and files that are not SQLite databases.</summary>
    public static void Validate(string path)
    {
        if (Directory.Exists(path))
            throw Invalid("StorePathIsDirectory", path,
                $"The store path '{path}' is a directory. Give the path of a file, for example '{Path.Combine(path, StoreLocation.FileName)}'.");

        var parent = Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(parent) && File.Exists(parent))
            throw Invalid("StorePathParentNotDirectory", path,
                $"The store path '{path}' is inside '{parent}', which is a file, not a folder. Give a path in a folder.");

        if (!File.Exists(path))
            return;

        if (OpenedBySqlite.ContainsKey(path))
        {
            // Only stat(2) here (see OpenedBySqlite); SQLite itself reports a file that stopped being a database.
            if (new FileInfo(path).Length == 0)
                throw Empty(path);
            return;
        }

        byte[] head = new byte[SqliteHeader.Length];
        int read;
        try
        {
            using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            read = fs.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new BurninException("StoreUnreadable", ErrorKind.PermissionDenied,
                $"The store file '{path}' cannot be read: {e.Message} Check its owner and permissions (the store should be mode 0600, owned by the user running NasBurnin).", e)
            { Target = path };
        }

        // SQLite would take an empty file for a new database. A store is never empty (it is created
        // complete), so an empty file is a store that lost its content (a full disk, a bad copy, a
        // truncation): starting afresh in its place would drop its users, and with them sign-in.
        if (read == 0)
            throw Empty(path);
        if (read < head.Length || !head.AsSpan().SequenceEqual(SqliteHeader))
            throw Invalid("StoreNotSqlite", path,
                $"The file '{path}' is not a NasBurnin store (not an SQLite database). It was left untouched. Give the path of a NasBurnin store or of a file that does not exist yet.");
    }

    /// <summary>
    /// Creates the folder (0700) and a new store (0600, schema applied) when the file is absent;
    /// tightens an existing file to 0600. Two processes creating the same store at once both end up
    /// with the one that was linked first.
    /// </summary>
    public static void CreateIfMissing(string path)
    {
        var dir = Path.GetDirectoryName(path);
        string? temp = null;
        try
        {
            if (!string.IsNullOrEmpty(dir) && !Directory.Exists(dir))
            {
                if (OperatingSystem.IsWindows()) Directory.CreateDirectory(dir);
                else Directory.CreateDirectory(dir, DirMode700);
            }
            if (!File.Exists(path))
            {
                temp = Path.Combine(dir ?? ".", $".{Path.GetFileName(path)}.new-{Guid.NewGuid():N}");
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows()) options.UnixCreateMode = FileMode600;
                using (new FileStream(temp, options)) { }
                using (var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = temp, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString()))
                {
                    c.Open();
                    Migrations.Apply(c, path);
                }
                LinkIfAbsent(temp, path); // false: another process created it first; either way one complete store is there
            }
            else if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & ~FileMode600) != 0)
            {
                File.SetUnixFileMode(path, FileMode600);
            }
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException or SqliteException)
        {
            throw new BurninException("StoreNotWritable", ErrorKind.PermissionDenied,
                $"The store '{path}' cannot be created: {e.Message}", e) { Target = path };
        }
        finally
        {
            if (temp is not null)
                foreach (var f in new[] { temp, temp + "-journal" })
                    try { File.Delete(f); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>
    /// Puts <paramref name="source"/> at <paramref name="target"/> only if nothing is there, atomically:
    /// link(2) on Unix (rename would replace a store another process just created), MoveFileEx without
    /// replace on Windows. Returns false when the target already exists. The caller removes the source.
    /// </summary>
    private static bool LinkIfAbsent(string source, string target)
    {
        if (OperatingSystem.IsWindows())
        {
            try { File.Move(source, target, overwrite: false); return true; }
            catch (IOException) when (File.Exists(target)) { return false; }
        }
        if (Link(source, target) == 0) return true;
        var errno = Marshal.GetLastPInvokeError();
        if (errno == 17) return false; // EEXIST
        // A file system without hard links: the checked rename is the best left.
        if (File.Exists(target)) return false;
        File.Move(source, target, overwrite: false);
        return true;
    }

    [DllImport("libc", EntryPoint = "link", SetLastError = true)]
    private static extern int Link([MarshalAs(UnmanagedType.LPUTF8Str)] string oldPath, [MarshalAs(UnmanagedType.LPUTF8Str)] string newPath);

    private static BurninException Empty(string path) =>
        new("StoreEmpty", ErrorKind.InvalidData,
            $"The store file '{path}' is empty (0 bytes), so its results, users and audit trail are gone from it. NasBurnin does not start a new store in its place. " +
            EmptyAdvice(path)) { Target = path };

    /// <summary>What to do about an empty store file: put the newest good backup in its place.</summary>
    private static string EmptyAdvice(string path)
    {
        string? good = null;
        try { good = StoreDamage.GoodBackupFinder?.Invoke(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return good is not null
            ? $"Put the newest good backup in its place: Copy-Item '{good}' '{path}' -Force (Get-BurninBackup lists the backups). To really start a new store, delete the empty file first."
            : $"No backup that passes its check was found beside it. Copy a backup over it (Copy-Item <backup> '{path}' -Force), or, to really start a new store, delete the empty file first.";
    }

    private static BurninException Invalid(string id, string path, string message) =>
        new(id, ErrorKind.InvalidArgument, message) { Target = path };
}
