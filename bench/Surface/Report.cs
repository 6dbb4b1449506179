using System.Globalization;
using System.Text.Json;
using NasBurnin.Engine.Burnin;

namespace NasBurnin.Bench.Surface;

/// <summary>The printed result: medians over the rounds, ratios, log bytes per GiB. No assertions.</summary>
internal sealed record Report(
    Options Options, JsonElement Drive, BadblocksArguments Planned, int RunnerPollSeconds, double[] LoadBefore, double[] LoadAfter,
    IReadOnlyList<Measurement> Rows)
{
    /// <summary>The queue hand-offs (--handoff): first run's end to the next one's start, and to its first smartctl call.</summary>
    public IReadOnlyList<(TimeSpan ToStarted, TimeSpan ToFirstSmartctl)> HandOffs { get; init; } = Array.Empty<(TimeSpan, TimeSpan)>();

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Label(Job job, BadblocksArguments bb) => job switch
    {
        Job.NasBurnin => "NasBurnin SurfaceValidate",
        Job.PlainDefault => PlainBadblocks.CommandLine(4096, null),
        _ => PlainBadblocks.CommandLine(bb.BlockSize, bb.BlocksPerIo),
    };

    public void Print(TextWriter w)
    {
        var gib = Drive.GetProperty("sizeBytes").GetInt64() / (double)(1L << 30);
        var jobs = Enum.GetValues<Job>();
        var tmp = Path.GetTempPath();
        w.WriteLine();
        w.WriteLine("== SurfaceValidate: NasBurnin vs plain badblocks ==");
        w.WriteLine(F($"drives     2 x {Options.SizeMib} MiB sandbox loop devices ({Drive.GetProperty("transport").GetString()}, {Drive.GetProperty("template").GetString()}), sparse backing files under {tmp}"));
        w.WriteLine(F($"machine    {Environment.ProcessorCount} CPUs; load average {Loads(LoadBefore)} before, {Loads(LoadAfter)} after"));
        w.WriteLine(F($"NasBurnin  planner chose badblocks -b {Planned.BlockSize} -c {Planned.BlocksPerIo} ({Planned.Phases} phases); RunnerPollSeconds={RunnerPollSeconds} (the runner looks at badblocks every {Math.Min(5, RunnerPollSeconds)} s); engine refresh every {Options.PollMs} ms{(Options.RefreshDuringScan ? ", also while badblocks runs" : ", except while badblocks runs")}"));
        if (Planned.BlockSize != 4096)
            w.WriteLine(F($"WARNING    NasBurnin used -b {Planned.BlockSize}, not 4096: the 'same args' baseline uses -b {Planned.BlockSize}, the default one -b 4096"));
        if (Options.ThrottleMibps is { } mibps)
            w.WriteLine(F($"disk speed both drives throttled to {mibps} MiB/s read and write (cgroup v1 blkio): badblocks waits on the disk, as on a NAS"));
        w.WriteLine(F($"rounds     {Options.Rounds}; one job at a time, order rotated each round, the two drives alternated, sync (untimed) before each job"));

        w.WriteLine();
        w.WriteLine("seconds per round: wall [badblocks itself] (1-minute load average when the job began) #position in the round");
        w.WriteLine(string.Join("", new[] { "round" }.Concat(jobs.Select(j => Label(j, Planned))).Select((h, i) => i == 0 ? h.PadRight(7) : h.PadRight(36))));
        foreach (var round in Rows.GroupBy(m => m.Round))
        {
            var cells = jobs.Select(j => round.Single(m => m.Job == j)).Select(m => F($"{m.Wall.TotalSeconds:F2} [{Secs(m.Nb?.Badblocks ?? m.Plain?.Badblocks)}] ({m.Load1:F1}) #{m.Position}{Problem(m)}").PadRight(36));
            w.WriteLine(round.Key.ToString(Inv).PadRight(7) + string.Join("", cells));
        }

        var nb = Median(Rows.Where(m => m.Job == Job.NasBurnin).Select(m => m.Wall.TotalSeconds));
        w.WriteLine();
        w.WriteLine(F($"median wall: NasBurnin {nb:F2} s"));
        foreach (var j in new[] { Job.PlainDefault, Job.PlainMatched })
        {
            var p = Median(Rows.Where(m => m.Job == j).Select(m => m.Wall.TotalSeconds));
            var what = j == Job.PlainDefault ? "what users run" : "same -b and -c as NasBurnin";
            var paired = PerRound(j, m => m.Wall);
            w.WriteLine(F($"  vs {Label(j, Planned),-34} {p,7:F2} s   NasBurnin/plain = {nb / p:F3} (per-round pairs: median {paired:F3})   NasBurnin - plain = {nb - p:+0.00;-0.00} s   ({what})"));
        }

        var nbs = Rows.Where(m => m.Nb is not null).Select(m => m.Nb!).ToList();
        w.WriteLine();
        w.WriteLine("badblocks itself, median (the guard's exec to its exit, to about 20 ms: what the scan costs apart from what surrounds it)");
        var nbScan = Median(nbs.Where(n => n.Badblocks is not null).Select(n => n.Badblocks!.Value.TotalSeconds));
        w.WriteLine(F($"  under NasBurnin's runner                {nbScan,7:F2} s"));
        foreach (var j in new[] { Job.PlainMatched, Job.PlainDefault })
        {
            var p = Median(Rows.Where(m => m.Job == j && m.Plain!.Badblocks is not null).Select(m => m.Plain!.Badblocks!.Value.TotalSeconds));
            var paired = PerRound(j, m => m.Nb?.Badblocks ?? m.Plain?.Badblocks);
            w.WriteLine(F($"  plain {Label(j, Planned),-33} {p,7:F2} s   runner/plain = {nbScan / p:F3} (per-round pairs: median {paired:F3})"));
        }

        w.WriteLine();
        w.WriteLine("NasBurnin's time around badblocks, median per run");
        var before = nbs.Where(n => n.ToBadblocksExec is not null).Select(n => n.ToBadblocksExec!.Value.TotalSeconds).ToList();
        var after = nbs.Where(n => n.ToBadblocksExec is not null && n.Badblocks is not null)
            .Select(n => (n.Wall - n.ToBadblocksExec!.Value - n.Badblocks!.Value).TotalSeconds).ToList();
        w.WriteLine(F($"  before: start call -> badblocks exec    {Median(before),7:F2} s   (install/spec, SMART pre-snapshot, identity and in-use checks)"));
        w.WriteLine(F($"  after: badblocks exit -> final in store {Median(after),7:F2} s   (the runner's check every {Math.Min(5, RunnerPollSeconds)} s, the refresh every {Options.PollMs} ms, the final refresh that fetches the log)"));
        var stage = nbs.Where(n => n.StageTime is not null).Select(n => n.StageTime!.Value.TotalSeconds).ToList();
        if (stage.Count > 0)
            w.WriteLine(F($"  runner's stage started -> finished      {Median(stage),7:F0} s   (as stored: the runner's clock, whole seconds; no engine polling)"));
        var exact = nbs.Where(n => n.StageExact is not null).Select(n => n.StageExact!.Value.TotalSeconds).ToList();
        var tails = nbs.Where(n => n.Tail is not null).Select(n => n.Tail!.Value.TotalSeconds).ToList();
        if (tails.Count > 0)
        {
            var plainMatched = Median(Rows.Where(m => m.Job == Job.PlainMatched).Select(m => m.Wall.TotalSeconds));
            w.WriteLine(F($"  runner's stage time (files' mtimes)     {Median(exact),7:F2} s   vs plain same args {plainMatched:F2} s: {Median(exact) / plainMatched:F3}x (per-round pairs: median {PerRound(Job.PlainMatched, m => m.Nb?.StageExact ?? m.Plain?.Wall):F3}); goal <= 1.01x"));
            w.WriteLine(F($"  stage tail (stage time - badblocks)     {Median(tails),7:F2} s   (max {tails.Max():F2} s; preflight: one smartctl and one lsblk read, the exclusive-open check; the stage's end); goal <= 1 s"));
            w.WriteLine(F($"    of which stage started -> badblocks exec {Median(nbs.Where(n => n.TailBefore is not null).Select(n => n.TailBefore!.Value.TotalSeconds)):F2} s, badblocks exit -> stage finished {Median(nbs.Where(n => n.TailAfter is not null).Select(n => n.TailAfter!.Value.TotalSeconds)):F2} s"));
        }
        w.WriteLine(F($"  engine refreshes per run                {Median(nbs.Select(n => (double)n.Refreshes)),7:F0}     (each one /bin/sh round trip)"));
        w.WriteLine($"  results: {string.Join(", ", nbs.GroupBy(n => $"{n.Result} ({n.StageState})").Select(g => $"{g.Key} x{g.Count()}"))}");
        foreach (var n in nbs.Where(n => n.Result != RunResults.Pass)) w.WriteLine($"  WARNING: a run ended {n.Result}: {n.Summary}");

        w.WriteLine();
        w.WriteLine(F($"log bytes per GiB scanned (a {gib:0.##} GiB drive per run; 4 patterns, each written and read back)"));
        var nbLog = Median(nbs.Select(n => (double)n.LogBytes));
        w.WriteLine(F($"  NasBurnin stored log_text                 {nbLog / gib,8:F0} B/GiB   ({nbLog:F0} B per run)"));
        foreach (var j in new[] { Job.PlainDefault, Job.PlainMatched })
        {
            var raw = Median(Rows.Where(m => m.Job == j).Select(m => (double)m.Plain!.RawBytes));
            var perSecond = Median(Rows.Where(m => m.Job == j).Select(m => m.Plain!.RawBytes / m.Wall.TotalSeconds));
            w.WriteLine(F($"  {Label(j, Planned),-34} raw {raw / gib,8:F0} B/GiB   ({raw:F0} B stdout+stderr per run, {perSecond:F0} B per second of badblocks)"));
        }
        w.WriteLine("  (badblocks -s rewrites its progress about once a second, so its raw output grows with the run's duration; the stored log grows per phase)");
        if (HandOffs.Count > 0)
        {
            w.WriteLine();
            w.WriteLine(F($"queue hand-off (MaxParallel 1, two SmartShort runs started together; {HandOffs.Count} times): the first run's end (its Finished state file) to"));
            w.WriteLine(F($"  the next run's start (its started file)  median {Median(HandOffs.Select(h => h.ToStarted.TotalMilliseconds)),6:F0} ms   max {HandOffs.Max(h => h.ToStarted.TotalMilliseconds):F0} ms"));
            w.WriteLine(F($"  its first smartctl call (smartctl.log)   median {Median(HandOffs.Select(h => h.ToFirstSmartctl.TotalMilliseconds)),6:F0} ms   max {HandOffs.Max(h => h.ToFirstSmartctl.TotalMilliseconds):F0} ms   (goal: well under a second)"));
        }
        if (nbs.LastOrDefault()?.Log is { } log)
        {
            w.WriteLine();
            w.WriteLine("stored log_text of the last NasBurnin run:");
            foreach (var line in log.TrimEnd('\n').Split('\n')) w.WriteLine("  | " + line);
        }
    }

    /// <summary>
    /// The median over rounds of NasBurnin's time divided by the other job's in the same round: the two
    /// ran minutes apart at most, so this follows the machine's drifting load better than a ratio of medians.
    /// </summary>
    private double PerRound(Job other, Func<Measurement, TimeSpan?> time) => Median(Rows.GroupBy(m => m.Round).Select(g =>
    {
        var a = time(g.Single(m => m.Job == Job.NasBurnin));
        var b = time(g.Single(m => m.Job == other));
        return a is { } x && b is { } y ? x / y : double.NaN;
    }).Where(v => !double.IsNaN(v)));

    private static string Problem(Measurement m) =>
        m.Plain is { ExitCode: not 0 } p ? F($" exit {p.ExitCode}!") : m.Nb is { } n && n.Result != RunResults.Pass ? $" {n.Result}!" : "";

    private static double Median(IEnumerable<double> values)
    {
        var v = values.OrderBy(x => x).ToArray();
        if (v.Length == 0) return double.NaN;
        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }

    private static string Secs(TimeSpan? t) => t is { } v ? v.TotalSeconds.ToString("F2", Inv) : "?";

    private static string Loads(double[] l) => string.Join(" ", l.Select(x => x.ToString("F2", Inv)));

    private static string F(FormattableString s) => s.ToString(Inv);
}
