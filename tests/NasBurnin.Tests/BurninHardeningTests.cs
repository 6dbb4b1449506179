using System.Diagnostics;
using NasBurnin.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace NasBurnin.Tests;

/// <summary>
/// Burn-in hardening on the sandbox NAS. How runs end: a runner killed with kill -9 (what a crash or an impatient admin does) in each of its states: while
/// badblocks writes, while the heat guard holds badblocks stopped, and during a self-test. NasBurnin
/// must not call the run Interrupted while anything of it still runs, and a second destructive start
/// on a drive that some process holds open for writing is refused on the host before anything is written.
/// A finished run is finalized once, however many processes refresh it at the same moment, and frees
/// its drive without waiting for a refresh. And what refusals and confirmations say about a drive.
/// </summary>
[TypicalSeconds(62)]
public sealed class BurninHardeningTests : BurninTestBase, IClassFixture<BurninHardeningTests.Fixture>
{
    public sealed class Fixture : BurninRigFixture
    {
        // Drives 9-12 are 1 GiB: a full badblocks pass takes long enough to be caught writing.
        public Fixture() : base("--drives", "12", "--size-mib", "1024") { }
    }

    public BurninHardeningTests(Fixture rig, ITestOutputHelper output) : base(rig, output) { }

    /// <summary>Live (non-zombie) processes of a process group, with their command names.</summary>
    private static List<(int Pid, string Comm, char State)> Group(int pgid)
    {
        var list = new List<(int, string, char)>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            string stat;
            try { stat = File.ReadAllText(Path.Combine(dir, "stat")); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { continue; }
            var close = stat.LastIndexOf(')');
            var f = stat[(close + 2)..].Split(' ');
            if (f[2] == pgid.ToString() && f[0] != "Z") list.Add((pid, stat[(stat.IndexOf('(') + 1)..close], f[0][0]));
        }
        return list;
    }

    private long Start(PsSession s, string serial, string stages) =>
        (long)s.Run($"{Rig!.Drive(serial)} | Start-BurninRun -Stage {stages} -Confirm:$false").AssertClean().Output.Single().Properties["RunId"].Value;

    /// <summary>kill -9 of the runner; then the refresh that notices must end its whole group before it says Interrupted.</summary>
    private void KillRunnerAndCheck(PsSession s, long runId, string dir, Func<List<(int Pid, string Comm, char State)>, bool> orphanShape, string shape)
    {
        var pid = int.Parse(Read(Path.Combine(dir, "pid")));
        Assert.Equal(0, ChildProcess.Run("kill", new[] { "-9", pid.ToString() }).ExitCode);
        WaitFor(() => !Group(pid).Any(p => p.Pid == pid), 30, "the runner to die");
        var orphans = Group(pid);
        Out.WriteLine("left after kill -9: " + string.Join(", ", orphans.Select(o => $"{o.Pid} {o.Comm} {o.State}")));
        Assert.True(orphanShape(orphans), $"expected {shape} to outlive the runner, found: {string.Join(", ", orphans.Select(o => $"{o.Comm} {o.State}"))}");

        var run = s.Run($"Get-BurninRun -RunId {runId}").AssertClean().Output.Single();
        Assert.Equal("Interrupted", run.Text("State"));
        Assert.Empty(Group(pid)); // nothing of the run is alive once it is called Interrupted
        Assert.NotEqual(100.0, run.Properties["Progress"].Value);
        var stage = s.Run($"Get-BurninStage -RunId {runId}").AssertClean().Output.Single();
        Assert.Equal("Interrupted", stage.Text("State"));
        Assert.False((bool)stage.Properties["Paused"].Value);
    }

