using System.Diagnostics;
using NasBurnin.Engine.Burnin;
using Xunit;
using Xunit.Abstractions;

namespace NasBurnin.Engine.Tests.Burnin;

/// <summary>
/// The engine's status and stop scripts against a real process group shaped like a runner's (a setsid
/// leader with a busy child and a SIGSTOPped one, like a heat-paused badblocks), under each POSIX
/// shell a NAS may have as /bin/sh: dash (Debian, Ubuntu) and busybox ash (many NAS firmwares).
/// </summary>
public sealed class RunControlTests : IDisposable
{
    private readonly ITestOutputHelper _out;
    private readonly string _work = TestPaths.Temp();
    private readonly List<int> _groups = new();

    public RunControlTests(ITestOutputHelper output) => _out = output;

    public static TheoryData<string> Shells => new() { "dash", "busybox" };

    private static string[] ShellArgv(string shell) => shell == "busybox" ? new[] { "/usr/bin/busybox", "sh" } : new[] { "/usr/bin/dash" };

    private static void RequireShell(string shell) =>
        Skip.If(!OperatingSystem.IsLinux() || !File.Exists(ShellArgv(shell)[0]) || !File.Exists("/usr/bin/setsid"),
            $"needs Linux, /proc, setsid and {ShellArgv(shell)[0]}");

