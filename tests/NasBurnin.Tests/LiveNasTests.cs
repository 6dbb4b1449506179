using System.Management.Automation;
using NasBurnin.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace NasBurnin.Tests;

/// <summary>
/// Live-NAS correctness (issue 12) through the imported module on a sandbox NAS whose power-on hours are held still
/// (so tests of one kind end within one power-on hour, as on a real drive): self-tests are always seen to end and
/// pass on every transport, sleeping disks stay asleep, unknown health is Unknown, health rules are shown,
/// overridden and audited, and the Standard profile passes every healthy free drive.
/// </summary>
[TypicalSeconds(100)]
public sealed class LiveNasTests : BurninTestBase, IClassFixture<LiveNasTests.Fixture>
{
    public sealed class Fixture : BurninRigFixture
    {
        public Fixture() : base("--hold-power-on-hours") { }
    }

    public LiveNasTests(Fixture rig, ITestOutputHelper output) : base(rig, output) { }

    private const string Nvme = "NBT0005", Ssd = "NBT0006", Hdd = "NBT0007", Sas = "NBT0008", PoolDisk = "NBT0003", MountedDisk = "NBT0001";

    private static T Prop<T>(PSObject o, string name) => (T)o.Properties[name].Value;

    /// <summary>Writes shim state files and removes them (and what the shim counted) on Dispose.</summary>
    private sealed class States : IDisposable
    {
        private readonly List<string> _files = new();
        public States Set(string path, string content) { File.WriteAllText(path, content); _files.Add(path); return this; }
        public States Also(string path) { _files.Add(path); return this; }
        public void Dispose() { foreach (var f in _files) File.Delete(f); }
    }

    private string StateFile(string serial, string file) => Rig!.DriveStateFile(serial, file);

    /// <summary>This sandbox's drive with that serial from an output (another sandbox's twin has the same serial).</summary>
    private PSObject Own(RunResult r, string serial) => Assert.Single(r.Output, o => o.Text("Serial") == serial && o.Text("Device") == Rig!.Nas.Device(serial));

    private List<PSObject> StartAll(PsSession s, IEnumerable<string> serials, string args)
    {
        var filter = string.Join(" -or ", serials.Select(x => $"($_.Serial -eq '{x}' -and $_.Device -eq '{Rig!.Nas.Device(x)}')"));
        return s.Run($"Get-BurninDrive | Where-Object {{ {filter} }} | Start-BurninRun {args} -Confirm:$false").AssertClean().Output.ToList();
    }

    private List<PSObject> WaitAll(PsSession s, IEnumerable<PSObject> runs, int seconds = 240)
    {
        var ids = string.Join(",", runs.Select(r => (long)r.Properties["RunId"].Value));
        var done = s.Run($"Wait-BurninRun -RunId {ids} -PollSeconds 1 -Timeout '00:{seconds / 60:00}:{seconds % 60:00}'").AssertClean().Output.ToList();
        Assert.Equal(runs.Count(), done.Count);
        foreach (var run in done)
        {
            Out.WriteLine($"run {run.Text("RunId")} {run.Text("Serial")}: {run.Text("Result")} {string.Join(" | ", Prop<string[]>(run, "Reasons"))}");
            foreach (var st in s.Run($"Get-BurninStage -RunId {run.Text("RunId")} -IncludeLog").AssertClean().Output)
                Out.WriteLine($"  {st.Text("Stage")} {st.Text("State")}: {st.Text("Summary")}\n{st.Text("LogText")}");
        }
        return done;
    }

    private string StageLogs(PsSession s, PSObject run) =>
        string.Join("\n", s.Run($"Get-BurninStage -RunId {run.Text("RunId")} -IncludeLog").AssertClean().Output.Select(st => st.Text("LogText")));

    // ------------------------------------------------------------------ self-tests

