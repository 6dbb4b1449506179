using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using NasBurnin.Bench.Surface;
using NasBurnin.Engine.Tests.Burnin;

// SurfaceValidate through NasBurnin against plain badblocks on the same kind of sandbox drive, in one
// run: wall-time ratios and log bytes per GiB. Prints numbers, asserts nothing. See README.md.

var options = Options.Parse(args);
if (options is null) return 2;
if (!TestNas.Available)
{
    Console.Error.WriteLine("surface bench: needs root, /usr/sbin/sshd and /usr/sbin/badblocks (it starts a sandbox NAS with loop devices: tests/testnas). Run it as root.");
    return 1;
}

using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // Stop measuring but keep running: the finally below must stop the sandbox.
    e.Cancel = true;
    if (!cts.IsCancellationRequested) Console.Error.WriteLine("\nsurface bench: interrupted; stopping the sandbox NAS...");
    cts.Cancel();
};
using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; cts.Cancel(); });
using var onHup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, c => { c.Cancel = true; cts.Cancel(); });

TestNas? nas = null;
var outDir = Path.Combine(Path.GetTempPath(), "nb-bench-raw-" + Guid.NewGuid().ToString("N")[..8]);
try
{
    Console.WriteLine($"surface bench: starting a sandbox NAS with {Options.Drives} drives (9+ of {options.SizeMib} MiB)...");
    nas = TestNas.Start("--drives", Options.Drives.ToString(CultureInfo.InvariantCulture), "--size-mib", options.SizeMib.ToString(CultureInfo.InvariantCulture));
    Console.WriteLine($"  sandbox: {nas.StateDir} (if this process is killed with -9: bash tests/testnas/stop.sh {nas.StateDir})");
    cts.Token.ThrowIfCancellationRequested();
    Directory.CreateDirectory(outDir);
    if (options.ResumeRounds > 0)
    {
        await Bench.ResumeCostAsync(nas, options, cts.Token);
        return 0;
    }
    var report = await Bench.RunAsync(nas, options, outDir, cts.Token);
    report.Print(Console.Out);
    return 0;
}
catch (OperationCanceledException) when (cts.IsCancellationRequested)
{
    Console.Error.WriteLine("surface bench: cancelled, no results.");
    return 130;
}
catch (Exception e)
{
    Console.Error.WriteLine("surface bench: failed: " + e);
    return 1;
}
finally
{
    nas?.Dispose();
    if (Directory.Exists(outDir)) Directory.Delete(outDir, true);
}

namespace NasBurnin.Bench.Surface
{
    internal sealed record Options(int Rounds, int SizeMib, int RunnerPollSeconds, int PollMs, bool RefreshDuringScan)
    {
        /// <summary>--resume-cost N: N rounds of an uninterrupted pass against a cut-and-resumed one (ResumeCost), instead of the rounds above.</summary>
        public int ResumeRounds { get; init; }
        /// <summary>--throttle-mibps M: the disk speed the drives are throttled to (the rounds: only when given; the resume cost: 64 by default).</summary>
        public int? ThrottleMibps { get; init; }
        /// <summary>--handoff N: N measures of the host queue's hand-off after the rounds (0: none).</summary>
        public int HandOffRounds { get; init; }

        /// <summary>Drives 9 and 11 are the same kind (Sata HDD, sata-hdd-wd.json) and get --size-mib.</summary>
        public const int Drives = 11;

        private const string Usage =
            "usage: dotnet run -c Release --project bench/Surface -- [--rounds N] [--size-mib M] [--runner-poll-seconds S] [--poll-ms MS] [--refresh-during-scan] [--throttle-mibps M] [--handoff N] [--resume-cost N]";

        public static Options? Parse(string[] args)
        {
            var o = new Options(3, 2048, 1, 500, false);
            for (var i = 0; i < args.Length; i++)
            {
                var name = args[i];
                int Next(int min, int max)
                {
                    if (i + 1 >= args.Length || !int.TryParse(args[++i], NumberStyles.None, CultureInfo.InvariantCulture, out var v) || v < min || v > max)
                        throw new ArgumentException($"{name} needs a number from {min} to {max}");
                    return v;
                }
                try
                {
                    o = name switch
                    {
                        "--rounds" => o with { Rounds = Next(1, 50) },
                        "--size-mib" => o with { SizeMib = Next(16, 16384) },
                        "--runner-poll-seconds" => o with { RunnerPollSeconds = Next(1, 600) },
                        "--poll-ms" => o with { PollMs = Next(50, 60000) },
                        "--refresh-during-scan" => o with { RefreshDuringScan = true },
                        "--resume-cost" => o with { ResumeRounds = Next(1, 50) },
                        "--throttle-mibps" => o with { ThrottleMibps = Next(1, 4096) },
                        "--handoff" => o with { HandOffRounds = Next(1, 50) },
                        "-h" or "--help" => throw new ArgumentException("help"),
                        _ => throw new ArgumentException($"unknown argument {name}"),
                    };
                }
                catch (ArgumentException e)
                {
                    if (e.Message != "help") Console.Error.WriteLine("surface bench: " + e.Message);
                    Console.Error.WriteLine(Usage);
                    return null;
                }
            }
            return o;
        }
    }
}
