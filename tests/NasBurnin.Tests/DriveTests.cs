using System.Management.Automation;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using NasBurnin.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace NasBurnin.Tests;

/// <summary>
/// Get-BurninDrive and Sync-BurninInventory through the real PowerShell engine against the sandbox NAS
/// (tests/testnas: sshd on 127.0.0.1, loop-device drives, smartctl/zpool shims). One sandbox serves the
/// whole class; tests that change its shim state undo it in finally. Other sandboxes on this machine (their
/// loop devices carry the same serials) are visible too, so assertions pick this sandbox's drives by device.
/// Identity across a device move is covered by the engine test
/// DriveRepositoryTests.A_drive_that_moves_from_sdb_to_sdc_keeps_its_row (the sandbox's loop devices are not
/// moved here: stop.sh must always be able to clean them up).
/// </summary>
[TypicalSeconds(56)]
public sealed class DriveTests : IClassFixture<DriveTests.Nas>
{
    public sealed class Nas : IDisposable
    {
        public SandboxNas? Sandbox { get; } = SandboxNas.Available ? SandboxNas.Start() : null;
        public void Dispose() => Sandbox?.Dispose();
    }

    private readonly SandboxNas? _nas;
    private readonly ITestOutputHelper _out;

    public DriveTests(Nas fixture, ITestOutputHelper output)
    {
        _nas = fixture.Sandbox;
        _out = output;
    }

    private SandboxNas N => _nas!;

    /// <summary>True (after saying why) when this machine cannot run the sandbox.</summary>
    private void RequireNas() => Skip.If(_nas is null, SandboxNas.Unavailable);

    private PsSession Session(TempDir dir, string hostName = "127.0.0.1")
    {
        var s = new PsSession(storePath: dir.File("burnin.db"));
        s.Run(N.ConnectCommand(hostName)).AssertClean();
        return s;
    }

    private static T Prop<T>(PSObject o, string name) => (T)o.Properties[name].Value;


    private static string Fact(JsonElement drive, string name) => drive.GetProperty(name).GetString()!;

    /// <summary>
    /// This sandbox's drives among the output, by serial. Another sandbox running on this machine shows the same
    /// serials on its own loop devices; the inventory merges such twins into one drive and keeps the path smartctl
    /// identified. Where smartctl could identify neither (a test broke it on purpose) the kept path may be the other
    /// sandbox's, and ours is named in the drive's "also reachable as" warning.
    /// </summary>
    private Dictionary<string, PSObject> Ours(RunResult r)
    {
        var found = new Dictionary<string, PSObject>();
        foreach (var f in N.Drives)
        {
            var (serial, device) = (Fact(f, "serial"), Fact(f, "device"));
            var mine = r.Output.Where(o => o.Text("Serial") == serial && (o.Text("Device") == device || Prop<string[]>(o, "Warnings").Any(w =>
                w.Contains("also reachable as", StringComparison.Ordinal) && Regex.IsMatch(w, Regex.Escape(device) + @"\b")))).ToList();
            if (mine.Count == 1) found[serial] = mine[0];
        }
        return found;
    }

    /// <summary>Is this output this sandbox's own path to the drive (not a twin on another sandbox)?</summary>
    private bool OwnPath(PSObject d) => d.Text("Device") == N.Device(d.Text("Serial")!);

    private List<string> OurSerials(RunResult r) => Ours(r).Keys.Order(StringComparer.Ordinal).ToList();

    /// <summary>Writes a shim state file of one drive (or of the sandbox, serial null) and removes it on Dispose.</summary>
    private StateFile State(string? serial, string name, string content)
    {
        var folder = serial is null ? N.StateDir : N.Drive(serial).GetProperty("stateDir").GetString()!;
        return new StateFile(Path.Combine(folder, name), content);
    }

    private sealed class StateFile : IDisposable
    {
        private readonly string _path;
        public StateFile(string path, string content)
        {
            _path = path;
            File.WriteAllText(path, content);
        }
        public void Dispose() => File.Delete(_path);
    }

