using System.Globalization;

namespace NasBurnin.Bench.Surface;

/// <summary>
/// When badblocks itself started and ended, on both sides alike, so the scan can be compared apart
/// from what surrounds it. Start: the sandbox guard logs the moment it execs the real tool (with
/// nanoseconds). End: the plain side sees its child exit; for the runner's badblocks this watches
/// /proc every 20 ms until it is gone or a zombie (the runner reaps it only at its next check).
/// </summary>
internal sealed class BadblocksClock
{
    private readonly string _guardLog;

    public BadblocksClock(string stateDir) => _guardLog = Path.Combine(stateDir, "guard.log");

    /// <summary>Where the guard log ends now: pass it to <see cref="ExecAt"/> to see only later calls.</summary>
    public long Mark() => File.Exists(_guardLog) ? new FileInfo(_guardLog).Length : 0;

    /// <summary>The last time after <paramref name="mark"/> the guard exec'ed badblocks with an argument containing <paramref name="marker"/>.</summary>
    public DateTimeOffset? ExecAt(long mark, string marker)
    {
        if (!File.Exists(_guardLog)) return null;
        using var f = new FileStream(_guardLog, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        f.Seek(Math.Min(mark, f.Length), SeekOrigin.Begin);
        using var r = new StreamReader(f);
        DateTimeOffset? found = null;
        while (r.ReadLine() is { } line)
        {
            var parts = line.Split(' ', 4);
            if (parts.Length == 4 && parts[1] == "allow" && parts[2] == "badblocks" && parts[3].Contains(marker, StringComparison.Ordinal)
                && decimal.TryParse(parts[0], NumberStyles.Number, CultureInfo.InvariantCulture, out var epoch))
                found = DateTimeOffset.UnixEpoch.AddTicks((long)(epoch * TimeSpan.TicksPerSecond));
        }
        return found;
    }

    /// <summary>Starts watching for the badblocks whose command line contains <paramref name="marker"/>.</summary>
    public static Watch WatchFor(string marker, CancellationToken ct) => new(marker, ct);

    /// <summary>One badblocks process: <see cref="Appeared"/> once it runs, <see cref="Exited"/> with the time it ended (null when the watch was cancelled first).</summary>
    public sealed class Watch
    {
        private readonly TaskCompletionSource _appeared = new(TaskCreationOptions.RunContinuationsAsynchronously);

        internal Watch(string marker, CancellationToken ct) => Exited = Task.Run(() => RunAsync(marker, ct), CancellationToken.None);

        public Task Appeared => _appeared.Task;

        public Task<DateTimeOffset?> Exited { get; }

        private async Task<DateTimeOffset?> RunAsync(string marker, CancellationToken ct)
        {
            try
            {
                int? found;
                while ((found = Find(marker)) is null) await Task.Delay(100, ct);
                _appeared.TrySetResult();
                while (Running(found.Value)) await Task.Delay(20, ct);
                return DateTimeOffset.UtcNow;
            }
            catch (OperationCanceledException) { return null; }
        }
    }

    private static int? Find(string marker)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
            try
            {
                var cmd = File.ReadAllText(Path.Combine(dir, "cmdline"));
                if (cmd.Contains("badblocks\0", StringComparison.Ordinal) && cmd.Contains(marker, StringComparison.Ordinal)) return pid;
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return null;
    }

    private static bool Running(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var close = stat.LastIndexOf(')');
            return close > 0 && close + 2 < stat.Length && stat[close + 2] != 'Z';
        }
        catch (IOException) { return false; }
    }
}
