using System.Management.Automation;
using NasBurnin.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace NasBurnin.Tests;

/// <summary>Burn-in runs on the sandbox NAS through the imported module: detached runners, real badblocks, verdicts.</summary>
[TypicalSeconds(47)]
public sealed class BurninRunTests : BurninTestBase, IClassFixture<BurninRunTests.Fixture>
{
    public sealed class Fixture : BurninRigFixture
    {
        public Fixture() : base("--faulty", "--drives", "12") { }
    }

    public BurninRunTests(Fixture rig, ITestOutputHelper output) : base(rig, output) { }

    private long Start(PsSession s, string serial, string args)
    {
        var r = s.Run($"{Rig!.Drive(serial)} | Start-BurninRun {args} -Confirm:$false").AssertClean();
        return (long)r.Output.Single().Properties["RunId"].Value;
    }

    private long LogLength(string name) => new FileInfo(Path.Combine(Rig!.Nas.StateDir, name)) is { Exists: true } f ? f.Length : 0;

    /// <summary>The lines a sandbox log (ASCII) gained after <paramref name="from"/> bytes.</summary>
    private IEnumerable<string> LogTail(string name, long from) =>
        File.ReadAllText(Path.Combine(Rig!.Nas.StateDir, name))[(int)from..].Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The epoch seconds a sandbox log line starts with (guard.log: date +%s.%N; smartctl.log: %.3f).</summary>
    private static double Stamp(string line) => double.Parse(line[..line.IndexOf(' ')], System.Globalization.CultureInfo.InvariantCulture);

    private static string[] Reasons(PSObject run) => (string[])run.Properties["Reasons"].Value;

    [SkippableFact]
    public void A_run_survives_the_session_and_the_connection_closing()
    {
        RequireRig();
        var nas = Rig!.Nas;
        // A long self-test that outlives the first session.
        File.WriteAllText(Rig!.DriveStateFile("NBT0009", "selftest_seconds"), "10");
        long runId;
        using (var first = Rig!.Session())
        {
            runId = Start(first, "NBT0009", "-Stage SmartLong, SmartPostCheck");
        } // runspace disposed: its SSH connection is closed

        using var second = Rig!.Session();
        var running = second.Run($"Get-BurninRun -RunId {runId}").AssertClean().Output.Single();
        Assert.Contains(running.Text("State"), new[] { "Queued", "Running" });
        Assert.Equal("Running", running.Text("Result"));
        var done = BurninRig.WaitFinished(second, runId);
        Assert.Equal("Finished", done.Text("State"));
        Assert.Equal("Pass", done.Text("Result"));
        var stages = second.Run($"Get-BurninStage -RunId {runId}").AssertClean().Output;
        Assert.Equal(new[] { "Passed", "Passed" }, stages.Select(s => s.Text("State")));
        Assert.Contains("Completed without error", (string)stages[0].Properties["Summary"].Value);
    }

    [SkippableFact]
    public void A_killed_runner_makes_the_stage_Interrupted()
    {
        RequireRig();
        var nas = Rig!.Nas;
        File.WriteAllText(Rig!.DriveStateFile("NBT0010", "selftest_seconds"), "60");
        using var s = Rig!.Session();
        var runId = Start(s, "NBT0010", "-Stage SmartLong");
        var pidFile = Directory.GetFiles(Path.Combine(nas.WorkDir, "runs"), "pid", SearchOption.AllDirectories)
            .Single(f => File.ReadAllText(Path.Combine(Path.GetDirectoryName(f)!, "spec")).Contains("NBT0010", StringComparison.Ordinal));
        // Kill it once the stage runs: the run is Running a moment earlier, while it takes the SMART snapshot.
        var stageState = Path.Combine(Path.GetDirectoryName(pidFile)!, "stages", "1", "state");
        for (var i = 0; i < 300 && !(File.Exists(stageState) && File.ReadAllText(stageState).Trim() == "Running"); i++) Thread.Sleep(200);
        var pid = File.ReadAllText(pidFile).Trim();
        Assert.Equal(0, ChildProcess.Run("kill", new[] { "-9", pid }).ExitCode); // what a NAS reboot looks like to the runner

        var run = s.Run($"Get-BurninRun -RunId {runId}").AssertClean().Output.Single();
        Assert.Equal("Interrupted", run.Text("State"));
        Assert.Equal("Interrupted", run.Text("Result"));
        var stage = s.Run($"Get-BurninStage -RunId {runId}").AssertClean().Output.Single();
        Assert.Equal("Interrupted", stage.Text("State"));
    }