    /// <summary>A registered host nobody listens for: name and port of a closed port on another loopback address.</summary>
    private void RegisterDownHost(string storePath, string name, int port)
    {
        var sql = "INSERT INTO hosts(name, address, port, user_name, transport, key_file_path, host_key_sha256, host_key_algorithm, use_sudo, created_at) " +
                  $"VALUES ('{name}', '{name}', {port}, 'root', 'Ssh', '{N.KeyPath}', 'SHA256:33hOVELSmu2aYcGswYictDoQVoco6CCG4AioG5wEWYI', 'ssh-ed25519', 0, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));";
        Sqlite(storePath, sql);
    }

    private static void Sqlite(string storePath, string sql)
    {
        var r = ChildProcess.Run("sqlite3", new[] { "-cmd", ".timeout 30000", storePath, sql });
        Assert.True(r.ExitCode == 0, "sqlite3: " + r.StdErr);
    }

    // The sandbox's smartctl (a sh wrapper, then smartctl.py for its own drives) as ps shows it.
    private string SmartctlProcesses => N.StateDir + "/bin/smartctl";

    [SkippableFact]
    public void Every_sandbox_drive_appears_with_the_facts_of_testnas_json_and_the_root_disk_is_System()
    {
        RequireNas();
        using var dir = new TempDir();
        using var s = Session(dir);
        var r = s.Run("Get-BurninDrive").AssertClean();
        var ours = Ours(r);
        Assert.Equal(N.Drives.Count(), ours.Count);
        foreach (var f in N.Drives)
        {
            var serial = Fact(f, "serial");
            var d = ours[serial];
            Assert.Equal("NasBurnin.BurninDrive", d.TypeNames[0]);
            Assert.Equal("127.0.0.1", d.Text("HostName"));
            Assert.True(Prop<long>(d, "DriveId") > 0, serial);
            Assert.Equal(Fact(f, "model"), d.Text("Model"));
            Assert.Equal(Fact(f, "firmware"), d.Text("Firmware"));
            Assert.Equal(Fact(f, "role"), d.Text("Role"));
            Assert.Equal(Fact(f, "transport"), d.Text("Transport"));
            Assert.Equal(f.GetProperty("sizeBytes").GetInt64(), Prop<long?>(d, "CapacityBytes"));
            Assert.Equal(f.GetProperty("rotational").GetBoolean(), Prop<bool?>(d, "Rotational"));
            Assert.Equal("Passed", d.Text("SmartHealth"));
            if (f.GetProperty("poolRole").ValueKind == JsonValueKind.String)
            {
                Assert.Equal("tank", d.Text("PoolName"));
                Assert.Equal(Fact(f, "poolRole"), d.Text("PoolRole"));
            }
            else Assert.Null(d.Text("PoolName"));
            if (f.GetProperty("mountpoint").ValueKind == JsonValueKind.String)
                Assert.Contains(Fact(f, "mountpoint"), Prop<string[]>(d, "Mountpoints"));
        }
        Assert.Equal("member", ours["NBT0003"].Text("PoolRole"));
        Assert.Equal("spare", ours["NBT0004"].Text("PoolRole"));

        // The machine's own root disk (here /dev/vda) is listed and protected as System.
        var root = RootDisk();
        if (root is null)
        {
            _out.WriteLine("/ is not on a block device here (overlay or network root): the System check is skipped.");
            return;
        }
        var system = Assert.Single(r.Output, o => o.Text("Device") == root);
        Assert.Equal("System", system.Text("Role"));
        Assert.Contains(Prop<string[]>(system, "RoleReasons"), reason => reason.StartsWith("holds / on", StringComparison.Ordinal));
    }

    /// <summary>The whole disk that holds / on this machine (/dev/vda here), or null.</summary>
    private static string? RootDisk()
    {
        var source = ChildProcess.Run("findmnt", new[] { "-n", "-o", "SOURCE", "/" }).StdOut.Trim();
        if (!source.StartsWith("/dev/", StringComparison.Ordinal)) return null;
        var parent = ChildProcess.Run("lsblk", new[] { "-n", "-d", "-o", "PKNAME", source }).StdOut.Trim();
        return parent.Length > 0 ? "/dev/" + parent : source;
    }