    [SkippableFact]
    public void A_runner_killed_while_badblocks_writes_leaves_no_writer_and_a_second_start_is_refused_while_one_holds_the_drive()
    {
        RequireRig();
        using var s = Rig!.Session();
        var runId = Start(s, "NBT0009", "SurfaceValidate");
        var dir = Rig.RunDir("NBT0009");
        WaitFor(() => int.TryParse(Read(Path.Combine(dir, "pid")), out var p) && Group(p).Any(m => m.Comm == "badblocks"), 60, "badblocks to start");
        KillRunnerAndCheck(s, runId, dir, o => o.Any(p => p.Comm == "badblocks" && p.State != 'T'), "a writing badblocks");

        // A process that holds the drive open for writing, the way the orphan did (badblocks takes no O_EXCL).
        var device = Rig.Nas.Device("NBT0009");
        Assert.Equal(0, Rig.Nas.Shell($"printf 'NASBURNIN-MARKER' | dd of={device} bs=512 count=1 conv=notrunc,fsync status=none").ExitCode);
        var psi = new ProcessStartInfo("python3") { RedirectStandardOutput = true };
        foreach (var a in new[] { "-c", "import os,sys,time; fd=os.open(sys.argv[1], os.O_WRONLY); print('held', flush=True); time.sleep(300)", device })
            psi.ArgumentList.Add(a);
        using var holder = Process.Start(psi)!;
        try
        {
            Assert.Equal("held", holder.StandardOutput.ReadLine());
            var second = Start(s, "NBT0009", "SurfaceValidate");
            var done = BurninRig.WaitFinished(s, second);
            Assert.Equal("Fail", done.Text("Result"));
            var reason = Assert.Single((string[])done.Properties["Reasons"].Value, r => r.Contains("open for writing", StringComparison.Ordinal));
            Out.WriteLine(reason);
            Assert.Contains($"pid {holder.Id} (", reason); // the holder, named with its command line
            Assert.Contains("python3", reason);
            Assert.StartsWith("NASBURNIN-MARKER", Rig.Nas.Shell($"head -c 16 {device}").StdOut);
            Assert.NotEmpty(s.Run($"Get-BurninAuditEvent -Type destructive_refused -Serial NBT0009").AssertClean().Output);
        }
        finally { holder.Kill(); holder.WaitForExit(); }
    }

    [SkippableFact]
    public void A_runner_killed_while_the_heat_guard_holds_badblocks_stopped_leaves_no_stopped_writer()
    {
        RequireRig();
        var temp = Rig!.DriveStateFile("NBT0011", "temperature");
        File.WriteAllText(temp, "56"); // over the 55 °C limit: the first heat check pauses badblocks
        try
        {
            using var s = Rig.Session();
            var runId = Start(s, "NBT0011", "SurfaceValidate");
            var dir = Rig.RunDir("NBT0011");
            WaitFor(() => Read(Path.Combine(dir, "stages", "1", "progress")).EndsWith(" 1", StringComparison.Ordinal), 60, "the heat pause");
            Assert.True((bool)s.Run($"Get-BurninStage -RunId {runId}").AssertClean().Output.Single().Properties["Paused"].Value);
            KillRunnerAndCheck(s, runId, dir, o => o.Any(p => p.Comm == "badblocks" && p.State == 'T'), "a stopped badblocks");
        }
        finally { File.WriteAllText(temp, "35"); }
    }

    [SkippableFact]
    public void A_runner_killed_during_a_self_test_leaves_nothing_of_its_group()
    {
        RequireRig();
        File.WriteAllText(Rig!.DriveStateFile("NBT0007", "selftest_seconds"), "300");
        using var s = Rig.Session();
        var runId = Start(s, "NBT0007", "SmartLong");
        var dir = Rig.RunDir("NBT0007");
        // The runner waits for the self-test in a sleep that is part of its group.
        WaitFor(() => Read(Path.Combine(dir, "stages", "1", "state")) == "Running" && int.TryParse(Read(Path.Combine(dir, "pid")), out var p)
            && Group(p).Any(m => m.Comm == "sleep"), 60, "the self-test wait");
        // Stop the whole group, so the runner's sleep cannot end by itself before the check.
        Assert.Equal(0, ChildProcess.Run("kill", new[] { "-STOP", "--", "-" + Read(Path.Combine(dir, "pid")) }).ExitCode);
        KillRunnerAndCheck(s, runId, dir, o => o.Any(p => p.Comm == "sleep" && p.State == 'T'), "the runner's stopped sleep");
    }