    [SkippableFact]
    public void Surface_validation_passes_on_a_clean_drive_and_keeps_a_small_log()
    {
        RequireRig();
        using var s = Rig!.Session();
        var serial = Rig!.Nas.Drives.Single(d => d.GetProperty("sizeBytes").GetInt64() == 512L * 1024 * 1024).GetProperty("serial").GetString()!;
        var (smartFrom, guardFrom) = (LogLength("smartctl.log"), LogLength("guard.log"));
        var runId = Start(s, serial, "-Stage SurfaceValidate");
        var run = BurninRig.WaitFinished(s, runId, 300);
        Assert.Equal("Pass", run.Text("Result"));

        // The stage starts with ONE smartctl read: the run's SMART pre-snapshot is also the identity check and the
        // first heat check. Both logs stamp each call with the time it began, and the runner waits for smartctl's
        // answer before badblocks can start, so every read between the spec's writing (the start script, just before
        // it launches the runner) and badblocks' start belongs to the stage's start.
        var device = Rig.Nas.Device(serial);
        var specAt = (File.GetLastWriteTimeUtc(Path.Combine(Rig.RunDir(serial), "spec")) - DateTime.UnixEpoch).TotalSeconds;
        var bbStart = LogTail("guard.log", guardFrom).Where(l => l.Contains(" allow badblocks ", StringComparison.Ordinal) && l.EndsWith(" " + device, StringComparison.Ordinal))
            .Select(Stamp).First();
        var reads = LogTail("smartctl.log", smartFrom).Where(l => l.EndsWith(" " + device, StringComparison.Ordinal)).Select(Stamp).ToList();
        Out.WriteLine($"smartctl calls on {device} since the spec: {reads.Count(t => t >= specAt)}, {reads.Count(t => t >= specAt && t < bbStart)} before badblocks started");
        Assert.Equal(1, reads.Count(t => t >= specAt && t < bbStart));
        var stage = s.Run($"Get-BurninStage -RunId {runId} -IncludeLog").AssertClean().Output.Single();
        var log = (string)stage.Properties["LogText"].Value;
        Out.WriteLine(log);
        Assert.Equal(100.0, stage.Properties["Progress"].Value);
        Assert.Contains("Pass completed, 0 bad blocks found", log);
        Assert.True(log.Length < 16 * 1024, $"a full SurfaceValidate of 512 MiB stored {log.Length} bytes of log");
    }

    [SkippableFact]
    public void Surface_validation_fails_on_a_drive_with_read_errors_and_names_the_blocks()
    {
        RequireRig();
        using var s = Rig!.Session();
        var runId = Start(s, "NBTBAD1", "-Stage SurfaceValidate, SmartPostCheck");
        var run = BurninRig.WaitFinished(s, runId);
        Assert.Equal("Fail", run.Text("Result"));
        var reason = Assert.Single(Reasons(run), r => r.StartsWith("SurfaceValidate:", StringComparison.Ordinal));
        Out.WriteLine(reason);
        Assert.Contains("2 bad blocks: 8192 8193", reason); // 4 KiB blocks (the drive's physical sector), 8 KiB bad at 32 MiB
        var stages = s.Run($"Get-BurninStage -RunId {runId}").AssertClean().Output;
        Assert.Equal("Skipped", stages[1].Text("State")); // a run stops at its first failing stage
    }

    [SkippableFact]
    public void NvmeFormat_calls_nvme_format_with_the_namespace_and_falls_back_without_nvme_cli()
    {
        RequireRig();
        var nas = Rig!.Nas;
        var nvme = nas.Drives.First(d => d.GetProperty("transport").GetString() == "Nvme").GetProperty("serial").GetString()!;
        using var s = Rig!.Session();
        var runId = Start(s, nvme, "-Stage NvmeFormat");
        Assert.Equal("Pass", BurninRig.WaitFinished(s, runId).Text("Result"));
        var call = File.ReadAllText(Path.Combine(nas.StateDir, "nvme.log"));
        Assert.Contains($"format {nas.Device(nvme)} -s 1 -n 1 --force", call);

        var shim = Path.Combine(nas.Facts.GetProperty("binDir").GetString()!, "nvme");
        File.Move(shim, shim + ".off");
        try
        {
            var again = Start(s, nvme, "-Stage NvmeFormat");
            Assert.Equal("Pass", BurninRig.WaitFinished(s, again).Text("Result"));
            var stage = s.Run($"Get-BurninStage -RunId {again}").AssertClean().Output.Single();
            Assert.StartsWith("nvme-cli not found, fell back to badblocks", (string)stage.Properties["Summary"].Value);
        }
        finally { File.Move(shim + ".off", shim); }
    }
}