    [SkippableFact]
    public void Filters_select_by_serial_wildcard_role_and_transport_and_ids_stay_the_same()
    {
        RequireNas();
        using var dir = new TempDir();
        using var s = Session(dir);
        var ids = Ours(s.Run("Get-BurninDrive").AssertClean()).ToDictionary(kv => kv.Key, kv => Prop<long>(kv.Value, "DriveId"));

        var bySerial = s.Run("Get-BurninDrive -Serial 'nbt000[34]'").AssertClean();
        Assert.Equal(new[] { "NBT0003", "NBT0004" }, OurSerials(bySerial));
        Assert.All(bySerial.Output, o => Assert.Matches("^NBT000[34]$", o.Text("Serial")));

        var pool = s.Run("Get-BurninDrive 127.0.0.1 -Role PoolMember").AssertClean();
        Assert.Equal(new[] { "NBT0003", "NBT0004" }, OurSerials(pool));
        Assert.All(pool.Output, o => Assert.Equal("PoolMember", o.Text("Role")));

        Assert.Equal(new[] { "NBT0005" }, OurSerials(s.Run("Get-BurninDrive -Role Free -Transport Nvme").AssertClean()));

        var piped = s.Run("Get-BurninHost | Get-BurninDrive -Role System").AssertClean();
        Assert.NotEmpty(piped.Output);
        Assert.All(piped.Output, o => Assert.Equal("System", o.Text("Role")));

        // A second inventory finds every drive under the same id.
        var again = Ours(s.Run("Get-BurninDrive").AssertClean());
        Assert.Equal(ids, again.ToDictionary(kv => kv.Key, kv => Prop<long>(kv.Value, "DriveId")));

        // -Role is typed by the engine's DriveRole: PowerShell refuses the value and names the accepted ones.
        var bad = s.RunTerminating("Get-BurninDrive -Role Spare");
        Assert.StartsWith("CannotConvertArgumentNoMessage", bad.FullyQualifiedErrorId);
        Assert.Contains("System, PoolMember, Mounted, Stale, Free, Unknown", bad.Exception.Message);
    }

    [SkippableFact]
    public void Offline_reads_the_store_while_the_host_is_unreachable()
    {
        RequireNas();
        using var dir = new TempDir();
        Dictionary<string, PSObject> live;
        using (var s = Session(dir))
            live = Ours(s.Run("Get-BurninDrive").AssertClean());

        // The host's address now leads nowhere: only the store can answer.
        Sqlite(dir.File("burnin.db"), $"UPDATE hosts SET port = {FreePort()} WHERE name = '127.0.0.1';");
        using var next = new PsSession(storePath: dir.File("burnin.db"));
        var down = next.Run("Get-BurninDrive");
        var e = Assert.Single(down.AllErrors);
        Assert.Equal("HostUnreachable,NasBurnin.Drives.GetBurninDriveCommand", e.FullyQualifiedErrorId);
        Assert.Empty(down.Output);

        var offline = Ours(next.Run("Get-BurninDrive -Offline").AssertClean());
        Assert.Equal(live.Keys.Order(), offline.Keys.Order());
        foreach (var (serial, d) in offline)
        {
            foreach (var p in new[] { "DriveId", "Device", "Model", "Role", "Transport", "SmartHealth", "PoolName", "CapacityBytes", "TemperatureC", "PowerOnHours" })
                Assert.Equal(live[serial].Properties[p].Value, d.Properties[p].Value);
            Assert.Null(d.Properties["MissingSince"].Value);
        }
        Assert.Equal(new[] { "NBT0003", "NBT0004" }, OurSerials(next.Run("Get-BurninDrive -Offline 127.0.0.* -Role PoolMember").AssertClean()));
        Assert.Equal(new[] { "NBT0006" }, OurSerials(next.Run("Get-BurninDrive -Offline -Serial *6 -Transport Sata").AssertClean()));
        Assert.Equal(new[] { "NBT0008" }, OurSerials(next.Run("Get-BurninDrive -Offline -Transport Sas").AssertClean()));
        Assert.Equal(new[] { "NBT0001", "NBT0002" }, OurSerials(next.Run("Get-BurninDrive -Offline -Role Mounted, Stale").AssertClean()));

        var unknown = Assert.Single(next.Run("Get-BurninDrive -Offline -HostName nas-nobody-registered").AllErrors);
        Assert.StartsWith("HostNotFound,", unknown.FullyQualifiedErrorId);
        Assert.Equal("nas-nobody-registered", unknown.TargetObject);
    }

