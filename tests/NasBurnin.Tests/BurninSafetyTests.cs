using System.Management.Automation;
using NasBurnin.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace NasBurnin.Tests;

/// <summary>Never wipe the wrong disk: roles, unlocks, confirmation, -WhatIf and the host-side re-check.</summary>
[TypicalSeconds(49)]
public sealed class BurninSafetyTests : BurninTestBase, IClassFixture<BurninSafetyTests.Fixture>
{
    public sealed class Fixture : BurninRigFixture
    {
        public Fixture() : base("--drives", "10") { }
    }

    public BurninSafetyTests(Fixture rig, ITestOutputHelper output) : base(rig, output) { }

    private static int RunCount(PsSession s) => s.Run("@(Get-BurninRun -Offline).Count").Output.Single().BaseObject is int n ? n : -1;

    private static string Marker(string device) => ChildProcess.Run("dd", new[] { $"if={device}", "bs=4096", "count=1", "status=none" }).StdOut;

    [SkippableFact]
    public void System_and_pool_member_drives_are_refused_naming_drive_and_role()
    {
        RequireRig();
        using var s = Rig!.Session();
        var vda = s.Run("Get-BurninDrive | Where-Object { $_.Role -eq 'System' }").AssertClean().Output;
        Assert.NotEmpty(vda);
        var before = RunCount(s);
        foreach (var (filter, role) in new[] { ("$_.Role -eq 'System'", "System"), ("$_.PoolName -eq 'tank'", "PoolMember") })
        {
            var r = s.Run($"Get-BurninDrive | Where-Object {{ {filter} }} | Start-BurninRun -Stage SurfaceValidate -Confirm:$false");
            Assert.Empty(r.Output);
            Assert.NotEmpty(r.Errors);
            Assert.All(r.Errors, e =>
            {
                Assert.StartsWith("DriveRoleRefused,", e.FullyQualifiedErrorId);
                Assert.Equal(ErrorCategory.PermissionDenied, e.CategoryInfo.Category);
                Assert.Contains(role, e.Exception.Message);
                Assert.Equal(role, PSObject.AsPSObject(e.TargetObject).Text("Role")); // the drive itself is the target
            });
        }
        Assert.Equal(before, RunCount(s));
        Assert.NotEmpty(s.Run("Get-BurninAuditEvent -Type destructive_refused").Output);
    }

    [SkippableFact]
    public void A_mounted_drive_is_refused_until_unlocked_with_the_typed_token()
    {
        RequireRig();
        using var s = Rig!.Session();
        var serial = "NBT0001"; // mounted ext4
        var refused = s.Run($"{Rig!.Drive(serial)} | Start-BurninRun -Stage SurfaceValidate -Confirm:$false");
        Assert.StartsWith("DriveLocked,", Assert.Single(refused.Errors).FullyQualifiedErrorId);
        Assert.Contains("Unlock-MountedDrive", refused.Errors[0].Exception.Message);

        var wrong = s.Run($"{Rig!.Drive(serial)} | Unlock-MountedDrive -ConfirmToken 'yes'");
        Assert.StartsWith("UnlockTokenMismatch,", Assert.Single(wrong.Errors).FullyQualifiedErrorId);
        Assert.Contains("DESTROY MOUNTED FILESYSTEM", wrong.Errors[0].Exception.Message);

        // Nobody to type the token: refused, nothing unlocked.
        var unanswered = s.Run($"{Rig!.Drive(serial)} | Unlock-MountedDrive");
        Assert.StartsWith("UnlockTokenRequired,", Assert.Single(unanswered.Errors).FullyQualifiedErrorId);

        // Typed at the prompt: unlocked, audited, then consumed by the next destructive stage.
        s.Host.Answers.Enqueue("DESTROY MOUNTED FILESYSTEM");
        var unlock = s.Run($"{Rig!.Drive(serial)} | Unlock-MountedDrive -ValidFor 00:05:00").AssertClean().Output.Single();
        Assert.Equal("Mounted", unlock.Text("Role"));
        Assert.Single(s.Run("Get-BurninAuditEvent -Type mounted_drive_unlocked -Serial NBT0001").Output);
        s.Run($"$mounted = {Rig!.Drive(serial)}").AssertClean(); // the inventory that says Mounted
        var run = s.Run("$mounted | Start-BurninRun -Stage SurfaceValidate -Confirm:$false").AssertClean().Output.Single();
        var done = BurninRig.WaitFinished(s, (long)run.Properties["RunId"].Value);
        Assert.Equal("Pass", done.Text("Result")); // the runner unmounted it, as the unlock allowed
        var started = s.Run($"Get-BurninAuditEvent -Type destructive_run_started -Serial {serial}").AssertClean().Output.Single();
        Assert.Equal(Environment.UserName, started.Properties["Operator"].Value); // no users in this store: the OS user
        Assert.StartsWith("local:", (string)started.Properties["Source"].Value);
        Assert.Contains("consumed the Mounted unlock", (string)started.Properties["Detail"].Value);
        Assert.Single(s.Run($"Get-BurninAuditEvent -Type unmounted -Serial {serial}").AssertClean().Output);
        // Until a new inventory, the store still knows the drive as Mounted, and the unlock was consumed.
        var again = s.Run("$mounted | Start-BurninRun -Stage SurfaceValidate -Confirm:$false");
        Assert.StartsWith("DriveLocked,", Assert.Single(again.Errors).FullyQualifiedErrorId);
        Assert.Equal("Free", s.Run($"{Rig!.Drive(serial)}.Role").AssertClean().Output.Single().ToString()); // nothing is mounted now
    }