    [SkippableFact]
    public void Three_back_to_back_self_tests_of_one_kind_in_one_power_on_hour_end_and_pass_on_every_transport()
    {
        RequireRig();
        var drives = new[] { Hdd, Nvme, Sas }; // SATA, NVMe, SAS (the SSD reads like the HDD; the Standard run covers it)
        using var s = Rig!.Session();
        var hoursBefore = drives.ToDictionary(d => d, d => Prop<long?>(Own(s.Run(Rig.Drive(d)).AssertClean(), d), "PowerOnHours"));
        using var states = new States();
        // Tests of 0 s end before the runner's first look: only the log can tell, and within one power-on hour its
        // newest entry is the same each time (the NVMe and SCSI logs carry no count).
        foreach (var d in drives) states.Set(StateFile(d, "selftest_seconds"), "0");
        var quick = WaitAll(s, StartAll(s, drives, "-Stage SmartShort, SmartShort, SmartShort"));
        Assert.All(quick, r => Assert.Equal("Pass", r.Text("Result")));
        Assert.All(quick, r => Assert.Equal(3, System.Text.RegularExpressions.Regex.Matches(StageLogs(s, r), @"self-test ended \(the self-test log changed\)").Count));

        // Tests of 1 s are seen running (the runner looks at once after the start), and seen to end.
        foreach (var d in drives) states.Set(StateFile(d, "selftest_seconds"), "1");
        var seen = WaitAll(s, StartAll(s, drives, "-Stage SmartLong, SmartLong, SmartLong"));
        Assert.All(seen, r => Assert.Equal("Pass", r.Text("Result")));
        Assert.All(seen, r => Assert.Equal(3, System.Text.RegularExpressions.Regex.Matches(StageLogs(s, r), @"self-test ended \(seen running, now ended\)").Count));

        foreach (var d in drives) // all of it within one power-on hour
            Assert.Equal(hoursBefore[d], Prop<long?>(Own(s.Run(Rig.Drive(d)).AssertClean(), d), "PowerOnHours"));
    }

    [SkippableFact]
    public void A_log_full_of_identical_entries_does_not_change_and_the_tests_are_still_seen_to_end()
    {
        RequireRig();
        using var s = Rig!.Session();
        using var states = new States();
        // NVMe keeps 20 entries, the SCSI log 20, the ATA log 21: full of entries like the next test's, nothing changes.
        states.Set(StateFile(Nvme, "selftest_history"), "20 long ok").Set(StateFile(Sas, "selftest_history"), "20 long ok")
              .Set(StateFile(Hdd, "selftest_history"), "21 long ok");
        foreach (var d in new[] { Nvme, Sas, Hdd }) states.Set(StateFile(d, "selftest_seconds"), "2");
        var runs = WaitAll(s, StartAll(s, new[] { Nvme, Sas, Hdd }, "-Stage SmartLong, SmartLong, SmartLong"));
        Assert.All(runs, r => Assert.Equal("Pass", r.Text("Result")));
        Assert.All(runs, r => Assert.DoesNotContain("the self-test log changed", StageLogs(s, r), StringComparison.Ordinal));
    }

    // ------------------------------------------------------------------ sleeping disks

    private int Wakeups(string serial) => File.Exists(StateFile(serial, "wakeups")) ? int.Parse(File.ReadAllText(StateFile(serial, "wakeups")).Trim()) : 0;

