using System.Diagnostics;
using System.Text;
using NasBurnin.Engine.Common;
using NasBurnin.Engine.Inventory;
using Xunit;
using Xunit.Abstractions;

namespace NasBurnin.Engine.Tests.Inventory;

/// <summary>
/// The inventory script itself, run by /bin/sh (dash here): its syntax, a read-only run on this machine, and
/// runs against stand-in tools in a temp folder (they only print fixtures; no device is touched).
/// </summary>
public class InventoryScriptTests
{
    private readonly ITestOutputHelper _output;

    public InventoryScriptTests(ITestOutputHelper output) => _output = output;

    private static bool HaveSh => OperatingSystem.IsLinux() && File.Exists("/bin/sh");

    private sealed record ShResult(int ExitCode, string StdOut, string StdErr);

    private static ShResult RunSh(string script, IDictionary<string, string>? env = null, string args = "-s", Action<Process>? whileRunning = null, string shell = "/bin/sh")
    {
        var psi = new ProcessStartInfo(shell, args)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.StandardInput.Write(script);
        p.StandardInput.Close();
        whileRunning?.Invoke(p);
        if (!p.WaitForExit(120_000))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException("the inventory script did not finish within 120 s");
        }
        return new ShResult(p.ExitCode, stdout.Result, stderr.Result);
    }

    [SkippableFact]
    public void Script_is_valid_posix_sh()
    {
        Skip.If(!HaveSh, "no /bin/sh");
        foreach (var options in new[] { new InventoryScriptOptions(), new InventoryScriptOptions { IncludeLoop = true, SmartctlTimeoutSeconds = 0, MaxParallelSmartctl = 1 } })
        {
            var r = RunSh(InventoryScript.Build(options), args: "-n");
            Assert.True(r.ExitCode == 0, r.StdErr);
            Assert.Equal("", r.StdErr);
        }
        if (File.Exists("/bin/dash") || File.Exists("/usr/bin/dash"))
        {
            var psi = new ProcessStartInfo("dash", "-n") { RedirectStandardInput = true, RedirectStandardError = true, UseShellExecute = false };
            using var p = Process.Start(psi)!;
            p.StandardInput.Write(InventoryScript.Build());
            p.StandardInput.Close();
            p.WaitForExit();
            Assert.Equal(0, p.ExitCode);
        }
    }

    [SkippableFact]
    public void Script_passes_shellcheck_when_it_is_installed()
    {
        var shellcheck = new[] { "/usr/bin/shellcheck", "/usr/local/bin/shellcheck" }.FirstOrDefault(File.Exists);
        Skip.If(shellcheck is null, "shellcheck is not installed (apt-get install shellcheck)");
        var psi = new ProcessStartInfo(shellcheck, "-s sh -") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        using var p = Process.Start(psi)!;
        var report = p.StandardOutput.ReadToEndAsync();
        p.StandardInput.Write(InventoryScript.Build(new InventoryScriptOptions { IncludeLoop = true }));
        p.StandardInput.Close();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, report.Result);
    }

    [Fact]
    public void Tool_paths_are_validated_and_quoted()
    {
        var script = InventoryScript.Build(new InventoryScriptOptions
        {
            Tools = InventoryTools.FromToolPaths(new Dictionary<string, string> { ["SmartCtl"] = "/opt/smart-tools/bin/smartctl", ["nvme"] = "/x/nvme" }),
        });
        Assert.Contains("nb_smartctl=/opt/smart-tools/bin/smartctl\n", script);
        Assert.Contains("nb_zpool=zpool\n", script);
        Assert.Contains("nb_cols=NAME,KNAME,TYPE,SIZE,ROTA,TRAN,SERIAL,WWN,MODEL,VENDOR,REV,FSTYPE,LABEL,UUID,PARTTYPE,PARTUUID,PARTLABEL,PTTYPE,PKNAME,RM,RO,MAJ:MIN\n", script);

        foreach (var bad in new[] { "smartctl; reboot", "/usr/sbin/smart ctl", "/usr/../bin/sh", "$(id)", "sudo smartctl", "", "-smartctl", "relative/smartctl" })
        {
            var e = Assert.Throws<BurninException>(() => (InventoryTools.Default with { Smartctl = bad }).Validate());
            Assert.True(e.ErrorId is "InvalidToolPath" or "InvalidRemotePath", e.ErrorId);
            Assert.Throws<BurninException>(() => InventoryScript.Build(new InventoryScriptOptions { Tools = InventoryTools.Default with { Zpool = bad } }));
        }
        Assert.Throws<BurninException>(() => InventoryTools.FromToolPaths(new Dictionary<string, string> { ["lsblk"] = "/bin/lsblk`id`" }));
        Assert.Throws<BurninException>(() => InventoryScript.Build(new InventoryScriptOptions { MaxParallelSmartctl = 0 }));
    }

    [SkippableFact]
    public void Runs_on_this_machine_and_the_root_disk_is_system()
    {
        Skip.If(!HaveSh || !File.Exists("/proc/self/mounts"), "needs Linux with /bin/sh and /proc");
        var rootDisk = RootDisk();
        Skip.If(rootDisk is null, "/ is not on a block device here (container overlay?)");
        var tmp = TestPaths.Temp();
        try
        {
            // smartctl and zpool are absent here (or pointed at nothing): their sections must say rc=127.
            var options = new InventoryOptions
            {
                Script = new InventoryScriptOptions
                {
                    Tools = InventoryTools.Default with { Smartctl = "/nonexistent/nasburnin-test/smartctl", Zpool = "/nonexistent/nasburnin-test/zpool" },
                },
            };
            var r = RunSh(InventoryScript.Build(options.Script), new Dictionary<string, string> { ["TMPDIR"] = tmp });
            Assert.True(r.ExitCode == 0, r.StdErr);
            var output = InventoryOutput.Parse(r.StdOut);
            Assert.True(output.Complete, string.Join("; ", output.Warnings));
            Assert.Equal(0, output.Get("lsblk")!.ExitCode);
            Assert.True(output.Get("zpool")!.ToolMissing);
            Assert.All(output.SmartctlSections, s => Assert.True(s.Section.ToolMissing));
            Assert.Empty(Directory.GetFileSystemEntries(tmp)); // the trap removed the script's temp folder

            var inv = InventoryBuilder.Build("localhost", output, options);
            foreach (var d in inv.Drives) _output.WriteLine($"{d.Device} {d.Role} {d.SmartHealth} {d.Transport} [{string.Join("; ", d.RoleReasons)}]");
            foreach (var w in inv.Warnings) _output.WriteLine("host: " + w);
            var root = Assert.Single(inv.Drives, d => d.KernelName == rootDisk);
            Assert.Equal(DriveRole.System, root.Role);
            Assert.Contains(root.RoleReasons, x => x.Contains("holds /"));
            Assert.Equal(SmartHealth.Unknown, root.SmartHealth);
            Assert.Contains("zpool not found: pool membership unknown.", inv.Warnings);
            Assert.DoesNotContain(inv.Drives, d => d.KernelName.StartsWith("loop") || d.KernelName.StartsWith("zram"));
            Assert.Equal(output.SmartctlSections.Count(), inv.Drives.Count);
        }
        finally { Directory.Delete(tmp, true); }
    }

    /// <summary>The whole disk under "/", found from /proc and /sys without the code under test.</summary>
    private static string? RootDisk()
    {
        var source = File.ReadAllLines("/proc/self/mounts").Select(l => l.Split(' ')).FirstOrDefault(f => f.Length > 2 && f[1] == "/")?[0];
        if (source is null || !source.StartsWith("/dev/")) return null;
        var name = Path.GetFileName(new FileInfo(source).LinkTarget ?? source);
        var sys = "/sys/class/block/" + name;
        if (!Directory.Exists(sys)) return null;
        if (!File.Exists(Path.Combine(sys, "partition"))) return name;
        var resolved = new DirectoryInfo(sys).ResolveLinkTarget(true)?.FullName ?? sys;
        return Path.GetFileName(Path.GetDirectoryName(resolved));
    }

    // ------------------------------------------------------------------ stand-in tools

    private sealed class FakeHost : IDisposable
    {
        public string Dir { get; } = TestPaths.Temp();
        public string Tmp => Path.Combine(Dir, "tmp");
        public string Bin => Path.Combine(Dir, "bin");
        public string Log => Path.Combine(Dir, "log");

        public FakeHost(int smartDelaySeconds = 0)
        {
            foreach (var d in new[] { Tmp, Bin, Log, Path.Combine(Dir, "smart") }) Directory.CreateDirectory(d);
            File.WriteAllText(Path.Combine(Dir, "lsblk.json"), InventoryFixtures.Read("nas-lsblk.json"));
            // What `lsblk -d -n -r -b -o KNAME,TYPE,SIZE,ROTA,SERIAL` would print for the fixture, plus an empty card
            // reader and a name no kernel would give, which the script must skip. sda is the SSD; sdh's serial has a
            // space, which lsblk -r escapes.
            File.WriteAllText(Path.Combine(Dir, "disks.txt"),
                "loop0 loop 58720256 1 LOOP0\nsda disk 500107862016 0 S3Z9NB0K123456A\nsdb disk 4000787030016 1 ZGY0TEST\nsdc disk 4000787030016 1 ZL2PEND1\n" +
                "sdd disk 4000787030016 1 S-sdd\nsde disk 4000787030016 1 S-sde\nsdf disk 4000787030016 1 S-sdf\nsdg disk 8001563222016 1 S-sdg\n" +
                "sdh disk 2000398934016 1 S\\x20sdh\nsdi disk 4000787030016 1 S-sdi\nsdj disk 1000204886016 1\nsdk disk 2000398934016 1 S-sdk\n" +
                "sdl disk 2000398934016 1 S-sdl\nsr0 rom 1073741312 1\nzram0 disk 4294967296 0\nnvme0n1 disk 500107862016 0 NVME0001\nsdz disk 0 1\nsd;x disk 100 1\n");
            var smart = new Dictionary<string, (string Json, int Rc)>
            {
                ["sda"] = (InventoryFixtures.Read("smart-sata-ssd-old-failure-superseded.json"), 0),
                ["sdb"] = (InventoryFixtures.Read("smart-sata-hdd-healthy.json"), 0),
                ["sdc"] = (InventoryFixtures.Read("smart-sata-pending-passed.json"), 192),
                ["sdj"] = (InventoryFixtures.Read("smart-usb-bridge-error.json"), 1),
                ["nvme0n1"] = (InventoryFixtures.Read("smart-nvme-critical.json"), 8),
                ["loop0"] = (InventoryFixtures.WithSerial("smart-sata-hdd-healthy.json", "LOOP0"), 0),
            };
            foreach (var k in new[] { "sdd", "sde", "sdf", "sdg", "sdh", "sdi", "sdk", "sdl" })
                smart[k] = (InventoryFixtures.WithSerial("smart-sata-hdd-healthy.json", "S-" + k), 0);
            foreach (var (k, (json, rc)) in smart)
            {
                File.WriteAllText(Path.Combine(Dir, "smart", k + ".json"), json);
                File.WriteAllText(Path.Combine(Dir, "smart", k + ".rc"), rc.ToString());
            }
            Tool("lsblk", $"""
                echo "$*" >>'{Log}/lsblk.args'
                case " $* " in
                *" -O "*) echo "lsblk: invalid option -- 'O'" >&2; exit 1 ;;
                *" -r "*) [ -f '{Dir}/old-lsblk' ] && exit 1; cat '{Dir}/disks.txt' ;;
                *" -d "*) cut -d ' ' -f 1-3 '{Dir}/disks.txt' ;;
                *MOUNTPOINTS*) cat '{Dir}/lsblk.json' ;;
                *) exit 1 ;;
                esac
                """);
            Tool("findmnt", $"cat '{Path.Combine(InventoryFixtures.Dir, "nas-findmnt.json")}'");
            Tool("zpool", $"cat '{Path.Combine(InventoryFixtures.Dir, "nas-zpool.txt")}'");
            // smartctl: note how many instances run at once, then answer from the fixture for the device.
            Tool("smartctl", $$"""
                [ "$1" = -V ] && { echo "smartctl 7.3 (fake)"; exit 0; }
                for a; do dev=$a; done
                dev=$(basename "$dev")
                : >'{{Log}}'/run.$dev
                sleep {{smartDelaySeconds}}
                ls '{{Log}}' | grep -c '^run\.' >'{{Log}}'/seen.$dev
                rm -f '{{Log}}'/run.$dev
                echo "$*" >'{{Log}}'/args.$dev
                cat '{{Dir}}'/smart/$dev.json
                exit $(cat '{{Dir}}'/smart/$dev.rc)
                """);
        }

        public void Tool(string name, string body)
        {
            var path = Path.Combine(Bin, name);
            File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        public InventoryTools Tools => new()
        {
            Lsblk = Path.Combine(Bin, "lsblk"), Findmnt = Path.Combine(Bin, "findmnt"),
            Zpool = Path.Combine(Bin, "zpool"), Smartctl = Path.Combine(Bin, "smartctl"),
        };

        public void Dispose() => Directory.Delete(Dir, true);
    }

    [SkippableFact]
    public void Runs_smartctl_for_every_whole_disk_in_parallel_and_falls_back_from_lsblk_O()
    {
        Skip.If(!HaveSh, "no /bin/sh");
        using var host = new FakeHost(smartDelaySeconds: 1);
        var options = new InventoryOptions { Script = new InventoryScriptOptions { Tools = host.Tools, MaxParallelSmartctl = 16 } };
        var r = RunSh(InventoryScript.Build(options.Script), new Dictionary<string, string> { ["TMPDIR"] = host.Tmp });
        Assert.True(r.ExitCode == 0, r.StdErr);
        var output = InventoryOutput.Parse(r.StdOut);
        Assert.True(output.Complete);

        Assert.Equal(new[] { "/dev/sda", "/dev/sdb", "/dev/sdc", "/dev/sdd", "/dev/sde", "/dev/sdf", "/dev/sdg", "/dev/sdh", "/dev/sdi", "/dev/sdj", "/dev/sdk", "/dev/sdl", "/dev/nvme0n1" },
            output.SmartctlSections.Select(s => s.Device));
        Assert.Equal((192, 1), (output.Get("smartctl /dev/sdc")!.ExitCode!.Value, output.Get("smartctl /dev/sdj")!.ExitCode!.Value));
        // Spinning disks are left asleep; the SSD and the NVMe drive are read as always.
        Assert.Equal("-j -x -n standby /dev/sdb", File.ReadAllText(Path.Combine(host.Log, "args.sdb")).Trim());
        Assert.Equal("-j -x /dev/sda", File.ReadAllText(Path.Combine(host.Log, "args.sda")).Trim());
        Assert.Equal("-j -x /dev/nvme0n1", File.ReadAllText(Path.Combine(host.Log, "args.nvme0n1")).Trim());
        var seen = Directory.GetFiles(host.Log, "seen.*").Select(f => int.Parse(File.ReadAllText(f).Trim())).ToList();
        Assert.True(seen.Max() >= 2, $"smartctl never ran concurrently (at most {seen.Max()} at once)");
        Assert.Contains("-J -b -o NAME,KNAME", File.ReadAllText(Path.Combine(host.Log, "lsblk.args")));
        Assert.Contains("invalid option", output.Get("lsblk")!.Error);
        Assert.Equal("smartctl 7.3 (fake)", output.Meta["smartctl"]);
        Assert.Empty(Directory.GetFileSystemEntries(host.Tmp));

        var inv = InventoryBuilder.Build("fake", output, options);
        Assert.Equal(13, inv.Drives.Count);
        Assert.Equal(DriveRole.System, inv.Drives.Single(d => d.KernelName == "sda").Role);
        Assert.Equal((DriveRole.Stale, SmartHealth.Failed), (inv.Drives.Single(d => d.KernelName == "sdc").Role, inv.Drives.Single(d => d.KernelName == "sdc").SmartHealth));
        Assert.Equal(PoolRole.Spare, inv.Drives.Single(d => d.KernelName == "sdf").PoolRole);
    }

    [SkippableFact]
    public void Known_device_types_are_given_back_where_the_serial_still_matches_and_WakeDrives_drops_n_standby()
    {
        Skip.If(!HaveSh, "no /bin/sh");
        using var host = new FakeHost();
        var types = new[]
        {
            new KnownDeviceType("sdb", "ZGY0TEST", "sat"),          // still the same drive: -d sat
            new KnownDeviceType("sdc", "SOMEONEELSE", "sat"),       // the name moved to another drive: no -d
            new KnownDeviceType("sdj", "X", "usbjmicron"),          // lsblk shows no serial there: no -d
            new KnownDeviceType("sdh", "S sdh", "sat"),             // a serial lsblk -r escapes: never compared, no -d
            new KnownDeviceType("sdk", "S-sdk", "sat; rm -rf /"),   // not a device type: ignored
            new KnownDeviceType("nvme0n1", "NVME0001", "nvme"),
        };
        RunSh(InventoryScript.Build(new InventoryScriptOptions { Tools = host.Tools, DeviceTypes = types }), new Dictionary<string, string> { ["TMPDIR"] = host.Tmp });
        string Args(string dev) => File.ReadAllText(Path.Combine(host.Log, "args." + dev)).Trim();
        Assert.Equal("-j -x -n standby -d sat /dev/sdb", Args("sdb"));
        Assert.Equal("-j -x -n standby /dev/sdc", Args("sdc"));
        Assert.Equal("-j -x -n standby /dev/sdj", Args("sdj"));
        Assert.Equal("-j -x -n standby /dev/sdh", Args("sdh"));
        Assert.Equal("-j -x -n standby /dev/sdk", Args("sdk"));
        Assert.Equal("-j -x -d nvme /dev/nvme0n1", Args("nvme0n1"));

        RunSh(InventoryScript.Build(new InventoryScriptOptions { Tools = host.Tools, DeviceTypes = types, WakeDrives = true }), new Dictionary<string, string> { ["TMPDIR"] = host.Tmp });
        Assert.Equal("-j -x -d sat /dev/sdb", Args("sdb"));
        Assert.Equal("-j -x /dev/sdc", Args("sdc"));
        // Woken on request, only the disks asked for are.
        RunSh(InventoryScript.Build(new InventoryScriptOptions { Tools = host.Tools, WakeDrives = true, WakeOnly = new[] { "sdc", "bad name" } }), new Dictionary<string, string> { ["TMPDIR"] = host.Tmp });
        Assert.Equal("-j -x /dev/sdc", Args("sdc"));
        Assert.Equal("-j -x -n standby /dev/sdb", Args("sdb"));
        RunSh(InventoryScript.Build(new InventoryScriptOptions { Tools = host.Tools, WakeDrives = true, WakeOnly = Array.Empty<string>() }), new Dictionary<string, string> { ["TMPDIR"] = host.Tmp });
        Assert.Equal("-j -x -n standby /dev/sdc", Args("sdc"));

        // An lsblk without -r's columns: every disk but NVMe is treated as spinning (never woken), no -d is used.
        File.WriteAllText(Path.Combine(host.Dir, "old-lsblk"), "");
        var output = InventoryOutput.Parse(RunSh(InventoryScript.Build(new InventoryScriptOptions { Tools = host.Tools, DeviceTypes = types }), new Dictionary<string, string> { ["TMPDIR"] = host.Tmp }).StdOut);
        Assert.Equal(13, output.SmartctlSections.Count());
        Assert.Equal("-j -x -n standby /dev/sda", Args("sda"));
        Assert.Equal("-j -x -n standby /dev/sdb", Args("sdb"));
        Assert.Equal("-j -x /dev/nvme0n1", Args("nvme0n1"));
    }

    [SkippableFact]
    public void Parallelism_limit_of_one_runs_smartctl_one_at_a_time_and_loop_devices_on_request()
    {
        Skip.If(!HaveSh, "no /bin/sh");
        using var host = new FakeHost();
        var script = InventoryScript.Build(new InventoryScriptOptions { Tools = host.Tools, MaxParallelSmartctl = 1, IncludeLoop = true });
        var output = InventoryOutput.Parse(RunSh(script, new Dictionary<string, string> { ["TMPDIR"] = host.Tmp }).StdOut);
        Assert.Equal(14, output.SmartctlSections.Count());
        Assert.Equal("/dev/loop0", output.SmartctlSections.First().Device);
        Assert.All(Directory.GetFiles(host.Log, "seen.*"), f => Assert.Equal("1", File.ReadAllText(f).Trim()));
    }

    [SkippableFact]
    public void Missing_tools_give_rc_127_sections_and_the_inventory_degrades()
    {
        Skip.If(!HaveSh, "no /bin/sh");
        using var host = new FakeHost();
        var tools = host.Tools with { Smartctl = "/nonexistent/smartctl", Zpool = "zpool-not-installed-here", Findmnt = "/nonexistent/findmnt" };
        var options = new InventoryOptions { Script = new InventoryScriptOptions { Tools = tools } };
        var output = InventoryOutput.Parse(RunSh(InventoryScript.Build(options.Script), new Dictionary<string, string> { ["TMPDIR"] = host.Tmp }).StdOut);
        Assert.True(output.Get("zpool")!.ToolMissing);
        Assert.True(output.Get("findmnt")!.ToolMissing);
        Assert.Equal(0, output.Get("mounts")!.ExitCode); // the fallback mount table is always there
        Assert.Equal(13, output.SmartctlSections.Count());
        Assert.All(output.SmartctlSections, s => Assert.Equal(127, s.Section.ExitCode));

        var inv = InventoryBuilder.Build("fake", output, options);
        Assert.Equal(13, inv.Drives.Count);
        Assert.All(inv.Drives, d => Assert.Equal(SmartHealth.Unknown, d.SmartHealth));
        Assert.Contains("zpool not found: pool membership unknown.", inv.Warnings);
        Assert.Equal(DriveRole.Stale, inv.Drives.Single(d => d.KernelName == "sdd").Role);
    }

    [SkippableFact]
    public void A_stopped_script_removes_its_temp_folder()
    {
        Skip.If(!HaveSh || !File.Exists("/bin/kill"), "needs /bin/sh and /bin/kill");
        using var host = new FakeHost(smartDelaySeconds: 2);
        var script = InventoryScript.Build(new InventoryScriptOptions { Tools = host.Tools });
        var r = RunSh(script, new Dictionary<string, string> { ["TMPDIR"] = host.Tmp }, whileRunning: p =>
        {
            // Once smartctl runs, the script sits in `wait`: stop it there, as a dropped SSH session would.
            for (var i = 0; i < 200 && !Directory.GetFiles(host.Log, "run.*").Any(); i++) Thread.Sleep(50);
            Process.Start("/bin/kill", $"-TERM {p.Id}")!.WaitForExit();
        });
        Assert.NotEqual(0, r.ExitCode);
        Assert.False(InventoryOutput.Parse(r.StdOut).Complete);
        Assert.Empty(Directory.GetFileSystemEntries(host.Tmp));
        Thread.Sleep(2500); // the orphaned stand-in smartctl processes end on their own (sleep 2)
    }

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public void Link_folders_and_the_paths_zpool_printed_are_resolved_on_the_host_with_or_without_GNU_tools(bool busybox)
    {
        Skip.If(!HaveSh, "no /bin/sh");
        Skip.If(busybox && !File.Exists("/usr/bin/busybox"), "busybox is not installed");
        // Any block device node of this machine: the script only tests and resolves the path, it never opens it.
        var dev = Directory.GetDirectories("/sys/block").Select(d => "/dev/" + Path.GetFileName(d))
            .FirstOrDefault(d => RunSh($"[ -b '{d}' ]").ExitCode == 0);
        Skip.If(dev is null, "no block device node here");
        using var host = new FakeHost();
        var links = Path.Combine(host.Dir, "disk");
        Directory.CreateDirectory(Path.Combine(links, "by-id"));
        Directory.CreateDirectory(Path.Combine(links, "by-partuuid"));
        File.CreateSymbolicLink(Path.Combine(links, "by-id", "ata-DISK_1"), dev);
        File.CreateSymbolicLink(Path.Combine(links, "by-partuuid", "6a1f0c2e-0001"), "../../sdz9");
        var file = Path.Combine(host.Dir, "file.img");
        File.WriteAllText(file, "");
        host.Tool("zpool", $$"""
            case "$1" in list) printf 'tank\t15181340591116328711\n'; exit 0 ;; esac
            printf '  pool: tank\n state: DEGRADED\nconfig:\n\n\tNAME STATE READ WRITE CKSUM\n\ttank DEGRADED 0 0 0\n'
            printf '\t  {{links}}/by-id/ata-DISK_1 ONLINE 0 0 0\n\t  123456789 UNAVAIL 0 0 0  was {{links}}/by-id/ata-GONE-part1\n'
            printf '\t  {{file}} ONLINE 0 0 0\n\t  {{dev}} ONLINE 0 0 0\n\nerrors: No known data errors\n'
            """);
        var script = InventoryScript.Build(new InventoryScriptOptions { Tools = host.Tools });
        Assert.Contains("nb_links /dev/disk/$nb_d", script);
        script = script.Replace("nb_links /dev/disk/$nb_d", $"nb_links {links}/$nb_d", StringComparison.Ordinal);
        var env = new Dictionary<string, string> { ["TMPDIR"] = host.Tmp };
        if (busybox)
        {
            // BusyBox applets first on PATH: its find has no -printf, its readlink takes one file.
            var bb = Path.Combine(host.Dir, "busybox");
            Directory.CreateDirectory(bb);
            foreach (var applet in new[] { "find", "readlink", "awk", "sort", "head", "cat", "mktemp", "rm", "id", "uname", "mkdir", "timeout", "sleep" })
                File.CreateSymbolicLink(Path.Combine(bb, applet), "/usr/bin/busybox");
            env["PATH"] = bb + ":/usr/bin:/bin";
        }
        var r = RunSh(script, env, shell: busybox ? "/usr/bin/busybox" : "/bin/sh", args: busybox ? "sh -s" : "-s");
        var output = InventoryOutput.Parse(r.StdOut);
        Assert.True(output.Complete, r.StdErr);

        var linkLines = output.Get("links")!.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(new[] { "by-id/ata-DISK_1\t" + dev, "by-partuuid/6a1f0c2e-0001\t../../sdz9" }, linkLines);
        var names = DeviceNames.Parse(output.Get("devnames")!.Output);
        Assert.Equal(new ResolvedPath(dev, ResolvedPathKind.BlockDevice), names.Paths[links + "/by-id/ata-DISK_1"]);
        Assert.Equal(ResolvedPathKind.Missing, names.Paths[links + "/by-id/ata-GONE-part1"].Kind);
        Assert.Equal(new ResolvedPath(file, ResolvedPathKind.File), names.Paths[file]);
        Assert.False(names.Paths.ContainsKey(dev)); // a device node named directly needs no resolving
        // /sys/block/DISK/PART/partition, two levels only (sysfs links loop back on themselves further down).
        foreach (var disk in Directory.GetDirectories("/sys/block"))
            foreach (var part in Directory.GetDirectories(disk).Where(p => File.Exists(Path.Combine(p, "partition"))))
                Assert.Equal(Path.GetFileName(disk), names.Parents[Path.GetFileName(part)]);
        Assert.Equal("tank\t15181340591116328711\n", output.Get("zpoolguid")!.Output);

        // The fixture's lsblk does not list this machine's device: a warning names it; the file vdev is no disk.
        var inv = InventoryBuilder.Build("fake", output, new InventoryOptions { Script = new InventoryScriptOptions { Tools = host.Tools } });
        Assert.Contains(inv.Warnings, w => w.Contains($"names '{links}/by-id/ata-DISK_1', ONLINE, which matches no block device"));
        Assert.Contains(inv.Warnings, w => w.Contains($"(was {links}/by-id/ata-GONE-part1), UNAVAIL"));
        Assert.DoesNotContain(inv.Warnings, w => w.Contains("file.img"));
    }
}
