using System.Management.Automation;
using NasBurnin.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace NasBurnin.Tests;

/// <summary>Pass or fail from evidence: the sandbox's smartctl shim plays drives whose SMART data turns bad.</summary>
[TypicalSeconds(35)]
public sealed class BurninVerdictTests : BurninTestBase, IClassFixture<BurninVerdictTests.Fixture>
{
    public sealed class Fixture : BurninRigFixture
    {
        public Fixture() : base("--drives", "14") { }
    }

    public BurninVerdictTests(Fixture rig, ITestOutputHelper output) : base(rig, output) { }

    /// <summary>Runs SmartShort + SmartPostCheck; <paramref name="midway"/> runs once the first stage is under way (after the pre snapshot).</summary>
    private (PSObject Run, string[] Reasons) QuickRun(string serial, Action? midway = null)
    {
        using var s = Rig!.Session();
        var run = s.Run($"{Rig!.Drive(serial)} | Start-BurninRun -Profile Quick -Confirm:$false").AssertClean().Output.Single();
        var id = (long)run.Properties["RunId"].Value;
        if (midway is not null)
        {
            var runDir = Rig!.RunDir(serial);
            for (var i = 0; i < 100 && !File.Exists(Path.Combine(runDir, "stages", "1", "started")); i++) Thread.Sleep(100);
            midway();
        }
        var done = BurninRig.WaitFinished(s, id);
        var reasons = (string[])done.Properties["Reasons"].Value;
        foreach (var r in reasons) Out.WriteLine($"{serial}: {r}");
        return (done, reasons);
    }

    [SkippableFact]
    public void Counters_that_grow_during_the_run_fail_it_even_when_SMART_says_PASSED()
    {
        RequireRig();
        var (run, reasons) = QuickRun("NBT0009", () => File.WriteAllText(Rig!.DriveStateFile("NBT0009", "attrs"), "197 3\n5 8\n"));
        Assert.Equal("Fail", run.Text("Result"));
        Assert.Contains("Pending sectors grew from 0 to 3", reasons);
        Assert.Contains("Reallocated sectors grew from 0 to 8", reasons);
        Assert.DoesNotContain(reasons, r => r.Contains("overall health", StringComparison.Ordinal)); // smartctl still says PASSED
    }

    [SkippableFact]
    public void A_self_test_read_failure_fails_the_run()
    {
        RequireRig();
        File.WriteAllText(Rig!.DriveStateFile("NBT0011", "selftest_result"), "read_failure");
        var (run, reasons) = QuickRun("NBT0011");
        Assert.Equal("Fail", run.Text("Result"));
        Assert.Contains(reasons, r => r.StartsWith("SmartShort:", StringComparison.Ordinal) && r.Contains("read failure", StringComparison.Ordinal));
    }

    [SkippableFact]
    public void An_nvme_critical_warning_fails_the_run()
    {
        RequireRig();
        var nvme = Rig!.Nas.Drives.First(d => d.GetProperty("transport").GetString() == "Nvme").GetProperty("serial").GetString()!;
        var (run, reasons) = QuickRun(nvme, () => File.WriteAllText(Rig!.DriveStateFile(nvme, "nvme_critical_warning"), "4"));
        Assert.Equal("Fail", run.Text("Result"));
        Assert.Contains("NVMe critical warning 0x04", reasons);
    }

    [SkippableFact]
    public void New_crc_errors_and_heat_only_warn()
    {
        RequireRig();
        var (run, reasons) = QuickRun("NBT0012", () =>
        {
            File.WriteAllText(Rig!.DriveStateFile("NBT0012", "attrs"), "199 2\n");
            File.WriteAllText(Rig!.DriveStateFile("NBT0012", "temperature"), "58"); // over the 55 °C limit, under the 60 °C abort
        });
        Assert.Equal("Pass", run.Text("Result"));
        Assert.Contains(reasons, r => r.StartsWith("Warning: interface CRC errors grew from 0 to 2", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.StartsWith("Warning: temperature 58", StringComparison.Ordinal));
    }
}
