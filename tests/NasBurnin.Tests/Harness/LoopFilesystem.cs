namespace NasBurnin.Tests.Harness;

/// <summary>
/// A small ext4 file system on a loop device over a file in a temp folder, mounted in that folder: a
/// real disk that really fills up. Needs root and losetup; <see cref="TryCreate"/> says why not
/// otherwise. Dispose unmounts, detaches the loop device it created and deletes everything.
/// </summary>
public sealed class LoopFilesystem : IDisposable
{
    private readonly TempDir _dir;
    private string? _device;
    private bool _mounted;

    private LoopFilesystem(TempDir dir) => _dir = dir;

    public string MountPoint => _dir.File("mnt");

    public static LoopFilesystem? TryCreate(int sizeMiB, out string? skipReason)
    {
        skipReason = OperatingSystem.IsWindows() ? "not Linux"
            : Environment.UserName != "root" ? "needs root to create a loop device"
            : !File.Exists("/usr/sbin/losetup") && !File.Exists("/sbin/losetup") ? "losetup is not installed"
            : !File.Exists("/usr/sbin/mkfs.ext4") && !File.Exists("/sbin/mkfs.ext4") ? "mkfs.ext4 is not installed"
            : null;
        if (skipReason is not null) return null;

        var fs = new LoopFilesystem(new TempDir());
        try
        {
            var image = fs._dir.File("disk.img");
            using (var f = File.Create(image)) f.SetLength((long)sizeMiB << 20);
            var attach = ChildProcess.Run("losetup", new[] { "-f", "--show", image });
            if (attach.ExitCode != 0)
            {
                skipReason = "losetup could not attach a loop device: " + attach.StdErr.Trim();
                fs.Dispose();
                return null;
            }
            fs._device = attach.StdOut.Trim();
            Must(ChildProcess.Run("mkfs.ext4", new[] { "-q", "-F", fs._device }), "mkfs.ext4");
            Directory.CreateDirectory(fs.MountPoint);
            Must(ChildProcess.Run("mount", new[] { fs._device, fs.MountPoint }), "mount");
            fs._mounted = true;
            return fs;
        }
        catch
        {
            fs.Dispose();
            throw;
        }
    }

    public long FreeBytes => new DriveInfo(MountPoint).AvailableFreeSpace;

    private static void Must(ChildProcess.Result r, string what)
    {
        if (r.ExitCode != 0) throw new InvalidOperationException($"{what} failed: {r.StdErr}");
    }

    public void Dispose()
    {
        if (_mounted)
        {
            if (ChildProcess.Run("umount", new[] { MountPoint }).ExitCode != 0)
                ChildProcess.Run("umount", new[] { "-l", MountPoint }); // a lingering handle: detach lazily
            _mounted = false;
        }
        if (_device is not null)
        {
            ChildProcess.Run("losetup", new[] { "-d", _device });
            _device = null;
        }
        _dir.Dispose();
    }
}
