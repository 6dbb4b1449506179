using System.Globalization;
using System.Text.Json;
using NasBurnin.Engine.Burnin;
using NasBurnin.Engine.Tests.Burnin;

namespace NasBurnin.Bench.Surface;

internal enum Job { NasBurnin, PlainDefault, PlainMatched }

/// <summary>One job of one round: which drive, the load when it began, and what it measured.</summary>
internal sealed record Measurement(int Round, int Position, Job Job, string Device, double Load1, TimeSpan Wall, NasBurninResult? Nb, PlainResult? Plain);

/// <summary>
/// The rounds. Jobs run one at a time (two at once would compete for the 2 cores and the disk); the
/// order rotates every round so each job goes first equally often, and the two drives alternate so
/// every job uses both. Before each job the page cache is flushed (sync, untimed) so no job pays for
/// the previous one's writeback.
/// </summary>
internal static class Bench
{
    public static async Task<Report> RunAsync(TestNas nas, Options o, string outDir, CancellationToken ct)
    {
        var sh = new SandboxShell(nas);
        var drives = PickDrives(nas);
        using var side = new NasBurninSide(nas, o.RunnerPollSeconds);
        var ids = new List<long>();
        foreach (var d in drives)
            ids.Add(side.AddDrive(d, await sh.CheckedAsync("smartctl -j -x \"$1\"", new[] { Device(d) }, ct)));
        var planned = ids.Select(side.PlannedBadblocks).Distinct().ToList();
        if (planned.Count != 1) throw new InvalidOperationException("the planner chose different badblocks arguments for the two drives: " + string.Join(", ", planned));
        var bb = planned[0];

        Console.WriteLine($"  drives: {string.Join(", ", drives.Select(d => $"#{d.GetProperty("index").GetInt32()} {Device(d)} {d.GetProperty("serial").GetString()}"))}" +
                          $" ({drives[0].GetProperty("transport").GetString()}, {drives[0].GetProperty("template").GetString()}, {o.SizeMib} MiB)");
        Console.WriteLine($"  NasBurnin planned: badblocks -b {bb.BlockSize} -c {bb.BlocksPerIo}, {bb.Phases} phases");
        Console.WriteLine("  warm-up: writing each drive once (a sparse backing file's first write allocates; no round should pay that)");
        foreach (var d in drives)
            await sh.CheckedAsync("dd if=/dev/zero of=\"$1\" bs=1M count=\"$2\" conv=fsync status=none",
                new[] { Device(d), (d.GetProperty("sizeBytes").GetInt64() >> 20).ToString(CultureInfo.InvariantCulture) }, ct);

        // Disk speed: both drives throttled (cgroup v1 blkio) for the rounds, so badblocks waits on the "disk" as on a NAS.
        var rdevs = o.ThrottleMibps is { } mibps ? drives.Select(d => ResumeCost.Rdev(Device(d))).ToList() : new List<string>();
        foreach (var rdev in rdevs) ResumeCost.Throttle(rdev, (long)o.ThrottleMibps!.Value << 20);
        try
        {
        var loadBefore = Load();
        var rows = new List<Measurement>();
        var jobs = Enum.GetValues<Job>();
        for (var r = 0; r < o.Rounds; r++)
        {
            for (var p = 0; p < jobs.Length; p++)
            {
                var job = jobs[(p + r) % jobs.Length];
                var d = drives[((int)job + r) % drives.Count];
                var driveId = ids[((int)job + r) % drives.Count];
                await sh.CheckedAsync("sync", Array.Empty<string>(), ct);
                var load = Load()[0];
                Measurement m;
                switch (job)
                {
                    case Job.NasBurnin:
                        var nb = await side.RunAsync(driveId, o.PollMs, o.RefreshDuringScan, ct);
                        m = new Measurement(r + 1, p + 1, job, Device(d), load, nb.Wall, nb, null);
                        break;
                    default:
                        var plain = job == Job.PlainMatched
                            ? await PlainBadblocks.RunAsync(sh, Device(d), bb.BlockSize, bb.BlocksPerIo, outDir, $"r{r + 1}-matched", ct)
                            : await PlainBadblocks.RunAsync(sh, Device(d), 4096, null, outDir, $"r{r + 1}-default", ct);
                        m = new Measurement(r + 1, p + 1, job, Device(d), load, plain.Wall, null, plain);
                        break;
                }
                rows.Add(m);
                Console.WriteLine($"  round {m.Round}.{m.Position} {Report.Label(job, bb),-34} {Device(d),-12} {m.Wall.TotalSeconds,7:F2} s  (load {load:F2})");
            }
        }
        var handOffs = new List<(TimeSpan, TimeSpan)>();
        if (o.HandOffRounds > 0)
        {
            foreach (var d in drives) File.WriteAllText(Path.Combine(d.GetProperty("stateDir").GetString()!, "selftest_seconds"), "2");
            for (var r = 0; r < o.HandOffRounds; r++)
            {
                var h = await side.HandOffAsync(ids[r % 2], ids[(r + 1) % 2], ct);
                handOffs.Add(h);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  hand-off {r + 1}: first run's end -> next run started {h.ToStarted.TotalMilliseconds:F0} ms, -> its first smartctl call {h.ToFirstSmartctl.TotalMilliseconds:F0} ms (load {Load()[0]:F2})"));
            }
        }
        return new Report(o, drives[0], bb, side.Settings.RunnerPollSeconds, loadBefore, Load(), rows) { HandOffs = handOffs };
        }
        finally { foreach (var rdev in rdevs) ResumeCost.Throttle(rdev, 0); }
    }

    /// <summary>The resume-cost comparison (--resume-cost) on the first of the two drives.</summary>
    public static async Task ResumeCostAsync(TestNas nas, Options o, CancellationToken ct)
    {
        var sh = new SandboxShell(nas);
        var d = PickDrives(nas)[0];
        using var side = new NasBurninSide(nas, o.RunnerPollSeconds);
        var id = side.AddDrive(d, await sh.CheckedAsync("smartctl -j -x \"$1\"", new[] { Device(d) }, ct));
        Console.WriteLine($"  resume cost on #{d.GetProperty("index").GetInt32()} {Device(d)} ({o.SizeMib} MiB, throttled to {o.ThrottleMibps} MiB/s), RunnerPollSeconds {o.RunnerPollSeconds}");
        await ResumeCost.RunAsync(nas, side, id, Device(d), o.ResumeRounds, (long)(o.ThrottleMibps ?? 64) << 20, ct);
    }

    /// <summary>Two free drives of the same kind and size among the extra drives (9+): the ones --size-mib sizes.</summary>
    private static IReadOnlyList<JsonElement> PickDrives(TestNas nas)
    {
        var pair = nas.Facts.GetProperty("drives").EnumerateArray()
            .Where(d => d.GetProperty("index").GetInt32() >= 9 && d.GetProperty("role").GetString() == "Free" && !d.GetProperty("faulty").GetBoolean())
            .GroupBy(d => (d.GetProperty("template").GetString(), d.GetProperty("sizeBytes").GetInt64()))
            .FirstOrDefault(g => g.Count() >= 2)
            ?? throw new InvalidOperationException("the sandbox has no two free extra drives of the same kind");
        return pair.Take(2).ToList();
    }

    private static string Device(JsonElement d) => d.GetProperty("device").GetString()!;

    /// <summary>The 1, 5 and 15 minute load averages.</summary>
    internal static double[] Load() =>
        File.ReadAllText("/proc/loadavg").Split(' ').Take(3).Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
}
