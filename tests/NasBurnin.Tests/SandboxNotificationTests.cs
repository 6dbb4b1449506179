using System.Diagnostics;
using System.Text.Json;
using NasBurnin.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace NasBurnin.Tests;

/// <summary>
/// A real run on the sandbox NAS: when it finishes, two scheduled syncs racing each other (two processes) send
/// exactly one message for it, and its certificate carries the temperatures the runner recorded on the host.
/// </summary>
[TypicalSeconds(25)]
public sealed class SandboxNotificationTests : BurninTestBase, IClassFixture<SandboxNotificationTests.Fixture>
{
    public sealed class Fixture : BurninRigFixture
    {
        public Fixture() : base() { }
    }

    public SandboxNotificationTests(Fixture rig, ITestOutputHelper output) : base(rig, output) { }

    [SkippableFact]
    public async Task A_finished_run_yields_exactly_one_message_with_two_syncs_racing_and_its_certificate_has_the_runners_temperatures()
    {
        RequireRig();
        using var hook = new LoopbackHttp();
        var selftest = Rig!.DriveStateFile("NBT0007", "selftest_seconds");
        File.WriteAllText(selftest, "3"); // a few polls while it runs: each reads (and records) the temperature
        long runId;
        using (var s = Rig.Session())
        {
            s.Run($"Set-BurninNotification -Name hook -Webhook -Uri '{hook.Url}hook' -Event RunPassed, RunFailed, HeatAbort, RunInterrupted").AssertClean();
            runId = (long)s.Run($"{Rig.Drive("NBT0007")} | Start-BurninRun -Stage SmartShort -Confirm:$false").AssertClean().Output.Single().Properties["RunId"].Value;
        }
        var dir = Rig.RunDir("NBT0007");
        WaitFor(() => File.Exists(Path.Combine(dir, "state")) && File.ReadAllText(Path.Combine(dir, "state")).Trim() == "Finished", 120, "the run to finish on the host");

        // Both processes import the module and say they are ready; then both sync at the same moment.
        var folder = Path.GetDirectoryName(Rig.StorePath)!;
        var go = Path.Combine(folder, $"go-sync-{runId}");
        var children = Enumerable.Range(0, 2).Select(i => ChildProcess.PwshAsync(
            $"Import-Module '{PsSession.Quote(RepoPaths.Manifest)}' -ErrorAction Stop; Use-BurninStore -Path '{PsSession.Quote(Rig.StorePath)}'; " +
            $"[System.IO.File]::WriteAllText('{PsSession.Quote(Path.Combine(folder, $"ready-sync-{runId}-{i}"))}', ''); " +
            $"while (-not [System.IO.File]::Exists('{PsSession.Quote(go)}')) {{ [System.Threading.Thread]::Sleep(5) }}; " +
            "Sync-BurninInventory | ForEach-Object { 'synced ' + $_.HostName + ' ' + $_.Succeeded }",
            TimeSpan.FromMinutes(3))).ToList();
        WaitFor(() => Directory.GetFiles(folder, $"ready-sync-{runId}-*").Length == 2, 120, "the two processes to be ready");
        File.WriteAllText(go, "");
        foreach (var c in children)
        {
            var r = await c;
            Out.WriteLine($"exit {r.ExitCode}: {r.StdOut.Trim()} {r.StdErr.Trim()}");
            Assert.Equal(0, r.ExitCode);
            Assert.Contains("synced 127.0.0.1 True", r.StdOut, StringComparison.Ordinal);
        }

        var posts = hook.Requests.Where(q => q.Method == "POST").Select(q => JsonDocument.Parse(q.Body).RootElement.Clone()).ToList();
        var mine = posts.Where(p => p.GetProperty("event").GetProperty("runId").ValueKind == JsonValueKind.Number
                                    && p.GetProperty("event").GetProperty("runId").GetInt64() == runId).ToList();
        var message = Assert.Single(mine);
        Assert.Equal("RunPassed", message.GetProperty("event").GetProperty("type").GetString());
        Assert.Contains("serial NBT0007", message.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Equal(posts.Count, posts.Select(p => p.GetProperty("event").GetProperty("key").GetString()).Distinct().Count());

        using (var s = Rig.Session())
        {
            Assert.Equal("Pass", s.Run($"Get-BurninRun -RunId {runId} -Offline").AssertClean().Output.Single().Text("Result"));
            var path = Path.Combine(folder, $"cert-{runId}.html");
            s.Run($"Export-BurninReport -RunId {runId} -Path '{PsSession.Quote(path)}'").AssertClean();
            var html = File.ReadAllText(path);
            Assert.Contains($"id=\"temperature-chart-{runId}\"", html, StringComparison.Ordinal);
            Assert.Contains("NBT0007", html, StringComparison.Ordinal);
            Assert.Matches(@"class=""verdict""[^>]*>Pass<", html);
        }
        if (Sqlite3.Available)
            Assert.NotEqual("0", Sqlite3.Exec(Rig.StorePath, $"SELECT count(*) FROM stage_temperatures t JOIN burnin_stages s ON s.id = t.stage_id WHERE s.run_id = {runId};"));
    }
}