    [SkippableFact]
    public void Stop_ends_a_heat_paused_badblocks_before_it_says_Aborted()
    {
        RequireRig();
        var temp = Rig!.DriveStateFile("NBT0012", "temperature");
        File.WriteAllText(temp, "56");
        try
        {
            using var s = Rig.Session();
            var runId = Start(s, "NBT0012", "SurfaceValidate");
            var dir = Rig.RunDir("NBT0012");
            WaitFor(() => Read(Path.Combine(dir, "stages", "1", "progress")).EndsWith(" 1", StringComparison.Ordinal), 60, "the heat pause");
            var pid = int.Parse(Read(Path.Combine(dir, "pid")));
            Assert.Contains(Group(pid), p => p.Comm == "badblocks" && p.State == 'T');

            var stopped = s.Run($"Stop-BurninRun -RunId {runId} -Confirm:$false -PassThru").AssertClean().Output.Single();
            Assert.Equal("Aborted", stopped.Text("State"));
            Assert.Empty(Group(pid));
            Assert.NotEqual(100.0, stopped.Properties["Progress"].Value);
            var stage = s.Run($"Get-BurninStage -RunId {runId}").AssertClean().Output.Single();
            Assert.Equal("Aborted", stage.Text("State"));
            Assert.False((bool)stage.Properties["Paused"].Value);
        }
        finally { File.WriteAllText(temp, "35"); }
    }

    [SkippableFact]
    public async Task Three_processes_refreshing_a_finished_run_at_once_store_its_snapshots_once()
    {
        RequireRig();
        File.WriteAllText(Rig!.DriveStateFile("NBT0006", "selftest_seconds"), "1");
        long runId;
        using (var s = Rig.Session())
            runId = Start(s, "NBT0006", "SmartShort, SmartPostCheck");
        var dir = Rig.RunDir("NBT0006");
        WaitFor(() => Read(Path.Combine(dir, "state")) == "Finished", 120, "the run to finish on the host"); // no refresh has seen it yet

        // Each process imports the module and says it is ready; once all are, they ask at the same moment.
        var folder = Path.GetDirectoryName(Rig.StorePath)!;
        var go = Path.Combine(folder, $"go-{runId}");
        var children = Enumerable.Range(0, 3).Select(i => ChildProcess.PwshAsync(
            $"Import-Module '{PsSession.Quote(RepoPaths.Manifest)}' -ErrorAction Stop; Use-BurninStore -Path '{PsSession.Quote(Rig.StorePath)}'; " +
            $"[System.IO.File]::WriteAllText('{PsSession.Quote(Path.Combine(folder, $"ready-{runId}-{i}"))}', ''); " +
            $"while (-not [System.IO.File]::Exists('{PsSession.Quote(go)}')) {{ [System.Threading.Thread]::Sleep(5) }}; (Get-BurninRun -RunId {runId}).State",
            TimeSpan.FromMinutes(3))).ToList();
        WaitFor(() => Directory.GetFiles(folder, $"ready-{runId}-*").Length == 3, 120, "the three processes to be ready");
        File.WriteAllText(go, "");
        foreach (var c in children)
        {
            var r = await c;
            Out.WriteLine($"exit {r.ExitCode}: {r.StdOut.Trim()} {r.StdErr.Trim()}");
            Assert.Equal(0, r.ExitCode);
            Assert.Equal("Finished", r.StdOut.Trim().Split('\n').Last().Trim());
        }
        Assert.Equal("2", Sqlite3.Exec(Rig.StorePath, $"SELECT count(*) FROM smart_snapshots WHERE run_id = {runId};"));
        Assert.Equal("pre,post", Sqlite3.Exec(Rig.StorePath, $"SELECT group_concat(kind) FROM (SELECT kind FROM smart_snapshots WHERE run_id = {runId} ORDER BY id);"));
    }

