using System.Diagnostics;
using System.Management.Automation;
using NasBurnin.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace NasBurnin.Tests;

/// <summary>A shelf at once: the host-side queue, true progress, heat and stall guards, exclusive open.</summary>
[TypicalSeconds(90)]
public sealed class BurninQueueTests : BurninTestBase, IClassFixture<BurninQueueTests.Fixture>
{
    public sealed class Fixture : BurninRigFixture
    {
        public Fixture() : base("--drives", "21", "--size-mib", "512") { }
    }

    public BurninQueueTests(Fixture rig, ITestOutputHelper output) : base(rig, output) { }

    [SkippableFact]
    public void Ten_drives_with_a_limit_of_three_never_run_more_than_three_and_the_queue_drains_without_pwsh()
    {
        RequireRig();
        // Drives no other test in this class touches (14-18 have their own stories).
        var serials = new[] { 6, 7, 8, 9, 10, 11, 12, 13, 19, 20 }.Select(i => $"NBT{i:0000}").ToArray();
        var devices = string.Join(",", serials.Select(s => $"'{Rig!.Nas.Device(s)}'"));
        using (var s = Rig!.Session())
        {
            s.Run($"Set-BurninHost -HostName 127.0.0.1 -Port {Rig!.Nas.Port} -MaxParallelRuns 3").AssertClean();
            var runs = s.Run($"Get-BurninDrive | Where-Object {{ $_.Device -in @({devices}) }} | Start-BurninRun -Profile Quick -Confirm:$false").AssertClean().Output;
            Assert.Equal(10, runs.Count);
            var queued = s.Run("Get-BurninRun -State Queued").AssertClean().Output;
            Assert.True(queued.Count >= 7, $"{queued.Count} queued right after the start");
            Assert.Contains(queued, q => q.Properties["QueuePosition"].Value is int p && p >= 1);
        } // the submitting runspace closes: nothing of NasBurnin runs any more

        var slots = Path.Combine(Rig!.Nas.WorkDir, "slots");
        var maxActive = 0;
        WaitFor(() =>
        {
            maxActive = Math.Max(maxActive, Directory.Exists(slots) ? Directory.GetDirectories(slots).Length : 0);
            return serials.All(s => Read(Path.Combine(Rig!.RunDir(s), "state")) == "Finished");
        }, 240, "the queue to drain");
        Out.WriteLine($"most runners active at once: {maxActive}");
        Assert.InRange(maxActive, 1, 3);

        using var later = Rig!.Session();
        var done = later.Run($"Get-BurninRun | Where-Object {{ $_.Device -in @({devices}) }}").AssertClean().Output;
        Assert.Equal(10, done.Count);
        Assert.All(done, r => Assert.True("Pass".Equals(r.Text("Result")),
            $"{r.Properties["Serial"].Value}: {r.Text("Result")} {string.Join("; ", (string[])r.Properties["Reasons"].Value)}"));
    }

    [SkippableFact]
    public void Stopping_a_queued_run_takes_it_out_of_the_queue()
    {
        RequireRig();
        foreach (var serial in new[] { "NBT0021", "NBT0005" }) File.WriteAllText(Rig!.DriveStateFile(serial, "selftest_seconds"), "120");
        using var s = Rig!.Session();
        s.Run($"Set-BurninHost -HostName 127.0.0.1 -Port {Rig.Nas.Port} -MaxParallelRuns 1").AssertClean();
        try
        {
            var first = (long)s.Run($"{Rig.Drive("NBT0021")} | Start-BurninRun -Stage SmartLong -Confirm:$false").AssertClean().Output.Single().Properties["RunId"].Value;
            WaitFor(() => Read(Path.Combine(Rig.RunDir("NBT0021"), "state")) == "Running", 30, "the first run to take the slot");
            var second = (long)s.Run($"{Rig.Drive("NBT0005")} | Start-BurninRun -Stage SmartLong -Confirm:$false").AssertClean().Output.Single().Properties["RunId"].Value;
            var queued = s.Run($"Get-BurninRun -RunId {second}").AssertClean().Output.Single();
            Assert.Equal("Queued", queued.Text("State"));
            Assert.Equal(1, queued.Properties["QueuePosition"].Value);

            var stopped = s.Run($"Stop-BurninRun -RunId {second} -Confirm:$false -PassThru").AssertClean().Output.Single();
            Assert.Equal("Aborted", stopped.Text("State"));
            Assert.Empty(Directory.GetFiles(Path.Combine(Rig.Nas.WorkDir, "queue")));
            Assert.Equal("Running", s.Run($"Get-BurninRun -RunId {first}").AssertClean().Output.Single().Text("State"));
            s.Run($"Stop-BurninRun -RunId {first} -Confirm:$false").AssertClean();
        }
        finally { s.Run($"Set-BurninHost -HostName 127.0.0.1 -Port {Rig.Nas.Port} -MaxParallelRuns 4"); }
    }