    [SkippableFact]
    public void Lock_withdraws_an_unlock()
    {
        RequireRig();
        using var s = Rig!.Session();
        s.Run($"{Rig!.Drive("NBT0002")} | Unlock-MountedDrive -ConfirmToken 'DESTROY EXISTING DATA'").AssertClean();
        Assert.Equal(1, s.Run($"{Rig!.Drive("NBT0002")} | Lock-BurninDrive -PassThru").AssertClean().Output.Single().BaseObject);
        var r = s.Run($"{Rig!.Drive("NBT0002")} | Start-BurninRun -Stage SurfaceValidate -Confirm:$false");
        Assert.StartsWith("DriveLocked,", Assert.Single(r.Errors).FullyQualifiedErrorId);
        Assert.Single(s.Run("Get-BurninAuditEvent -Type drive_locked -Serial NBT0002").Output);
    }

    [SkippableFact]
    public void WhatIf_changes_nothing_on_the_host_or_in_the_store()
    {
        RequireRig();
        using var s = Rig!.Session();
        var before = RunCount(s);
        var runsDir = Path.Combine(Rig!.Nas.WorkDir, "runs");
        var remoteBefore = Directory.Exists(runsDir) ? Directory.GetDirectories(runsDir).Length : 0;
        s.Run($"{Rig!.Drive("NBT0007")} | Start-BurninRun -Profile Standard -WhatIf").AssertClean();
        Assert.Equal(before, RunCount(s));
        Assert.Equal(remoteBefore, Directory.Exists(runsDir) ? Directory.GetDirectories(runsDir).Length : 0);
    }

    [SkippableFact]
    public void A_destructive_start_prompts_and_fails_closed_when_nobody_can_answer()
    {
        RequireRig();
        using var s = Rig!.Session();
        var before = RunCount(s);
        var r = s.Run($"{Rig!.Drive("NBT0007")} | Start-BurninRun -Stage SurfaceValidate");
        Assert.NotEmpty(r.AllErrors);
        Assert.Contains(s.Host.Prompts, p => p.Contains("ERASES ALL DATA", StringComparison.Ordinal));
        Assert.Equal(before, RunCount(s));

        s.Host.Answers.Enqueue("N"); // the operator says No
        s.Run($"{Rig!.Drive("NBT0007")} | Start-BurninRun -Stage SurfaceValidate");
        Assert.Equal(before, RunCount(s));
    }

    [SkippableFact]
    public void A_drive_mounted_after_the_inventory_is_refused_on_the_host()
    {
        RequireRig();
        using var s = Rig!.Session();
        var device = Rig!.Nas.Device("NBT0008");
        s.Run("$d = " + Rig!.Drive("NBT0008")).AssertClean(); // inventory: Free
        Assert.Equal("Free", s.Run("$d.Role").Output.Single().ToString());
        var mnt = Path.Combine(Rig!.Nas.StateDir, "mnt", "late");
        Directory.CreateDirectory(mnt);
        Assert.Equal(0, Rig!.Nas.Shell($"mkfs.ext4 -q -F {device} && mount {device} {mnt} && echo precious > {mnt}/marker.txt").ExitCode);
        try
        {
            var run = s.Run("$d | Start-BurninRun -Stage SurfaceValidate -Confirm:$false").AssertClean().Output.Single();
            var done = BurninRig.WaitFinished(s, (long)run.Properties["RunId"].Value);
            Assert.Equal("Fail", done.Text("Result"));
            var reasons = (string[])done.Properties["Reasons"].Value;
            Assert.Contains(reasons, r => r.Contains("refused", StringComparison.Ordinal) && r.Contains("mounted", StringComparison.Ordinal));
            Assert.Equal("precious\n", File.ReadAllText(Path.Combine(mnt, "marker.txt")));
            Assert.NotEmpty(s.Run("Get-BurninAuditEvent -Type destructive_refused -Serial NBT0008").Output);
        }
        finally { ChildProcess.Run("umount", new[] { mnt }); }
    }

    [SkippableFact]
    public void Stop_aborts_a_running_self_test_and_is_audited()
    {
        RequireRig();
        File.WriteAllText(Rig!.DriveStateFile("NBT0009", "selftest_seconds"), "120");
        using var s = Rig!.Session();
        var run = s.Run($"{Rig!.Drive("NBT0009")} | Start-BurninRun -Stage SmartLong -Confirm:$false").AssertClean().Output.Single();
        var id = (long)run.Properties["RunId"].Value;
        Thread.Sleep(3000);
        var stopped = s.Run($"Stop-BurninRun -RunId {id} -Confirm:$false -PassThru").AssertClean().Output.Single();
        Assert.Equal("Aborted", stopped.Text("State"));
        Assert.Equal("Aborted", s.Run($"Get-BurninStage -RunId {id}").Output.Single().Text("State"));
        Assert.Single(s.Run($"Get-BurninAuditEvent -Type burnin_stopped -Serial NBT0009").Output);
        var smartLog = File.ReadAllText(Path.Combine(Rig!.Nas.StateDir, "smartctl.log"));
        var device = Rig.Nas.Device("NBT0009");
        Assert.Contains(smartLog.Split('\n'), line => line.EndsWith($" -X {device}", StringComparison.Ordinal)); // the self-test on this drive was aborted
    }
}