    [SkippableFact]
    public void Repeated_syncs_wake_no_standby_disk_and_WakeDrives_wakes_it_once()
    {
        RequireRig();
        using var s = Rig!.Session();
        var before = Own(s.Run($"Get-BurninDrive -Serial {Hdd}").AssertClean(), Hdd); // read awake first
        Assert.Equal("Active", before.Text("PowerMode"));
        var readAt = Prop<DateTime?>(before, "SmartReadAt");
        Assert.NotNull(readAt);

        var asleep = new[] { Hdd, PoolDisk, MountedDisk, Ssd };
        using var states = new States();
        foreach (var d in asleep) states.Set(StateFile(d, "standby"), "").Also(StateFile(d, "wakeups"));
        for (var i = 0; i < 3; i++)
        {
            var sync = s.Run("Sync-BurninInventory").AssertClean().Output.Single();
            Assert.True(Prop<bool>(sync, "Succeeded"));
        }
        var live = s.Run("Get-BurninDrive").AssertClean();
        foreach (var d in new[] { Hdd, PoolDisk, MountedDisk }) Assert.Equal(0, Wakeups(d)); // pool disks, mounted, free: none woke

        var hdd = Own(live, Hdd);
        Assert.Equal(("Standby", "Passed", "Free"), (hdd.Text("PowerMode"), hdd.Text("SmartHealth"), hdd.Text("Role")));
        Assert.Equal(readAt!.Value, Prop<DateTime?>(hdd, "SmartReadAt")!.Value, TimeSpan.FromMilliseconds(1)); // its last values, with their time (stored to the ms)
        Assert.Equal(Prop<int?>(before, "TemperatureC"), Prop<int?>(hdd, "TemperatureC"));
        Assert.Equal(Prop<long?>(before, "PowerOnHours"), Prop<long?>(hdd, "PowerOnHours"));
        Assert.True(Prop<DateTime?>(hdd, "LastSeenAt") > readAt);
        Assert.Equal(("Standby", "PoolMember"), (Own(live, PoolDisk).Text("PowerMode"), Own(live, PoolDisk).Text("Role")));
        Assert.Equal(("Standby", "Mounted"), (Own(live, MountedDisk).Text("PowerMode"), Own(live, MountedDisk).Text("Role")));
        // An SSD does not spin up: it is read as before, asleep or not.
        Assert.Equal("Active", Own(live, Ssd).Text("PowerMode"));
        Assert.True(Wakeups(Ssd) >= 4);
        var offline = Own(s.Run($"Get-BurninDrive -Offline -Serial {Hdd}").AssertClean(), Hdd);
        Assert.Equal(("Standby", "Passed"), (offline.Text("PowerMode"), offline.Text("SmartHealth")));

        // Once read, the drive's smartctl type is passed back with -d (and -n standby, as it spins).
        var log = File.ReadAllLines(Path.Combine(Rig.Nas.StateDir, "smartctl.log"));
        Assert.Contains(log, l => l.EndsWith($"-j -x -n standby -d sat {Rig.Nas.Device(Hdd)}", StringComparison.Ordinal));

        // -WhatIf wakes nothing; -WakeDrives reads it (ConfirmImpact Medium: no prompt at the default preference).
        var whatIf = s.Run($"Get-BurninDrive -Serial {Hdd} -WakeDrives -WhatIf").AssertClean();
        Assert.Equal("Standby", Own(whatIf, Hdd).Text("PowerMode"));
        Assert.Equal(0, Wakeups(Hdd));
        var woken = Own(s.Run($"Get-BurninDrive -Serial {Hdd} -WakeDrives").AssertClean(), Hdd);
        Assert.Equal(1, Wakeups(Hdd));
        Assert.Equal("Active", woken.Text("PowerMode"));
        Assert.True(Prop<DateTime?>(woken, "SmartReadAt") > readAt);
        Assert.Equal((0, 0), (Wakeups(PoolDisk), Wakeups(MountedDisk))); // only the drive asked for
    }

    [SkippableFact]
    public void A_burn_in_reads_its_drive_whatever_its_power_mode()
    {
        RequireRig();
        using var s = Rig!.Session();
        using var states = new States();
        states.Set(StateFile(Hdd, "selftest_seconds"), "1").Set(StateFile(Hdd, "standby"), "").Also(StateFile(Hdd, "wakeups"));
        var run = WaitAll(s, StartAll(s, new[] { Hdd }, "-Stage SmartShort, SmartPostCheck")).Single();
        Assert.Equal("Pass", run.Text("Result"));
        Assert.True(Wakeups(Hdd) > 0); // the runner's own reads are not held back: the drive is busy anyway
    }

    // ------------------------------------------------------------------ unknown health

    [SkippableFact]
    public void An_iscsi_like_device_with_SMART_disabled_is_Unknown_with_no_temperature_and_refused_for_destructive_stages()
    {
        RequireRig();
        using var s = Rig!.Session();
        var id = Prop<long>(Own(s.Run(Rig.Drive(Sas)).AssertClean(), Sas), "DriveId");
        using (new States().Set(StateFile(Sas, "broken"), "smart_disabled"))
        {
            var r = s.Run("Get-BurninDrive").AssertClean();
            var lun = Own(r, Sas);
            Assert.Equal(id, Prop<long>(lun, "DriveId"));
            Assert.Equal("Unknown", lun.Text("SmartHealth"));                       // not Passed, though it answers "OK"
            Assert.Null(Prop<int?>(lun, "TemperatureC"));                          // 0 °C from no sensor is no temperature
            Assert.Contains("SMART is disabled", Prop<string[]>(lun, "Warnings")[0]);
            Assert.Equal("Other", lun.Text("Transport"));                          // iSCSI
            Assert.Contains(r.Warnings, w => w.Contains($"{Rig.Nas.Device(Sas)} ({Sas}): SMART is disabled", StringComparison.Ordinal));

            var refused = s.Run($"{Rig.Drive(Sas)} | Start-BurninStage -Stage SurfaceValidate -Confirm:$false");
            var e = Assert.Single(refused.AllErrors);
            Assert.Equal("DriveHealthUnknown,NasBurnin.Burnin.StartBurninStageCommand", e.FullyQualifiedErrorId);
            Assert.Contains("SMART is disabled", e.Exception.Message);
            Assert.Empty(refused.Output);
            Assert.Contains(s.Run($"Get-BurninAuditEvent -Type destructive_refused -Serial {Sas}").AssertClean().Output,
                a => a.Text("Detail")!.Contains("SMART health Unknown", StringComparison.Ordinal));
        }
        Assert.Equal("Passed", Own(s.Run(Rig.Drive(Sas)).AssertClean(), Sas).Text("SmartHealth")); // SMART on again: read as before
    }