    [SkippableFact]
    public void A_run_that_ended_on_the_host_does_not_make_its_drive_busy_before_a_refresh()
    {
        RequireRig();
        File.WriteAllText(Rig!.DriveStateFile("NBT0010", "selftest_seconds"), "1");
        using var s = Rig.Session();
        var first = Start(s, "NBT0010", "SmartShort");
        var dir = Rig.RunDir("NBT0010");
        WaitFor(() => Read(Path.Combine(dir, "state")) == "Finished", 120, "the run to finish on the host"); // the store still says Running
        var second = s.Run($"{Rig.Drive("NBT0010")} | Start-BurninRun -Stage SmartShort -Confirm:$false").AssertClean().Output.Single();
        Assert.NotEqual(first, (long)second.Properties["RunId"].Value);
        Assert.Equal("Finished", s.Run($"Get-BurninRun -RunId {first}").AssertClean().Output.Single().Text("State"));
        BurninRig.WaitFinished(s, (long)second.Properties["RunId"].Value);
    }

    [SkippableFact]
    public void The_confirmation_gives_a_small_drive_its_size_not_0_TB()
    {
        RequireRig();
        using var s = Rig!.Session();
        s.Host.Answers.Enqueue("N"); // nothing starts
        s.Run($"{Rig.Drive("NBT0008")} | Start-BurninRun -Stage SurfaceValidate");
        var prompt = Assert.Single(s.Host.Prompts, p => p.Contains("ERASES ALL DATA", StringComparison.Ordinal));
        Out.WriteLine(prompt);
        Assert.Contains("536.87 MB", prompt); // 512 MiB
        Assert.DoesNotContain("0 TB", prompt);
    }

    [SkippableFact]
    public void Unlocking_a_pool_member_or_a_system_drive_is_refused_naming_the_drive_and_audited()
    {
        RequireRig();
        using var s = Rig!.Session();
        var e = s.Run($"{Rig.Drive("NBT0003")} | Unlock-MountedDrive -ConfirmToken 'DESTROY EXISTING DATA'").AllErrors.Single();
        Assert.Equal("DriveRoleRefused", e.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Contains("Drive NBT0003 is a PoolMember drive", e.Exception.Message);
        Assert.Contains(s.Run("Get-BurninAuditEvent -Type drive_unlock_refused -Serial NBT0003 | ForEach-Object Detail").AssertClean().Output,
            d => d.ToString()!.Contains("PoolMember", StringComparison.Ordinal));

        // The machine's own disk is in the inventory too (a System drive); a virtual disk reports no serial.
        var system = s.Run("Get-BurninDrive | Where-Object { $_.Role -eq 'System' -and [string]::IsNullOrWhiteSpace($_.Serial) }").Output;
        if (system.Count == 0) { Out.WriteLine("part skipped: no System drive without a serial on this machine"); return; }
        var device = (string)system[0].Properties["Device"].Value;
        var before = s.Run("@(Get-BurninAuditEvent -Type drive_unlock_refused).Count").AssertClean().Output.Single().BaseObject;
        var refused = s.Run($"Get-BurninDrive | Where-Object {{ $_.Device -eq '{device}' -and $_.Role -eq 'System' }} | Unlock-MountedDrive -ConfirmToken x").AllErrors.Single();
        Out.WriteLine(refused.Exception.Message);
        Assert.Equal("DriveRoleRefused", refused.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Contains($"Drive {device} on 127.0.0.1 (no serial) is a System drive", refused.Exception.Message);
        Assert.Equal((int)before + 1, (int)s.Run("@(Get-BurninAuditEvent -Type drive_unlock_refused).Count").AssertClean().Output.Single().BaseObject);
    }
}