    private static (int Exit, string Out, string Err) Sh(string shell, string script)
    {
        var argv = ShellArgv(shell);
        var psi = new ProcessStartInfo(argv[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in argv.Skip(1)) psi.ArgumentList.Add(a);
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        using var p = Process.Start(psi)!;
        var o = p.StandardOutput.ReadToEndAsync();
        var e = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000)) { p.Kill(true); throw new TimeoutException("script did not end"); }
        return (p.ExitCode, o.Result, e.Result);
    }

    /// <summary>A run folder whose "runner" leads its own group, writes pid and pid.start the runner's way, and has two children.</summary>
    private (string Id, int Leader) FakeRun(string shell, string state = "Running")
    {
        var id = "r" + Guid.NewGuid().ToString("N")[..12];
        var run = Path.Combine(_work, "runs", id);
        Directory.CreateDirectory(Path.Combine(run, "stages", "1"));
        File.WriteAllText(Path.Combine(run, "state"), state + "\n");
        File.WriteAllText(Path.Combine(run, "stages", "1", "state"), "Running\n");
        File.WriteAllText(Path.Combine(run, "stages", "1", "progress"), "12.50 1 8 0xaa write 0/0/0 1\n");
        var lib = Path.Combine(_work, "runctl.sh");
        File.WriteAllText(lib, RunnerFiles.Files["runctl.sh"]);
        // The leader: like runner.sh, it records pid.start then pid, then starts a busy child and one that stops itself.
        var leader = $". '{lib}'; nb_stat $$; echo \"$NB_T0\" > '{run}/pid.start'; echo $$ > '{run}/pid'; " +
                     "sleep 300 & sh -c 'kill -STOP $$; sleep 300' & wait";
        var argv = ShellArgv(shell);
        var psi = new ProcessStartInfo("/usr/bin/setsid") { RedirectStandardInput = true };
        foreach (var a in argv) psi.ArgumentList.Add(a);
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(leader);
        using var p = Process.Start(psi)!;
        var pidFile = Path.Combine(run, "pid");
        for (var i = 0; i < 200 && (!File.Exists(pidFile) || Members(p.Id).Count < 3 || !Members(p.Id).Any(m => State(m) == 'T')); i++) Thread.Sleep(50);
        _groups.Add(p.Id);
        Assert.Equal(p.Id.ToString(), File.ReadAllText(pidFile).Trim());
        Assert.Contains(Members(p.Id), m => State(m) == 'T');
        return (id, p.Id);
    }

    /// <summary>Live (non-zombie) processes whose process group is <paramref name="pgid"/>.</summary>
    private static List<int> Members(int pgid)
    {
        var list = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            string stat;
            try { stat = File.ReadAllText(Path.Combine(dir, "stat")); } catch (IOException) { continue; } catch (UnauthorizedAccessException) { continue; }
            var f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (f[2] == pgid.ToString() && f[0] != "Z") list.Add(pid);
        }
        return list;
    }

    private static char State(int pid)
    {
        try { var s = File.ReadAllText($"/proc/{pid}/stat"); return s[s.LastIndexOf(')') + 2]; }
        catch (IOException) { return '-'; }
    }

    /// <summary>
    /// The real runner.sh for a run without stages, queued behind <paramref name="maxParallel"/> busy slots. It
    /// looks again on its own only every 600 s, so it takes a slot sooner only when it is woken.
    /// </summary>
    private string QueuedRunner(string shell, int maxParallel)
    {
        var bin = Path.Combine(_work, "bin");
        Directory.CreateDirectory(bin);
        foreach (var (name, text) in RunnerFiles.Files) File.WriteAllText(Path.Combine(bin, name), text);
        var id = "r" + Guid.NewGuid().ToString("N")[..12];
        var run = Path.Combine(_work, "runs", id);
        Directory.CreateDirectory(run);
        File.WriteAllText(Path.Combine(run, "spec"), $"NB_RUN_ID={id}\nNB_DEVICE=/dev/null-device-x\nNB_STAGES=''\nNB_WORK='{_work}'\n" +
            $"NB_MAX_PARALLEL={maxParallel}\nNB_SMARTCTL=/bin/true\nNB_QUEUE_RECHECK=600\n");
        var psi = new ProcessStartInfo("/usr/bin/setsid") { RedirectStandardInput = true };
        foreach (var a in ShellArgv(shell).Append(Path.Combine(bin, "runner.sh")).Append(run)) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        _groups.Add(p.Id);
        var state = Path.Combine(run, "state");
        for (var i = 0; i < 600 && !(File.Exists(Path.Combine(run, "pid.start")) && File.Exists(state) && File.ReadAllText(state).Trim() == "Queued"); i++) Thread.Sleep(50);
        Assert.Equal("Queued", File.ReadAllText(state).Trim());
        return id;
    }

    private string RunState(string id) => File.ReadAllText(Path.Combine(_work, "runs", id, "state")).Trim();

    [SkippableTheory]
    [MemberData(nameof(Shells))]
    public void Status_ends_the_whole_group_of_a_killed_runner_before_calling_it_Interrupted(string shell)
    {
        RequireShell(shell);
        var (id, leader) = FakeRun(shell);
        // It holds the host's one slot; a run queued behind it must take the slot as soon as the status call frees it.
        Directory.CreateDirectory(Path.Combine(_work, "slots", "1"));
        File.WriteAllText(Path.Combine(_work, "slots", "1", "pid"), leader + "\n");
        var next = QueuedRunner(shell, 1);
        Process.GetProcessById(leader).Kill(); // SIGKILL, like kill -9: the children (one of them stopped) are orphaned
        for (var i = 0; i < 100 && Members(leader).Contains(leader); i++) Thread.Sleep(50);
        Assert.NotEmpty(Members(leader));

        var r = Sh(shell, RunnerScripts.Status(_work, new[] { id }));
        _out.WriteLine(r.Out + r.Err);
        Assert.Equal(0, r.Exit);
        Assert.DoesNotContain("Illegal number", r.Err);
        var (runs, _) = RemoteRunStatusParser.Parse(r.Out);
        Assert.Equal("Interrupted", runs[id].State);
        Assert.Equal("Interrupted", runs[id].Stages[1].State);
        Assert.Empty(Members(leader));
        // Woken by the release, not by its own 600 s look: event-driven hand-off of the slot.
        for (var i = 0; i < 1200 && RunState(next) != "Finished"; i++) Thread.Sleep(50);
        Assert.Equal("Finished", RunState(next));
        Assert.Empty(Directory.GetDirectories(Path.Combine(_work, "slots")));
    }

    [SkippableTheory]
    [MemberData(nameof(Shells))]
    public void Stop_ends_the_runner_and_its_stopped_child_and_only_then_says_Aborted(string shell)
    {
        RequireShell(shell);
        var (id, leader) = FakeRun(shell);
        var r = Sh(shell, RunnerScripts.Stop(_work, new[] { (id, "/dev/null-device-x", "/bin/true") }));
        _out.WriteLine(r.Out + r.Err);
        Assert.Contains($"@@STOPPED {id} Aborted", r.Out);
        Assert.Empty(Members(leader));
        Assert.Equal("Aborted", File.ReadAllText(Path.Combine(_work, "runs", id, "stages", "1", "state")).Trim());
    }

    [SkippableTheory]
    [MemberData(nameof(Shells))]
    public void A_reused_runner_pid_is_neither_taken_for_the_runner_nor_killed(string shell)
    {
        RequireShell(shell);
        var id = "r" + Guid.NewGuid().ToString("N")[..12];
        var run = Path.Combine(_work, "runs", id);
        Directory.CreateDirectory(Path.Combine(run, "stages", "1"));
        File.WriteAllText(Path.Combine(run, "state"), "Running\n");
        File.WriteAllText(Path.Combine(run, "stages", "1", "state"), "Running\n");
        // Another process now has the pid, leading a group of its own; the recorded start time is the dead runner's.
        var psi = new ProcessStartInfo("/usr/bin/setsid") { RedirectStandardInput = true };
        foreach (var a in new[] { "sleep", "300" }) psi.ArgumentList.Add(a);
        using var stranger = Process.Start(psi)!;
        _groups.Add(stranger.Id);
        for (var i = 0; i < 100 && !Members(stranger.Id).Contains(stranger.Id); i++) Thread.Sleep(50);
        File.WriteAllText(Path.Combine(run, "pid"), stranger.Id + "\n");
        File.WriteAllText(Path.Combine(run, "pid.start"), "1\n");

        var r = Sh(shell, RunnerScripts.Status(_work, new[] { id }));
        var (runs, _) = RemoteRunStatusParser.Parse(r.Out);
        Assert.Equal("Interrupted", runs[id].State);
        Assert.False(runs[id].Alive);
        Assert.Contains(stranger.Id, Members(stranger.Id));
    }

    [SkippableTheory]
    [MemberData(nameof(Shells))]
    public void The_group_killer_refuses_group_ids_that_are_not_a_run(string shell)
    {
        RequireShell(shell);
        var lib = Path.Combine(_work, "runctl.sh");
        File.WriteAllText(lib, RunnerFiles.Files["runctl.sh"]);
        // 'kill -KILL -1' would end every process this user may signal; 0 is the caller's own group.
        var r = Sh(shell, $". '{lib}'; for g in '' 0 1 -1 abc '1 2'; do nb_kill_group \"$g\" && echo \"ok[$g]\"; done; echo still-here");
        Assert.Contains("still-here", r.Out);
        Assert.Equal(6, r.Out.Split('\n').Count(l => l.StartsWith("ok[", StringComparison.Ordinal)));
    }

    public void Dispose()
    {
        foreach (var g in _groups)
            foreach (var m in Members(g))
                try { Process.GetProcessById(m).Kill(); } catch (ArgumentException) { } catch (InvalidOperationException) { }
        Directory.Delete(_work, true);
    }
}