    [SkippableFact]
    public void Broken_smartctl_answers_leave_the_drive_listed_as_Unknown_with_a_warning()
    {
        RequireNas();
        using var dir = new TempDir();
        using var s = Session(dir);
        RunResult r;
        using (State("NBT0002", "broken", "nonjson"))
        using (State("NBT0006", "broken", "truncated"))
        using (State("NBT0007", "broken", "nosmart"))
            r = s.Run("Get-BurninDrive").AssertClean(); // one bad disk never fails the inventory
        var ours = Ours(r);
        Assert.Equal(N.Drives.Count(), ours.Count);
        foreach (var serial in new[] { "NBT0002", "NBT0006", "NBT0007" })
        {
            var d = ours[serial];
            Assert.Equal("Unknown", d.Text("SmartHealth"));
            if (OwnPath(d)) Assert.Equal(Fact(N.Drive(serial), "role"), d.Text("Role"));
            Assert.NotEmpty(Prop<string[]>(d, "Warnings"));
            Assert.Contains(r.Warnings, w => w.Contains($"{d.Text("Device")} ({serial})", StringComparison.Ordinal));
        }
        Assert.Contains("does not support SMART", Prop<string[]>(ours["NBT0007"], "Warnings")[0]);
        Assert.All(ours.Where(kv => kv.Key is not ("NBT0002" or "NBT0006" or "NBT0007")), kv => Assert.Equal("Passed", kv.Value.Text("SmartHealth")));

        // Repaired, the drives read normally again.
        var fixedUp = Ours(s.Run("Get-BurninDrive -Serial NBT000[267]").AssertClean());
        Assert.All(fixedUp.Values, d => Assert.Equal("Passed", d.Text("SmartHealth")));
    }

    [SkippableFact]
    public void Missing_zpool_or_smartctl_degrade_the_inventory_with_warnings()
    {
        RequireNas();
        using var dir = new TempDir();
        using var s = Session(dir);
        RunResult noZpool;
        using (State(null, "zpool_absent", ""))
            noZpool = s.Run("Get-BurninDrive").AssertClean();
        Assert.Contains(noZpool.Warnings, w => w.Contains("zpool not found: pool membership unknown", StringComparison.Ordinal));
        Assert.Contains(noZpool.Warnings, w => w.Contains("reported Stale rather than PoolMember", StringComparison.Ordinal));
        var ours = Ours(noZpool);
        foreach (var serial in new[] { "NBT0003", "NBT0004" })
        {
            Assert.Equal("Stale", ours[serial].Text("Role")); // the ZFS label is still seen: never Free
            Assert.Null(ours[serial].Text("PoolName"));
            Assert.Contains(Prop<string[]>(ours[serial], "RoleReasons"), x => x.Contains("pool membership unknown", StringComparison.Ordinal));
        }
        Assert.Equal("Passed", ours["NBT0003"].Text("SmartHealth"));

        s.Run("Set-BurninHost 127.0.0.1 -SmartctlPath /nonexistent/sbin/smartctl").AssertClean();
        try
        {
            var noSmart = s.Run("Get-BurninDrive").AssertClean();
            Assert.Contains(noSmart.Warnings, w => w.Contains("smartctl was not found on the host", StringComparison.Ordinal));
            var drives = Ours(noSmart);
            Assert.Equal(N.Drives.Count(), drives.Count);
            Assert.All(drives.Values, d => Assert.Equal("Unknown", d.Text("SmartHealth")));
            if (OwnPath(drives["NBT0003"])) Assert.Equal("PoolMember", drives["NBT0003"].Text("Role"));
        }
        finally
        {
            s.Run("Set-BurninHost 127.0.0.1 -SmartctlPath ''").AssertClean();
        }
    }