    [SkippableFact]
    public void A_drive_whose_first_stage_fails_gets_no_destructive_stage()
    {
        RequireRig();
        var device = Rig!.Nas.Device("NBT0017");
        Assert.Equal(0, Rig!.Nas.Shell($"printf 'NASBURNIN-MARKER' | dd of={device} bs=512 count=1 conv=notrunc,fsync status=none").ExitCode);
        File.WriteAllText(Rig!.DriveStateFile("NBT0017", "selftest_result"), "read_failure");
        using var s = Rig!.Session();
        var run = s.Run($"{Rig!.Drive("NBT0017")} | Start-BurninRun -Stage SmartShort, SurfaceValidate -Confirm:$false").AssertClean().Output.Single();
        var done = BurninRig.WaitFinished(s, (long)run.Properties["RunId"].Value);
        Assert.Equal("Fail", done.Text("Result"));
        var stages = s.Run($"Get-BurninStage -RunId {run.Properties["RunId"].Value}").AssertClean().Output;
        Assert.Equal("Failed", stages[0].Text("State"));
        Assert.Equal("Skipped", stages[1].Text("State"));
        Assert.StartsWith("skipped: SmartShort failed", (string)stages[1].Properties["Summary"].Value);
        Assert.StartsWith("NASBURNIN-MARKER", Rig!.Nas.Shell($"head -c 16 {device}").StdOut);
    }

    [SkippableFact]
    public void Progress_through_a_full_surface_validation_never_rewinds_and_ends_at_100()
    {
        RequireRig();
        using var s = Rig!.Session();
        var r = s.Run($"{Rig!.Drive("NBT0018")} | Start-BurninRun -Stage SurfaceValidate -Wait -PollSeconds 1 -Confirm:$false").AssertClean();
        var run = r.Output.Single();
        Assert.Equal("Pass", run.Text("Result"));
        var child = r.Progress.Where(p => p.ParentActivityId == 1).ToList();
        var percents = child.Where(p => p.RecordType == ProgressRecordType.Processing).Select(p => p.PercentComplete).ToList();
        Out.WriteLine(string.Join(" ", percents));
        Assert.NotEmpty(percents);
        for (var i = 1; i < percents.Count; i++) Assert.True(percents[i] >= percents[i - 1], $"progress rewound: {string.Join(" ", percents)}");
        Assert.Contains(child, p => p.RecordType == ProgressRecordType.Completed);
        Assert.Contains(r.Progress, p => p.ActivityId == 1 && p.RecordType == ProgressRecordType.Completed);
        var stage = s.Run($"Get-BurninStage -RunId {run.Properties["RunId"].Value}").AssertClean().Output.Single();
        Assert.Equal(100.0, stage.Properties["Progress"].Value);
        Assert.Equal(8, stage.Properties["Phases"].Value);
    }

    [SkippableFact]
    public void Heat_pauses_resumes_and_then_fails_the_stage_with_overheat()
    {
        RequireRig();
        Skip.IfNot(BlockThrottle.Available, BlockThrottle.Unavailable);
        // At disk speed the pass outlasts the three temperature changes: the runner sees badblocks end the
        // moment it does, so on an unthrottled loop device the pass could be over before the abort limit.
        using var throttle = new BlockThrottle(Rig!.Nas.Device("NBT0016"), 32 << 20);
        var temp = Rig!.DriveStateFile("NBT0016", "temperature");
        File.WriteAllText(temp, "56"); // at the 55 °C limit from the start
        using var s = Rig!.Session();
        var run = s.Run($"{Rig!.Drive("NBT0016")} | Start-BurninRun -Stage SurfaceValidate -Confirm:$false").AssertClean().Output.Single();
        var id = (long)run.Properties["RunId"].Value;
        var dir = Rig!.RunDir("NBT0016");
        bool Paused() => Read(Path.Combine(dir, "stages", "1", "progress")).EndsWith(" 1", StringComparison.Ordinal);
        WaitFor(Paused, 60, "the heat guard to pause badblocks");
        Assert.True((bool)s.Run($"Get-BurninStage -RunId {id}").AssertClean().Output.Single().Properties["Paused"].Value);

        File.WriteAllText(temp, "48"); // 5 °C under the limit: resume
        WaitFor(() => File.ReadAllText(Path.Combine(dir, "stages", "1", "log")).Contains("resumed", StringComparison.Ordinal), 30, "the resume");
        File.WriteAllText(temp, "61"); // limit + 5: abort
        var done = BurninRig.WaitFinished(s, id);
        Assert.Equal("Fail", done.Text("Result"));
        Assert.Contains((string[])done.Properties["Reasons"].Value, r => r.Contains("overheat", StringComparison.Ordinal));
        var log = (string)s.Run($"Get-BurninStage -RunId {id} -IncludeLog").Output.Single().Properties["LogText"].Value;
        Assert.Contains("paused: 56 C", log);
        Assert.Contains("resumed: 48 C", log);
        foreach (var type in new[] { "heat_paused", "heat_resumed", "overheat" })
            Assert.NotEmpty(s.Run($"Get-BurninAuditEvent -Type {type} -Serial NBT0016").AssertClean().Output);
        File.WriteAllText(temp, "35");
    }

