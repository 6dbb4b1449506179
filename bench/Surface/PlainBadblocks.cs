using System.Diagnostics;

namespace NasBurnin.Bench.Surface;

/// <summary>One plain run of <c>badblocks -wsv -b B [-c C] DEVICE</c>, what a user types.</summary>
internal sealed record PlainResult(TimeSpan Wall, TimeSpan? Badblocks, int ExitCode, long RawBytes);

/// <summary>
/// The baseline: badblocks through the sandbox's PATH (its guard wrapper, like the runner's), stdout
/// and stderr redirected to files by the shell (as the runner does), timed from start to exit, and
/// badblocks alone from the guard's exec to exit (as on NasBurnin's side).
/// </summary>
internal static class PlainBadblocks
{
    public static string CommandLine(int blockSize, int? blocksPerIo) =>
        $"badblocks -wsv -b {blockSize}" + (blocksPerIo is { } c ? $" -c {c}" : "");

    public static async Task<PlainResult> RunAsync(SandboxShell sh, string device, int blockSize, int? blocksPerIo, string outDir, string tag, CancellationToken ct)
    {
        var stdout = Path.Combine(outDir, tag + ".stdout");
        var stderr = Path.Combine(outDir, tag + ".stderr");
        var args = new List<string> { stdout, stderr, "-wsv", "-b", blockSize.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        if (blocksPerIo is { } c) args.AddRange(new[] { "-c", c.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        args.Add(device);
        var clock = new BadblocksClock(sh.StateDir);
        var mark = clock.Mark();
        var sw = Stopwatch.StartNew();
        var (rc, _, _) = await sh.RunAsync("o=$1; e=$2; shift 2; exec badblocks \"$@\" >\"$o\" 2>\"$e\"", args, ct);
        sw.Stop();
        var ended = DateTimeOffset.UtcNow;
        return new PlainResult(sw.Elapsed, ended - clock.ExecAt(mark, device), rc, new FileInfo(stdout).Length + new FileInfo(stderr).Length);
    }
}