    // ------------------------------------------------------------------ health rules

    [SkippableFact]
    public void Health_rules_are_shown_overridden_per_serial_and_model_with_a_reason_audited_and_removed()
    {
        RequireRig();
        using var s = Rig!.Session();
        var rules = s.Run("Get-BurninHealthRule").AssertClean().Output;
        var pending = Assert.Single(rules, r => r.Text("Counter") == "PendingSectors");
        Assert.Equal(("Default", 1L), (pending.Text("Scope"), Prop<long?>(pending, "FailAt")!.Value));
        Assert.Contains("any increase", pending.Text("DuringRun"));

        using var states = new States();
        states.Set(StateFile(Hdd, "attrs"), "197 3\n");
        Assert.Equal("Failed", Own(s.Run(Rig.Drive(Hdd)).AssertClean(), Hdd).Text("SmartHealth"));

        // Without a real reason nothing changes.
        Assert.Equal("HealthRuleReasonRequired,NasBurnin.Drives.SetBurninHealthRuleCommand",
            s.RunTerminating($"Set-BurninHealthRule PendingSectors -Serial {Hdd} -WarnAt 1 -FailAt 10 -Reason '  '").FullyQualifiedErrorId);
        s.Run($"Set-BurninHealthRule PendingSectors -Serial {Hdd} -WarnAt 1 -FailAt 10 -Reason 'pending sectors known, drive under watch' -WhatIf").AssertClean();
        Assert.Empty(s.Run("Get-BurninHealthRule | Where-Object Scope -ne Default").AssertClean().Output);

        var set = s.Run($"Set-BurninHealthRule PendingSectors -Serial {Hdd} -WarnAt 1 -FailAt 10 -Reason 'pending sectors known, drive under watch' -PassThru").AssertClean().Output.Single();
        Assert.Equal(("Serial", Hdd, 1L, 10L), (set.Text("Scope"), set.Text("Serial"), Prop<long?>(set, "WarnAt")!.Value, Prop<long?>(set, "FailAt")!.Value));
        var warned = Own(s.Run(Rig.Drive(Hdd)).AssertClean(), Hdd);
        Assert.Equal("Warning", warned.Text("SmartHealth"));
        Assert.Contains(Prop<string[]>(warned, "Warnings"), w => w.Contains($"the override for serial '{Hdd}': pending sectors known", StringComparison.Ordinal));
        var effective = s.Run($"{Rig.Drive(Hdd)} | Get-BurninHealthRule -Counter PendingSectors").AssertClean().Output.Single();
        Assert.Equal("Serial", effective.Text("Scope"));

        var audit = s.Run($"Get-BurninAuditEvent -Type health_rule_changed -Serial {Hdd}").AssertClean().Output.Single();
        Assert.Contains("PendingSectors for serial", audit.Text("Detail"));
        Assert.Contains("reason: pending sectors known, drive under watch", audit.Text("Detail"));

        s.Run("Get-BurninHealthRule | Where-Object Scope -eq Serial | Remove-BurninHealthRule -Reason 'watch over'").AssertClean();
        Assert.Single(s.Run("Get-BurninAuditEvent -Type health_rule_removed").AssertClean().Output);
        Assert.Equal("Failed", Own(s.Run(Rig.Drive(Hdd)).AssertClean(), Hdd).Text("SmartHealth"));
        var notRemovable = s.Run("Get-BurninHealthRule -Counter CrcErrors | Remove-BurninHealthRule -Reason x");
        Assert.Equal("HealthRuleNotRemovable,NasBurnin.Drives.RemoveBurninHealthRuleCommand", Assert.Single(notRemovable.AllErrors).FullyQualifiedErrorId);
    }