    [SkippableFact]
    public void A_frozen_runner_is_reported_Stalled()
    {
        RequireRig();
        File.WriteAllText(Rig!.DriveStateFile("NBT0015", "selftest_seconds"), "120");
        using var s = Rig!.Session();
        s.Run("Set-BurninConfig -StallHours 0.001").AssertClean(); // 3.6 seconds
        try
        {
            var run = s.Run($"{Rig!.Drive("NBT0015")} | Start-BurninRun -Stage SmartLong -Confirm:$false").AssertClean().Output.Single();
            var id = (long)run.Properties["RunId"].Value;
            var dir = Rig!.RunDir("NBT0015");
            WaitFor(() => Read(Path.Combine(dir, "stages", "1", "state")) == "Running", 30, "the stage to run");
            var pid = Read(Path.Combine(dir, "pid"));
            ChildProcess.Run("kill", new[] { "-STOP", pid });
            try
            {
                s.Run($"Get-BurninRun -RunId {id}").AssertClean();
                Thread.Sleep(5000);
                var stalled = s.Run($"Get-BurninRun -RunId {id}").AssertClean().Output.Single();
                Assert.Equal("Stalled", stalled.Text("State"));
                Assert.Equal("Running", stalled.Text("Result"));
                Assert.NotEmpty(s.Run("Get-BurninRun -State Stalled").Output);
                var health = s.Run("Test-BurninHealth").AssertClean().Output.Single();
                Assert.False((bool)health.Properties["Healthy"].Value);
                var row = ((object[])health.Properties["Checks"].Value).Select(PSObject.AsPSObject).Single(c => (string)c.Properties["Check"].Value == "RunsProgressing");
                Assert.Contains($"run {id} ", (string)row.Properties["Detail"].Value);
            }
            finally
            {
                ChildProcess.Run("kill", new[] { "-CONT", pid });
                s.Run($"Stop-BurninRun -RunId {id} -Confirm:$false");
            }
        }
        finally { s.Run("Set-BurninConfig -StallHours 6").AssertClean(); }
    }

    [SkippableFact]
    public void A_device_held_open_exclusively_is_refused_before_any_write()
    {
        RequireRig();
        var device = Rig!.Nas.Device("NBT0014");
        Assert.Equal(0, Rig!.Nas.Shell($"printf 'NASBURNIN-MARKER' | dd of={device} bs=512 count=1 conv=notrunc,fsync status=none").ExitCode);
        var psi = new ProcessStartInfo("python3") { RedirectStandardOutput = true };
        foreach (var a in new[] { "-c", "import os,sys,time; fd=os.open(sys.argv[1], os.O_RDONLY|os.O_EXCL); print('held', flush=True); time.sleep(300)", device })
            psi.ArgumentList.Add(a);
        using var holder = Process.Start(psi)!;
        try
        {
            Assert.Equal("held", holder.StandardOutput.ReadLine());
            using var s = Rig!.Session();
            var run = s.Run($"{Rig!.Drive("NBT0014")} | Start-BurninRun -Stage SurfaceValidate -Confirm:$false").AssertClean().Output.Single();
            var done = BurninRig.WaitFinished(s, (long)run.Properties["RunId"].Value);
            Assert.Equal("Fail", done.Text("Result"));
            Assert.Contains((string[])done.Properties["Reasons"].Value, r => r.Contains("busy", StringComparison.Ordinal) && r.Contains("exclusive", StringComparison.Ordinal));
            Assert.StartsWith("NASBURNIN-MARKER", Rig!.Nas.Shell($"head -c 16 {device}").StdOut);
        }
        finally { holder.Kill(); holder.WaitForExit(); }
    }
}
