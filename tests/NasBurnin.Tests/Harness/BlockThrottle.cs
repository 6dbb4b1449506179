namespace NasBurnin.Tests.Harness;

/// <summary>
/// Slows one of the test's own loop devices to disk speed with cgroup v1 blkio throttling (read and write
/// bytes per second, in the root cgroup, so every process's I/O to that one device is limited, and
/// nothing else), so a surface pass lasts long enough to be caught in a chosen phase. Dispose lifts the limit.
/// </summary>
public sealed class BlockThrottle : IDisposable
{
    private const string Root = "/sys/fs/cgroup/blkio";
    private readonly string _id;

    public static bool Available => File.Exists(Path.Combine(Root, "blkio.throttle.write_bps_device"));

    public static string Unavailable => "skipped: cgroup v1 blkio throttling (/sys/fs/cgroup/blkio) is not available here";

    public BlockThrottle(string device, long bytesPerSecond)
    {
        var rdev = new FileInfo(device).Exists ? Stat(device) : throw new ArgumentException($"no device {device}");
        _id = rdev;
        Write(bytesPerSecond);
    }

    private static string Stat(string device)
    {
        var r = ChildProcess.Run("stat", new[] { "-L", "-c", "%t %T", device });
        var p = r.StdOut.Trim().Split(' ');
        return $"{Convert.ToInt32(p[0], 16)}:{Convert.ToInt32(p[1], 16)}";
    }

    private void Write(long bps)
    {
        foreach (var f in new[] { "blkio.throttle.read_bps_device", "blkio.throttle.write_bps_device" })
            File.WriteAllText(Path.Combine(Root, f), $"{_id} {bps}\n");
    }

    public void Dispose() => Write(0);
}
