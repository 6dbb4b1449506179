using System.Diagnostics;
using System.Globalization;
using NasBurnin.Engine.Burnin;
using Xunit;

namespace NasBurnin.Engine.Tests.Burnin;

/// <summary>
/// The runner's progress reader (bbprogress.awk, run by the system awk exactly as on a NAS) on real
/// badblocks output captured from the sandbox: 8 phases, overall progress that never rewinds.
/// </summary>
public class BadblocksProgressTests
{
    private static readonly byte[] Capture = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Burnin", "Fixtures", "badblocks-wsv-b4096-c4-512MiB.stderr"));

    /// <summary>Feeds the capture in chunks, as the runner reads a growing file, and returns each overall figure.</summary>
    private static (List<double> Overall, List<string> States, string Log) Feed(int chunk)
    {
        var dir = TestPaths.Temp();
        try
        {
            var awk = Path.Combine(dir, "bbprogress.awk");
            File.WriteAllText(awk, RunnerFiles.Files["bbprogress.awk"]);
            var log = Path.Combine(dir, "log");
            var state = new[] { "0", "-", "-", "0", "0/0/0" };
            var overall = new List<double>();
            var states = new List<string>();
            var offset = 0;
            for (var end = Math.Min(chunk, Capture.Length); ; end = Math.Min(end + chunk, Capture.Length))
            {
                var psi = new ProcessStartInfo("awk") { RedirectStandardInput = true, RedirectStandardOutput = true };
                psi.Environment["LC_ALL"] = "C";
                foreach (var a in new[] { "-v", "logfile=" + log, "-v", "phase=" + state[0], "-v", "pattern=" + state[1], "-v", "kind=" + state[2], "-v", "pct=" + state[3], "-v", "errors=" + state[4], "-f", awk })
                    psi.ArgumentList.Add(a);
                using var p = Process.Start(psi)!;
                p.StandardInput.BaseStream.Write(Capture, offset, end - offset);
                p.StandardInput.Close();
                var lines = p.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
                p.WaitForExit();
                offset += int.Parse(lines.Single(l => l.StartsWith("consumed ", StringComparison.Ordinal))[9..], CultureInfo.InvariantCulture);
                state = lines.Single(l => l.StartsWith("state ", StringComparison.Ordinal))[6..].Split(' ');
                states.Add(string.Join(' ', state));
                var phase = int.Parse(state[0], CultureInfo.InvariantCulture);
                var pct = double.Parse(state[3], CultureInfo.InvariantCulture);
                overall.Add(phase < 1 ? 0 : ((phase - 1) * 100 + pct) / 8);
                if (end == Capture.Length) break;
            }
            return (overall, states, File.ReadAllText(log));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Theory]
    [InlineData(97)]
    [InlineData(512)]
    [InlineData(4096)]
    public void Progress_is_monotonic_through_eight_phases_whatever_the_chunking(int chunk)
    {
        var (overall, states, log) = Feed(chunk);
        for (var i = 1; i < overall.Count; i++)
            Assert.True(overall[i] >= overall[i - 1], $"progress rewound from {overall[i - 1]} to {overall[i]} at chunk {i} ({states[i - 1]} -> {states[i]})");
        Assert.StartsWith("8 0x00 verify", states[^1], StringComparison.Ordinal);
        Assert.True(overall[^1] > 87.5, $"last figure {overall[^1]}");
        Assert.Equal(4, log.Split('\n').Count(l => l.StartsWith("Testing with pattern", StringComparison.Ordinal)));
        Assert.Equal(4, log.Split('\n').Count(l => l.StartsWith("Reading and comparing", StringComparison.Ordinal)));
        Assert.Contains("Pass completed, 0 bad blocks found. (0/0/0 errors)", log);
        Assert.DoesNotContain("% done", log);
        Assert.True(log.Length < 1024, $"compacted log is {log.Length} bytes for {Capture.Length} raw");
    }
}
