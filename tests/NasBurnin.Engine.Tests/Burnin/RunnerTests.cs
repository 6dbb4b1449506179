using NasBurnin.Engine.Burnin;
using NasBurnin.Engine.Common;
using NasBurnin.Engine.Store;
using Xunit;
using Xunit.Abstractions;

namespace NasBurnin.Engine.Tests.Burnin;

/// <summary>
/// The runner on real loop devices with real badblocks, driven through the engine's scripts by a
/// local shell (the same scripts SSH would carry). Root only; skipped otherwise.
/// </summary>
public class RunnerTests
{
    private readonly ITestOutputHelper _out;

    public RunnerTests(ITestOutputHelper output) => _out = output;

    private sealed record Rig(TestNas Nas, BurninStore Store, string Dir, HostContext Host, BurninSettings Settings) : IDisposable
    {
        public void Dispose()
        {
            Nas.Dispose();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(Dir, true);
        }
    }

    private static Rig Setup(params string[] nasOptions)
    {
        var nas = TestNas.Start(nasOptions);
        var dir = TestPaths.Temp();
        var store = BurninStore.Open(Path.Combine(dir, "b.db"));
        var settings = new SettingsRepository(store).Set(new Dictionary<string, object?> { ["RunnerPollSeconds"] = 1 });
        var host = new HostContext(null, "testnas", Path.Combine(nas.StateDir, "work"), new RunnerTools(), 4, new LocalTestShell("testnas", nas.ShellEnvironment));
        return new Rig(nas, store, dir, host, settings);
    }

    private async Task<RunRecord> RunToEnd(Rig rig, long driveId, IReadOnlyList<StageKind> stages, Func<RunSpec, RunSpec>? spec = null)
    {
        var planner = new BurninPlanner(rig.Store, new SimpleSmartReader());
        var service = new BurninService(rig.Store, new SimpleSmartReader());
        var drive = planner.LoadDrive(driveId);
        var plan = planner.Plan(drive, "Custom", stages, rig.Host, rig.Settings, Actor.OsUser(), 0);
        if (spec is not null) plan = plan with { Spec = spec(plan.Spec) };
        var run = (await service.StartAsync(rig.Host, new[] { plan }, Actor.OsUser(), CancellationToken.None)).Single();
        for (var i = 0; i < 600; i++)
        {
            await Task.Delay(500);
            await service.RefreshAsync(rig.Host, rig.Settings, CancellationToken.None);
            run = new RunRepository(rig.Store).Query(new RunQuery(RunIds: new[] { run.Id })).Single();
            if (RunStates.IsFinal(run.State)) return run;
        }
        throw new TimeoutException("run did not finish");
    }

    [SkippableFact]
    public async Task Surface_validation_passes_on_a_clean_drive_with_a_compact_log()
    {
        Skip.If(!TestNas.Available, "needs root, sshd and badblocks");
        using var rig = Setup();
        var d = rig.Nas.DriveBySerial("NBT0007");
        var run = await RunToEnd(rig, TestNas.InsertDrive(rig.Store.Path, d, "Free"), new[] { StageKind.SmartShort, StageKind.SurfaceValidate, StageKind.SmartPostCheck });
        var stages = new RunRepository(rig.Store).Stages(new[] { run.Id }, includeLog: true);
        foreach (var s in stages) _out.WriteLine($"{s.Stage} {s.State} {s.Progress} {s.Summary}\n{s.LogText}");
        Assert.Equal(RunResult.Pass, run.Result);
        Assert.All(stages, s => Assert.Equal(StageState.Passed, s.State));
        var surface = stages.Single(s => s.Stage == StageKind.SurfaceValidate);
        Assert.Equal(100, surface.Progress);
        Assert.Equal(8, surface.Phases);
        Assert.Contains("Pass completed, 0 bad blocks found", surface.LogText);
        Assert.True(surface.LogText!.Length < 16 * 1024, $"log is {surface.LogText.Length} bytes");
        Assert.DoesNotContain("\b", surface.LogText, StringComparison.Ordinal); // badblocks' backspace-rewritten progress is compacted away
    }

