using System.Diagnostics;
using System.Globalization;
using NasBurnin.Engine.Burnin;
using NasBurnin.Engine.Common;
using NasBurnin.Engine.Store;
using NasBurnin.Engine.Tests.Burnin;

namespace NasBurnin.Bench.Surface;

/// <summary>
/// What a resume costs (issue 14): on one drive, slowed to disk speed with cgroup v1 blkio throttling, an
/// uninterrupted SurfaceValidate pass against the same pass with its runner killed (kill -9) halfway through
/// the write phase of the second pattern and resumed (Resume-BurninRun's engine path) from its checkpoint.
/// The resumed pass's time is its work time: start to kill plus resume to end (the time it lay interrupted
/// is not the resume's cost). Goal: extra time at most the cut phase's prefix read plus one checkpoint
/// interval. Runs alternate (plain, resumed) over the rounds; medians are printed.
/// </summary>
internal static class ResumeCost
{
    public static async Task RunAsync(TestNas nas, NasBurninSide side, long driveId, string device, int rounds, long bytesPerSecond, CancellationToken ct)
    {
        var rdev = Rdev(device);
        Throttle(rdev, bytesPerSecond);
        try
        {
            var plain = new List<double>();
            var resumed = new List<double>();
            var prefixes = new List<double>();
            for (var r = 0; r < rounds; r++)
            {
                var p = await side.RunAsync(driveId, 500, false, ct);
                plain.Add(p.Wall.TotalSeconds);
                var (work, prefixBlocks, blocks) = await side.RunCutAndResumeAsync(driveId, ct);
                resumed.Add(work.TotalSeconds);
                var prefixRead = prefixBlocks * (double)(p.Wall.TotalSeconds / 8) / blocks; // one phase reads every block
                prefixes.Add(prefixRead);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  round {r + 1}: uninterrupted {p.Wall.TotalSeconds:F2} s, cut + resumed {work.TotalSeconds:F2} s (cut at block {prefixBlocks} of {blocks}: prefix read ~{prefixRead:F2} s)"));
            }
            double Median(List<double> v) { var s = v.OrderBy(x => x).ToList(); return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2; }
            var extra = Median(resumed) - Median(plain);
            var interval = Math.Clamp(2 * side.Settings.RunnerPollSeconds, 1, 60);
            Console.WriteLine();
            var goal = Median(prefixes) + interval;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"resume cost ({rounds} rounds, {device} at {bytesPerSecond >> 20} MiB/s): uninterrupted {Median(plain):F2} s, cut and resumed {Median(resumed):F2} s " +
                $"(ratio {Median(resumed) / Median(plain):F3}, extra {extra:F2} s); goal: extra <= prefix read {Median(prefixes):F2} s + checkpoint interval {interval} s = {goal:F2} s: {(extra <= goal ? "met" : "MISSED")}"));
        }
        finally { Throttle(rdev, 0); }
    }

    internal static string Rdev(string device)
    {
        using var p = Process.Start(new ProcessStartInfo("stat", new[] { "-L", "-c", "%t %T", device }) { RedirectStandardOutput = true })!;
        var f = p.StandardOutput.ReadToEnd().Trim().Split(' ');
        p.WaitForExit();
        return $"{Convert.ToInt32(f[0], 16)}:{Convert.ToInt32(f[1], 16)}";
    }

    /// <summary>cgroup v1 blkio throttling of one device, read and write (0 lifts it).</summary>
    internal static void Throttle(string rdev, long bps)
    {
        foreach (var f in new[] { "read", "write" })
            File.WriteAllText($"/sys/fs/cgroup/blkio/blkio.throttle.{f}_bps_device", $"{rdev} {bps}\n");
    }
}
