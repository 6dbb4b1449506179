using NasBurnin.Engine.Common;

namespace NasBurnin.Engine.Store;

/// <summary>
/// Checks and prepares the store file before SQLite touches it, so a wrong path is refused with a
/// clear message and the file it names is left exactly as it was.
/// </summary>
internal static class StoreFile
{
    private static readonly byte[] SqliteHeader = "SQLite format 3\0"u8.ToArray();

    internal const UnixFileMode FileMode600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    internal const UnixFileMode DirMode700 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Refuses directories, unreadable files and files that are not SQLite databases.</summary>
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

        // An empty file is an empty SQLite database; anything else must carry SQLite's header.
        if (read == 0)
            return;
        if (read < head.Length || !head.AsSpan().SequenceEqual(SqliteHeader))
            throw Invalid("StoreNotSqlite", path,
                $"The file '{path}' is not a NasBurnin store (not an SQLite database). It was left untouched. Give the path of a NasBurnin store or of a file that does not exist yet.");
    }

    /// <summary>Creates the folder (0700) and an empty file (0600) when missing; tightens an existing file to 0600.</summary>
    public static void Prepare(string path)
    {
        var dir = Path.GetDirectoryName(path);
        try
        {
            if (!string.IsNullOrEmpty(dir) && !Directory.Exists(dir))
            {
                if (OperatingSystem.IsWindows()) Directory.CreateDirectory(dir);
                else Directory.CreateDirectory(dir, DirMode700);
            }
            if (!File.Exists(path))
            {
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows()) options.UnixCreateMode = FileMode600;
                try { using var _ = new FileStream(path, options); }
                catch (IOException) when (File.Exists(path)) { /* another process created it first */ }
            }
            else if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & ~FileMode600) != 0)
            {
                File.SetUnixFileMode(path, FileMode600);
            }
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new BurninException("StoreNotWritable", ErrorKind.PermissionDenied,
                $"The store '{path}' cannot be created: {e.Message}", e) { Target = path };
        }
    }

    private static BurninException Invalid(string id, string path, string message) =>
        new(id, ErrorKind.InvalidArgument, message) { Target = path };
}