    [Fact]
    public void Changing_health_rules_needs_a_signed_in_admin_once_the_store_has_users()
    {
        using var dir = new TempDir(); // no host needed: the rules live in the store
        using var s = new PsSession(storePath: dir.File("burnin.db"));
        s.Run(OperatorTests.Helpers).AssertClean();
        s.Run("New-BurninUser -UserName admin -Admin -Password (SS 'Admin-Pw-1234') -Confirm:$false; Connect-BurninOperator -Credential (Cred admin 'Admin-Pw-1234')").AssertClean();
        s.Run("New-BurninUser -UserName bob -Password (SS 'Bob-Pw-5678') -Confirm:$false; Disconnect-BurninOperator").AssertClean();
        const string set = "Set-BurninHealthRule CrcErrors -Model 'M1' -WarnAt 100 -Reason 'noisy backplane'";
        Assert.StartsWith("OperatorSignInRequired,", s.RunTerminating(set).FullyQualifiedErrorId);
        s.Run("Connect-BurninOperator -Credential (Cred bob 'Bob-Pw-5678')").AssertClean();
        Assert.StartsWith("AdminRequired,", s.RunTerminating(set).FullyQualifiedErrorId);
        Assert.StartsWith("AdminRequired,", s.RunTerminating("Remove-BurninHealthRule CrcErrors -Model 'M1' -Reason x").FullyQualifiedErrorId);
        Assert.Empty(s.Run("Get-BurninHealthRule | Where-Object Scope -ne Default").AssertClean().Output); // anyone may look
        s.Run("Connect-BurninOperator -Credential (Cred admin 'Admin-Pw-1234')").AssertClean();
        s.Run(set).AssertClean();
        Assert.Equal("admin", s.Run("Get-BurninAuditEvent -Type health_rule_changed").AssertClean().Output.Single().Text("Operator"));
    }

    // ------------------------------------------------------------------ verdict and the Standard profile

    [SkippableFact]
    public void Any_increase_in_reported_uncorrectable_fails_a_run()
    {
        RequireRig();
        using var s = Rig!.Session();
        using var states = new States();
        states.Set(StateFile(Hdd, "selftest_seconds"), "3");
        var run = StartAll(s, new[] { Hdd }, "-Stage SmartShort, SmartPostCheck").Single();
        var dir = Rig.RunDir(Hdd);
        // The first stage starts once the baseline (smart-pre.json) is written; the counter grows after it.
        for (var i = 0; i < 600 && !File.Exists(Path.Combine(dir, "stages", "1", "started")); i++) Thread.Sleep(50);
        states.Set(StateFile(Hdd, "attrs"), "187 1\n");
        var done = WaitAll(s, new[] { run }).Single();
        Assert.Equal("Fail", done.Text("Result"));
        Assert.Contains("Reported uncorrectable errors grew from 0 to 1", Prop<string[]>(done, "Reasons"));
    }

    [SkippableFact]
    public void The_free_drives_pass_the_Standard_profile_with_power_on_hours_held_still()
    {
        RequireRig();
        using var s = Rig!.Session();
        using var states = new States();
        // NVMe and SAS: tests over before the runner first looks (their second SmartLong used to hang); SATA: seen running.
        foreach (var d in new[] { Nvme, Sas }) states.Set(StateFile(d, "selftest_seconds"), "0");
        foreach (var d in new[] { Hdd, Ssd }) states.Set(StateFile(d, "selftest_seconds"), "1");
        var own = string.Join(" -or ", new[] { Nvme, Ssd, Hdd, Sas }.Select(x => $"($_.Serial -eq '{x}' -and $_.Device -eq '{Rig.Nas.Device(x)}')"));
        var runs = s.Run($"Get-BurninDrive -Role Free | Where-Object {{ {own} }} | Start-BurninRun -Profile Standard -Confirm:$false").AssertClean().Output;
        Assert.Equal(new[] { Nvme, Ssd, Hdd, Sas }, runs.Select(r => r.Text("Serial")).Order(StringComparer.Ordinal));
        var done = WaitAll(s, runs, 300);
        Assert.All(done, r => Assert.Equal("Pass", r.Text("Result")));
        Assert.All(done, r => Assert.Equal(5, s.Run($"Get-BurninStage -RunId {r.Text("RunId")}").AssertClean().Output.Count(st => st.Text("State") == "Passed")));
    }
}
