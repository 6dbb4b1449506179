using System.Runtime.Versioning;

namespace NasBurnin.Tests.Harness;

/// <summary>
/// A read-only view of a folder: as root, a read-only bind mount (root ignores file modes); otherwise
/// the folder and its files made read-only. Dispose undoes it.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class ReadOnlyView : IDisposable
{
    private readonly string? _mount;
    private readonly string _source;
    private readonly List<(string Path, UnixFileMode Mode)> _modes = new();

    public ReadOnlyView(string source, string mountPoint)
    {
        _source = source;
        if (Environment.UserName == "root")
        {
            Directory.CreateDirectory(mountPoint);
            var bind = ChildProcess.Run("mount", new[] { "--bind", source, mountPoint });
            if (bind.ExitCode != 0) throw new InvalidOperationException("mount --bind failed: " + bind.StdErr);
            _mount = mountPoint;
            var ro = ChildProcess.Run("mount", new[] { "-o", "remount,bind,ro", mountPoint });
            if (ro.ExitCode != 0)
            {
                Dispose();
                throw new InvalidOperationException("remount read-only failed: " + ro.StdErr);
            }
            Path = mountPoint;
        }
        else
        {
            foreach (var f in Directory.GetFiles(source).Append(source))
            {
                _modes.Add((f, File.GetUnixFileMode(f)));
                File.SetUnixFileMode(f, File.GetUnixFileMode(f) & ~(UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite));
            }
            Path = source;
        }
    }

    /// <summary>The read-only folder to use.</summary>
    public string Path { get; }

    public void Dispose()
    {
        if (_mount is not null && ChildProcess.Run("umount", new[] { _mount }).ExitCode != 0)
            ChildProcess.Run("umount", new[] { "-l", _mount }); // pooled connections may still hold files open
        foreach (var (p, m) in _modes) File.SetUnixFileMode(p, m);
    }
}
