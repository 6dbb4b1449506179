using NasBurnin.Engine.Common;

namespace NasBurnin.Engine.Reports;

/// <summary>
/// Writes a report so that a reader (a web server serving the status page every few minutes) sees the old file
/// or the new one, never half of one: the text goes to a temporary file beside the target, which is then renamed
/// over it (a rename within one folder is atomic).
/// </summary>
internal static class AtomicFile
{
    public static FileInfo Write(string path, string text)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full))
            throw new BurninException("ReportPathIsDirectory", ErrorKind.InvalidArgument,
                $"The report path '{full}' is a folder. Give the path of a file, for example '{Path.Combine(full, "burnin-report.html")}'.") { Target = full };
        var folder = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(folder))
            throw new BurninException("ReportFolderNotFound", ErrorKind.NotFound,
                $"The folder '{folder}' for the report '{full}' does not exist. Create it first, or give a path in an existing folder.") { Target = full };
        var tmp = Path.Combine(folder, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            File.WriteAllText(tmp, text, new System.Text.UTF8Encoding(false));
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(tmp, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            File.Move(tmp, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try { File.Delete(tmp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw new BurninException("ReportWriteFailed", ErrorKind.WriteError,
                $"The report could not be written to '{full}': {e.Message}", e) { Target = full };
        }
        return new FileInfo(full);
    }
}