    [SkippableFact]
    public void Counters_make_a_drive_Failed_or_Warning_though_smartctl_says_PASSED()
    {
        RequireNas();
        using var dir = new TempDir();
        using var s = Session(dir);
        Dictionary<string, PSObject> ours;
        using (State("NBT0007", "attrs", "197 3\n"))
        using (State("NBT0002", "attrs", "5 8\n"))
        using (State("NBT0006", "temperature", "61"))
            ours = Ours(s.Run("Get-BurninDrive -Serial NBT000[267]").AssertClean());

        var pending = ours["NBT0007"];
        Assert.Equal("Failed", pending.Text("SmartHealth"));
        Assert.Equal(3L, Prop<long?>(pending, "PendingSectors"));
        Assert.Contains("3 pending sectors", Prop<string[]>(pending, "Warnings")[0]);

        var reallocated = ours["NBT0002"];
        Assert.Equal("Warning", reallocated.Text("SmartHealth"));
        Assert.Equal(8L, Prop<long?>(reallocated, "ReallocatedSectors"));
        Assert.Contains("8 reallocated sectors", Prop<string[]>(reallocated, "Warnings")[0]);

        var hot = ours["NBT0006"];
        Assert.Equal("Warning", hot.Text("SmartHealth"));
        Assert.Equal(61, Prop<int?>(hot, "TemperatureC"));
        Assert.Contains("Temperature 61", Prop<string[]>(hot, "Warnings")[0]);

        // smartctl's own verdict for these drives is PASSED: the sandbox's health state was never touched.
        Assert.All(new[] { "NBT0007", "NBT0002", "NBT0006" }, serial => Assert.False(File.Exists(Path.Combine(N.Drive(serial).GetProperty("stateDir").GetString()!, "health"))));
    }

    [SkippableFact]
    public void Unreachable_refused_and_slow_hosts_get_one_error_each_and_the_other_host_still_answers()
    {
        RequireNas();
        using var dir = new TempDir();
        using var refusing = new LoopbackSshd();
        using (var first = Session(dir))
        {
            first.Run($"Connect-BurninHost -HostName {refusing.Host} -Port {refusing.Port} -UserName {refusing.UserName} -KeyFilePath '{PsSession.Quote(refusing.ClientKeyPath)}' -AcceptHostKey").AssertClean();
        }
        File.WriteAllText(refusing.AuthorizedKeysPath, ""); // from now on it refuses the key
        RegisterDownHost(dir.File("burnin.db"), "127.0.0.2", FreePort());

        using var s = new PsSession(storePath: dir.File("burnin.db"));
        var r = s.Run("Get-BurninDrive");
        Assert.Equal(2, r.AllErrors.Count());
        var unreachable = Assert.Single(r.AllErrors, e => e.CategoryInfo.Category == ErrorCategory.ConnectionError);
        Assert.Equal("HostUnreachable,NasBurnin.Drives.GetBurninDriveCommand", unreachable.FullyQualifiedErrorId);
        Assert.Equal("127.0.0.2", unreachable.TargetObject);
        var refused = Assert.Single(r.AllErrors, e => e.CategoryInfo.Category == ErrorCategory.AuthenticationError);
        Assert.Equal("HostAuthenticationFailed,NasBurnin.Drives.GetBurninDriveCommand", refused.FullyQualifiedErrorId);
        Assert.Equal("127.0.0.1", refused.TargetObject);
        Assert.Contains(refusing.Port.ToString(), refused.Exception.Message);
        Assert.Equal(N.Drives.Count(), Ours(r).Count);
        Assert.All(r.Output, o => Assert.Equal("127.0.0.1", o.Text("HostName")));

        var hosts = s.Run("Get-BurninHost").AssertClean().Output;
        Assert.Null(hosts.Single(h => Prop<int>(h, "Port") == N.Port).Properties["LastError"].Value);
        Assert.NotNull(hosts.Single(h => Prop<int>(h, "Port") == refusing.Port).Properties["LastError"].Value);
        Assert.NotNull(hosts.Single(h => h.Text("HostName") == "127.0.0.2").Properties["LastError"].Value);

        // A host that does not finish in time: the inventory is stopped there, with one timeout error.
        using (State("NBT0007", "delay_ms", "60000"))
        {
            var slow = s.Run($"Get-BurninDrive 127.0.0.1 -Port {N.Port} -TimeoutSeconds 3");
            var timeout = Assert.Single(slow.AllErrors);
            Assert.Equal("RemoteCommandTimeout,NasBurnin.Drives.GetBurninDriveCommand", timeout.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.OperationTimeout, timeout.CategoryInfo.Category);
            Assert.Equal("127.0.0.1", timeout.TargetObject);
            Assert.Empty(slow.Output);
            Assert.Empty(WaitUntilGone(SmartctlProcesses));
        }
    }