    [SkippableFact]
    public async Task Surface_validation_fails_on_read_errors_and_lists_the_bad_blocks()
    {
        Skip.If(!TestNas.Available, "needs root, sshd and badblocks");
        using var rig = Setup("--faulty");
        var d = rig.Nas.DriveBySerial("NBTBAD1");
        var run = await RunToEnd(rig, TestNas.InsertDrive(rig.Store.Path, d, "Free"), new[] { StageKind.SurfaceValidate, StageKind.SmartPostCheck });
        foreach (var r in run.Reasons) _out.WriteLine(r);
        Assert.Equal(RunResult.Fail, run.Result);
        var reason = Assert.Single(run.Reasons, r => r.StartsWith("SurfaceValidate", StringComparison.Ordinal));
        // The sandbox fails 8 KiB at 32 MiB; the run's block size decides which block numbers that is.
        var block = BadblocksArguments.For(d.GetProperty("sizeBytes").GetInt64(), null, false).BlockSize;
        var first = 32L * 1024 * 1024 / block;
        var count = 8192 / block;
        for (var b = first; b < first + count; b++) Assert.Contains(b.ToString(System.Globalization.CultureInfo.InvariantCulture), reason);
        Assert.Contains($"{count} bad blocks", reason);
        var stages = new RunRepository(rig.Store).Stages(new[] { run.Id }, includeLog: false);
        Assert.Equal(StageState.Skipped, stages.Single(s => s.Stage == StageKind.SmartPostCheck).State);
    }

    [SkippableFact]
    public async Task The_runner_refuses_a_drive_that_was_mounted_after_the_inventory()
    {
        Skip.If(!TestNas.Available, "needs root, sshd and badblocks");
        using var rig = Setup();
        var d = rig.Nas.DriveBySerial("NBT0002"); // the stale ext4 drive, mounted now
        var mnt = Path.Combine(rig.Nas.StateDir, "mnt", "late");
        Directory.CreateDirectory(mnt);
        var (rc, output) = TestNas.Run("mount", d.GetProperty("device").GetString()!, mnt);
        Assert.True(rc == 0, output);
        try
        {
            File.WriteAllText(Path.Combine(mnt, "marker.txt"), "precious");
            var run = await RunToEnd(rig, TestNas.InsertDrive(rig.Store.Path, d, "Free"), new[] { StageKind.SurfaceValidate });
            Assert.Equal(RunResult.Fail, run.Result);
            Assert.Contains(run.Reasons, r => r.Contains("refused", StringComparison.Ordinal) && r.Contains("mounted", StringComparison.Ordinal));
            Assert.Equal("precious", File.ReadAllText(Path.Combine(mnt, "marker.txt")));
        }
        finally { TestNas.Run("umount", mnt); }
    }

    [SkippableFact]
    public async Task A_self_test_never_seen_running_whose_log_never_changes_fails_at_its_deadline_saying_so()
    {
        Skip.If(!TestNas.Available, "needs root, sshd and badblocks");
        using var rig = Setup("--hold-power-on-hours");
        var d = rig.Nas.DriveBySerial("NBT0005"); // NVMe, its log full of short tests like the next one, in this power-on hour
        var state = d.GetProperty("stateDir").GetString()!;
        File.WriteAllText(Path.Combine(state, "selftest_history"), "20 short ok");
        File.WriteAllText(Path.Combine(state, "selftest_seconds"), "0"); // over before the first look: never seen running
        // The deadline is the drive's own estimate x2 + 30 min; a few seconds here.
        var run = await RunToEnd(rig, TestNas.InsertDrive(rig.Store.Path, d, "Free"), new[] { StageKind.SmartShort },
            spec => spec with { ShortTimeout = TimeSpan.FromSeconds(4) });
        var stage = new RunRepository(rig.Store).Stages(new[] { run.Id }, includeLog: true).Single();
        _out.WriteLine($"{stage.State}: {stage.Summary}\n{stage.LogText}");
        Assert.Equal(RunResult.Fail, run.Result);
        Assert.Equal(StageState.Failed, stage.State);
        Assert.Contains("the short self-test was never seen running and the self-test log did not change within", stage.Summary);
    }
}