    [SkippableFact]
    public void Sync_returns_one_summary_per_host_records_the_poll_and_never_prompts()
    {
        RequireNas();
        using var dir = new TempDir();
        using var s = Session(dir);
        RegisterDownHost(dir.File("burnin.db"), "127.0.0.2", FreePort());

        var r = s.Run("Sync-BurninInventory -ThrottleLimit 2");
        Assert.Empty(s.Host.Prompts);
        Assert.Empty(r.Warnings);
        Assert.Empty(r.Progress);
        Assert.Equal(2, r.Output.Count);
        Assert.All(r.Output, o => Assert.Equal("NasBurnin.BurninSyncResult", o.TypeNames[0]));
        var ok = r.Output.Single(o => o.Text("HostName") == "127.0.0.1");
        Assert.True(Prop<bool>(ok, "Succeeded"));
        var count = Prop<int>(ok, "DriveCount");
        Assert.True(count > N.Drives.Count(), $"{count} drives: the sandbox's and this machine's own");
        Assert.Equal(count, Prop<int>(ok, "NewDrives"));
        Assert.Equal(0, Prop<int>(ok, "MissingDrives"));
        Assert.Null(ok.Text("Error"));
        Assert.Contains("Pool 'tank' is DEGRADED.", Prop<string[]>(ok, "Warnings"));
        Assert.True(Prop<TimeSpan>(ok, "Duration") > TimeSpan.Zero);

        var failed = r.Output.Single(o => o.Text("HostName") == "127.0.0.2");
        Assert.False(Prop<bool>(failed, "Succeeded"));
        Assert.Equal("HostUnreachable", failed.Text("ErrorId"));
        Assert.Equal(0, Prop<int>(failed, "DriveCount"));
        var e = Assert.Single(r.AllErrors);
        Assert.Equal("HostUnreachable,NasBurnin.Drives.SyncBurninInventoryCommand", e.FullyQualifiedErrorId);
        Assert.Equal("127.0.0.2", e.TargetObject);

        var hosts = s.Run("Get-BurninHost").AssertClean().Output;
        var good = hosts.Single(h => h.Text("HostName") == "127.0.0.1");
        Assert.NotNull(good.Properties["LastPollAt"].Value);
        Assert.Null(good.Properties["LastError"].Value);
        var bad = hosts.Single(h => h.Text("HostName") == "127.0.0.2");
        Assert.NotNull(bad.Properties["LastPollAt"].Value);
        Assert.Null(bad.Properties["LastSuccessAt"].Value);
        Assert.Contains("Cannot reach", bad.Text("LastError"));
        Assert.Equal(count, s.Run("Get-BurninDrive -Offline 127.0.0.1").AssertClean().Output.Count);

        // Other sandboxes on this machine (other tests' too) may come and go between the two syncs: every drive
        // seen before is seen again or missing now, and none of this sandbox's drives is missing.
        var second = s.Run("Sync-BurninInventory 127.0.0.1").AssertClean().Output.Single();
        Assert.Equal(count, Prop<int>(second, "DriveCount") - Prop<int>(second, "NewDrives") + Prop<int>(second, "MissingDrives"));
        var missing = s.Run("Get-BurninDrive -Offline 127.0.0.1 | Where-Object MissingSince | ForEach-Object Device").AssertClean().Output.Select(o => o.ToString());
        Assert.Empty(missing.Intersect(N.Drives.Select(d => d.GetProperty("device").GetString())));

        // As a scheduled task would run it: pwsh -NonInteractive, exit code 0 when every host synced, 1 when one failed
        // (its error record comes from the last command).
        var prefix = $"Import-Module '{PsSession.Quote(RepoPaths.Manifest)}'; Use-BurninStore -Path '{PsSession.Quote(dir.File("burnin.db"))}'; ";
        var child = ChildProcess.Pwsh(prefix + "Sync-BurninInventory -HostName 127.0.0.1 | ForEach-Object { 'SYNC ' + $_.HostName + ' ' + $_.Succeeded }");
        Assert.True(child.ExitCode == 0, child.StdOut + child.StdErr);
        Assert.Contains("SYNC 127.0.0.1 True", child.StdOut);
        var all = ChildProcess.Pwsh(prefix + "Sync-BurninInventory | ForEach-Object { 'SYNC ' + $_.HostName + ' ' + $_.Succeeded }");
        Assert.Equal(1, all.ExitCode);
        Assert.Contains("SYNC 127.0.0.1 True", all.StdOut);
        Assert.Contains("SYNC 127.0.0.2 False", all.StdOut);
        Assert.Contains("HostUnreachable", all.StdOut + all.StdErr);
    }

    [SkippableFact]
    public void Ctrl_C_during_a_slow_inventory_stops_the_pipeline_and_the_smartctl_processes_on_the_host()
    {
        RequireNas();
        using var dir = new TempDir();
        using var s = Session(dir);
        using (State(null, "smart_delay_ms", "600000"))
        {
            using var ps = PowerShell.Create();
            ps.Runspace = s.Runspace;
            ps.AddScript("Get-BurninDrive");
            var pending = ps.BeginInvoke();
            Assert.NotEmpty(WaitForProcess(SmartctlProcesses));
            ps.Stop();
            Assert.Equal(PSInvocationState.Stopped, ps.InvocationStateInfo.State);
            Assert.Throws<PipelineStoppedException>(() => ps.EndInvoke(pending));
            Assert.Empty(WaitUntilGone(SmartctlProcesses));
        }
        Assert.Empty(s.Run("Get-BurninDrive -Offline").AssertClean().Output); // nothing half-done was stored
        Assert.Single(s.Run("Get-BurninDrive -Serial NBT0001").AssertClean().Output, o => o.Text("Device") == N.Device("NBT0001"));
    }

    [SkippableTheory]
    [InlineData("/tmp/nb;touch {0}")]
    [InlineData("/tmp/$(touch {0})")]
    [InlineData("/tmp/`touch {0}`")]
    [InlineData("/tmp/nb dir")]
    [InlineData("/tmp/../etc")]
    public void Work_dirs_with_shell_characters_are_refused_before_connecting(string template)
    {
        RequireNas();
        using var dir = new TempDir();
        using var s = new PsSession(storePath: dir.File("burnin.db"));
        var marker = dir.File("marker");
        s.Runspace.SessionStateProxy.SetVariable("v", string.Format(template, marker));
        var e = s.RunTerminating(N.ConnectCommand().Replace($"-WorkDir '{PsSession.Quote(N.WorkDir)}'", "-WorkDir $v", StringComparison.Ordinal));
        Assert.StartsWith("InvalidRemotePath,NasBurnin.Hosts.ConnectBurninHostCommand", e.FullyQualifiedErrorId);
        Assert.Empty(s.Run("Get-BurninHost").AssertClean().Output);
        Assert.False(File.Exists(marker));
    }

    [SkippableFact]
    public void Shell_characters_in_stored_paths_and_in_filters_never_reach_a_shell()
    {
        RequireNas();
        using var dir = new TempDir();
        var marker = dir.File("marker");
        using (Session(dir)) { }
        // A store edited by hand: tool paths and the work folder carry payloads. They are dropped on read.
        var json = JsonSerializer.Serialize(new Dictionary<string, string> { ["smartctl"] = $"/bin/true;touch {marker}", ["zpool"] = $"$(touch {marker})", ["lsblk"] = $"/bin/lsblk\ntouch {marker}" });
        Sqlite(dir.File("burnin.db"), $"UPDATE hosts SET tool_paths = '{json.Replace("'", "''")}', work_dir = '/tmp/$(touch {marker})';");

        using var s = new PsSession(storePath: dir.File("burnin.db"));
        var host = s.Run("Get-BurninHost").AssertClean().Output.Single();
        Assert.Equal("/var/tmp/nasburnin", host.Text("WorkDir"));
        var ours = Ours(s.Run("Get-BurninDrive").AssertClean());
        Assert.Equal(N.Drives.Count(), ours.Count);
        Assert.Equal("PoolMember", ours["NBT0003"].Text("Role"));
        Assert.Equal("Passed", ours["NBT0003"].Text("SmartHealth"));

        s.Runspace.SessionStateProxy.SetVariable("v", $"*$(touch {marker})*;touch {marker}");
        Assert.Empty(s.Run("Get-BurninDrive -Serial $v").AssertClean().Output);
        s.Runspace.SessionStateProxy.SetVariable("h", $"127.0.0.1;touch {marker}");
        var notFound = Assert.Single(s.Run("Get-BurninDrive -HostName $h").AllErrors);
        Assert.StartsWith("HostNotFound,", notFound.FullyQualifiedErrorId);
        Assert.False(File.Exists(marker));
    }

    [SkippableFact]
    public void Loop_devices_are_drives_only_on_hosts_that_include_them()
    {
        RequireNas();
        using var dir = new TempDir();
        using var s = Session(dir);
        var h = s.Run("Get-BurninHost").AssertClean().Output.Single();
        Assert.True(Prop<bool>(h, "IncludeLoopDevices"));
        Assert.Equal(N.WorkDir, h.Text("WorkDir"));

        var off = s.Run("Set-BurninHost 127.0.0.1 -IncludeLoopDevices $false -PassThru").AssertClean().Output.Single();
        Assert.False(Prop<bool>(off, "IncludeLoopDevices"));
        var real = s.Run("Get-BurninDrive").AssertClean();
        Assert.DoesNotContain(real.Output, o => o.Text("Device")!.StartsWith("/dev/loop", StringComparison.Ordinal));
        if (RootDisk() is { } root) Assert.Contains(real.Output, o => o.Text("Device") == root);

        // Connecting again without the switch keeps the stored choice; the switch turns it back on.
        var kept = s.Run(N.ConnectCommand().Replace(" -IncludeLoopDevices", "", StringComparison.Ordinal)).AssertClean().Output.Single();
        Assert.False(Prop<bool>(kept, "IncludeLoopDevices"));
        Assert.Equal(N.WorkDir, kept.Text("WorkDir"));
        Assert.True(Prop<bool>(s.Run(N.ConnectCommand()).AssertClean().Output.Single(), "IncludeLoopDevices"));
        Assert.Equal(N.Drives.Count(), Ours(s.Run("Get-BurninDrive").AssertClean()).Count);
    }

    [Fact]
    public void Drive_and_sync_results_have_default_table_views_of_existing_properties()
    {
        using var dir = new TempDir();
        using var s = new PsSession(storePath: dir.File("burnin.db"));
        var file = s.Run("(Get-Module NasBurnin).ExportedFormatFiles | Where-Object { $_ -like '*Drives.Format.ps1xml' }").AssertClean().Output.Single().ToString();
        var views = XDocument.Load(file).Descendants("View").ToList();
        foreach (var type in new[] { "BurninDrive", "BurninSyncResult" })
        {
            var properties = s.Run($"[NasBurnin.{type}]::new().PSObject.Properties.Name").AssertClean().Output.Select(o => o.ToString()).ToHashSet();
            var view = views.Single(v => v.Element("Name")!.Value == "NasBurnin." + type);
            Assert.NotNull(view.Element("TableControl"));
            var used = view.Descendants("PropertyName").Select(p => p.Value).ToList();
            Assert.Contains("HostName", used);
            Assert.All(used, p => Assert.Contains(p, properties));
            var scripts = string.Join("\n", view.Descendants("ScriptBlock").Select(b => b.Value));
            foreach (var m in System.Text.RegularExpressions.Regex.Matches(scripts, @"\$_\.([A-Za-z]+)").Select(m => m.Groups[1].Value))
                Assert.Contains(m, properties);
        }
        Assert.Contains("TB", File.ReadAllText(file));
    }

    private static int FreePort()
    {
        var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        var port = ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    private static List<string> WaitForProcess(string text) => Poll(() => LoopbackSshd.ProcessesMatching(text), found => found.Count > 0);

    private static List<string> WaitUntilGone(string text) => Poll(() => LoopbackSshd.ProcessesMatching(text), left => left.Count == 0);

    private static List<string> Poll(Func<List<string>> read, Func<List<string>, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var now = read();
            if (done(now) || DateTime.UtcNow > deadline) return now;
            Thread.Sleep(100);
        }
    }
}
