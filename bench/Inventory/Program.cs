using System.Diagnostics;
using System.Globalization;
using NasBurnin.Bench.Inventory;
using NasBurnin.Engine.Common;
using NasBurnin.Engine.Inventory;
using NasBurnin.Engine.Remote;
using NasBurnin.Engine.Store;

// Inventory benchmark, three figures from one run, each against a baseline from the same run; it is a
// measurement, not a test, and asserts nothing about time. See README.md for the method.
//   1. One host with N drives: Get-BurninDrive's inventory (one round trip) vs one SSH round trip per drive.
//   2. NasBurnin's own CPU per drive: the captured inventory output parsed, classified and stored again.
//   3. Fleet: 8 hosts x 16 drives in one Get-BurninDrive (real pwsh, the module from out/NasBurnin) vs 1 host x 16.

var drives = Arg("--drives", 60);
var delayMs = Arg("--smart-delay-ms", 50);
var runs = Arg("--runs", 7);
var fleetHosts = Arg("--fleet-hosts", 8);
var fleetDrives = Arg("--fleet-drives", 16);
var pwsh = ArgText("--pwsh", "/tmp/nb-pwsh/pwsh/pwsh");
var single = !args.Contains("--fleet-only");
var fleet = !args.Contains("--single-only");
if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
{
    Console.Error.WriteLine("The benchmark starts sandbox NASes (tests/testnas), which needs Linux and root.");
    return 2;
}

var repo = FindRepo();
var work = Path.Combine(Path.GetTempPath(), "nb-bench-store-" + Guid.NewGuid().ToString("N")[..8]);
Directory.CreateDirectory(work);
var timeout = TimeSpan.FromMinutes(10);
try
{
    // ---- 1 and 2: one host with N drives
    Console.WriteLine($"Starting a sandbox NAS: {drives} drives, smartctl answers after {delayMs} ms (native-speed shim) ...");
    double ours = 0, theirs = 0, cpuPerDrive = 0, wallPerDrive = 0;
    var seen = 0;
    if (single)
    {
    using var box = Sandbox.Start(repo, drives, delayMs);
        var store = BurninStore.Open(Path.Combine(work, "single.db"));
        var settings = new SettingsRepository(store).Get();
        var outcome = await new HostConnector(store).ConnectAsync(Request(box), Actor.OsUser(), CancellationToken.None);
        using var shell = new RecordingShell(outcome.Shell);
        var host = outcome.Host;

        async Task<int> NasBurnin() =>
            (await InventoryService.RefreshAsync(shell, host, store, settings, timeout, CancellationToken.None)).Drives.Count;

        // The usual collector: list the disks, read mounts and pools, then smartctl once per disk, one after the other.
        async Task<int> PerDrive()
        {
            var lsblk = await shell.RunAsync("lsblk -J -O -b", timeout, CancellationToken.None);
            await shell.RunAsync("findmnt -J -l -o TARGET,SOURCE,FSTYPE,MAJ:MIN", timeout, CancellationToken.None);
            await shell.RunAsync("zpool status -P -L", timeout, CancellationToken.None);
            var disks = LsblkParser.Parse(lsblk.StdOut).Devices.Where(d => DriveClassifier.IsCandidateDisk(d, includeLoop: true)).ToList();
            foreach (var d in disks)
            {
                var r = await shell.RunAsync("smartctl -j -x " + PosixShell.Quote("/dev/" + d.KernelName), timeout, CancellationToken.None);
                SmartctlParser.Parse(r.StdOut, r.ExitCode);
            }
            return disks.Count;
        }

        // Warm-up: first contact, JIT, page cache, and it fills the shim's answers for both sides.
        await NasBurnin();
        seen = await NasBurnin(); // again: from the second inventory on, each disk is read with its known -d type
        var baselineDisks = await PerDrive();
        var captured = shell.LastInventory ?? throw new InvalidOperationException("no inventory output was captured");
        Console.WriteLine($"Drives seen: inventory {seen}, per-drive baseline {baselineDisks}");

        var a = new List<double>();
        var b = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            // Alternate the order so neither side always runs on a warmer host.
            if (i % 2 == 0) { a.Add(await Time(NasBurnin)); b.Add(await Time(PerDrive)); }
            else { b.Add(await Time(PerDrive)); a.Add(await Time(NasBurnin)); }
            Console.WriteLine($"  run {i + 1}: Get-BurninDrive inventory {a[^1]:0} ms, per-drive baseline {b[^1]:0} ms");
        }
        ours = Median(a);
        theirs = Median(b);

        // 2. The same output again, with no host: what is left is parsing, classifying and storing.
        using var replay = new ReplayShell(shell.HostName, captured);
        await InventoryService.RefreshAsync(replay, host, store, settings, timeout, CancellationToken.None);
        const int Repeats = 30;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < Repeats; i++)
            await InventoryService.RefreshAsync(replay, host, store, settings, timeout, CancellationToken.None);
        wallPerDrive = sw.Elapsed.TotalMilliseconds / Repeats / seen;
        cpuPerDrive = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / Repeats / seen;
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    // ---- 3: fleet
    var boxes = new List<Sandbox>();
    HostCpu? hostCpu = null;
    double one = 0, all = 0, hostCpu1 = 0, hostCpu8 = 0, pwshCpu1 = 0, pwshCpu8 = 0;
    var fleetSeen = "";
    if (fleet)
    try
    {
        Console.WriteLine();
        Console.WriteLine($"Starting {fleetHosts} sandbox NASes of {fleetDrives} drives each ...");
        for (var i = 0; i < fleetHosts; i++) boxes.Add(Sandbox.Start(repo, fleetDrives, delayMs));
        var db = Path.Combine(work, "fleet.db");
        var store = BurninStore.Open(db);
        // All sandboxes listen on 127.0.0.1; each is registered under another spelling of that address.
        var names = new[] { "127.0.0.1", "127.1", "127.0.1", "2130706433", "0x7f000001", "0x7f.1", "0177.1", "0177.0.0.1" };
        for (var i = 0; i < boxes.Count; i++)
        {
            var o = await new HostConnector(store).ConnectAsync(Request(boxes[i]) with { HostName = names[i] }, Actor.OsUser(), CancellationToken.None);
            o.Shell.Dispose();
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (HostCpu.Available) hostCpu = new HostCpu(boxes);
        var usage = hostCpu?.UsageFile ?? "";
        var script = $$"""
            $ErrorActionPreference = 'Stop'
            Import-Module '{{Path.Combine(repo, "out", "NasBurnin", "NasBurnin.psd1").Replace("'", "''")}}'
            Use-BurninStore -Path '{{db.Replace("'", "''")}}'
            $null = Get-BurninDrive; $null = Get-BurninDrive   # warm-up: connections, JIT, the shims' answers (with and without -d)
            # Each call: wall ms, the hosts' CPU ms (their cgroup), this pwsh's own CPU ms.
            function Timed([scriptblock] $call) {
                $me = [System.Diagnostics.Process]::GetCurrentProcess()
                $h0 = if ('{{usage}}') { [long](Get-Content '{{usage}}') } else { 0 }
                $p0 = $me.TotalProcessorTime.TotalMilliseconds
                $wall = (Measure-Command $call).TotalMilliseconds
                $me.Refresh()
                $h1 = if ('{{usage}}') { [long](Get-Content '{{usage}}') } else { 0 }
                "$wall $(($h1 - $h0) / 1e6) $($me.TotalProcessorTime.TotalMilliseconds - $p0)"
            }
            foreach ($i in 1..{{runs}}) {
                if ($i % 2) {
                    $o = Timed { $global:n1 = @(Get-BurninDrive -HostName 127.0.0.1) }
                    $a = Timed { $global:n8 = @(Get-BurninDrive) }
                } else {
                    $a = Timed { $global:n8 = @(Get-BurninDrive) }
                    $o = Timed { $global:n1 = @(Get-BurninDrive -HostName 127.0.0.1) }
                }
                "run $i one $o all $a"
            }
            "seen one $($n1.Count) all $($n8.Count)"
            """;
        var psi = new ProcessStartInfo(pwsh) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var x in new[] { "-NoProfile", "-NonInteractive", "-Command", script }) psi.ArgumentList.Add(x);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        List<double> o1 = new(), o8 = new(), h1 = new(), h8 = new(), p1 = new(), p8 = new();
        string? line;
        while ((line = p.StandardOutput.ReadLine()) is not null)
        {
            var f = line.Split(' ');
            if (f[0] == "run")
            {
                double D(int i) => double.Parse(f[i], CultureInfo.InvariantCulture);
                o1.Add(D(3)); h1.Add(D(4)); p1.Add(D(5));
                o8.Add(D(7)); h8.Add(D(8)); p8.Add(D(9));
                Console.WriteLine($"  run {f[1]}: 1 host {o1[^1]:0} ms (hosts' CPU {h1[^1]:0} ms, pwsh's {p1[^1]:0} ms), " +
                    $"{fleetHosts} hosts {o8[^1]:0} ms (hosts' CPU {h8[^1]:0} ms, pwsh's {p8[^1]:0} ms)");
            }
            else if (f[0] == "seen") fleetSeen = $"drives seen: 1 host {f[2]}, {fleetHosts} hosts {f[4]}";
        }
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException("pwsh failed: " + err.Result);
        one = Median(o1);
        all = Median(o8);
        (hostCpu1, hostCpu8, pwshCpu1, pwshCpu8) = (Median(h1), Median(h8), Median(p1), Median(p8));
    }
    finally
    {
        foreach (var box in boxes) box.Dispose();
        hostCpu?.Dispose();
    }

    Console.WriteLine();
    if (single) {
    Console.WriteLine($"1. median Get-BurninDrive inventory of {seen} drives (one round trip): {ours:0} ms");
    Console.WriteLine($"   median per-drive baseline (3 + {seen} round trips): {theirs:0} ms");
    Console.WriteLine($"   ratio baseline / NasBurnin: {theirs / ours:0.0}x (goal >= 10x)");
    Console.WriteLine($"2. NasBurnin's own time per drive (parse + classify + store, no host): CPU {cpuPerDrive:0.00} ms, wall {wallPerDrive:0.00} ms (goal <= 5 ms CPU)");
    }
    if (fleet) {
    Console.WriteLine($"3. median Get-BurninDrive, 1 host x {fleetDrives}: {one:0} ms; {fleetHosts} hosts x {fleetDrives}: {all:0} ms; {fleetSeen}");
    Console.WriteLine($"   ratio {fleetHosts} hosts / 1 host: {all / one:0.00}x (goal <= 1.5x)");
    if (hostCpu8 > 0)
    {
        // The hosts share this machine's cores: their CPU plus pwsh's, spread over every core, is the least
        // wall time the fleet call could take here, however well the module fans out.
        var cores = Environment.ProcessorCount;
        var floor = (hostCpu8 + pwshCpu8) / cores;
        Console.WriteLine($"   CPU per call, median: 1 host: hosts {hostCpu1:0} ms, pwsh {pwshCpu1:0} ms; {fleetHosts} hosts: hosts {hostCpu8:0} ms, pwsh {pwshCpu8:0} ms");
        Console.WriteLine($"   {fleetHosts} hosts' CPU on this machine's {cores} cores needs at least {floor:0} ms: the fleet call took {all / floor:0.00}x that floor");
        Console.WriteLine($"   ({fleetHosts} hosts' CPU is {hostCpu8 / Math.Max(1, hostCpu1):0.0}x one host's; on real hosts each runs its script on its own CPU)");
    }
    }
    return 0;
}
finally
{
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    if (Directory.Exists(work)) Directory.Delete(work, true);
}

ConnectRequest Request(Sandbox box) => new()
{
    HostName = "127.0.0.1",
    Port = box.Port,
    UserName = "root",
    KeyFilePath = box.KeyPath,
    ExpectedFingerprint = box.Fingerprint,
    IncludeLoopDevices = true,
};

static async Task<double> Time(Func<Task<int>> run)
{
    var sw = Stopwatch.StartNew();
    await run();
    return sw.Elapsed.TotalMilliseconds;
}

static double Median(List<double> xs)
{
    var s = xs.Order().ToList();
    return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2;
}

int Arg(string name, int fallback) => int.Parse(ArgText(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

string ArgText(string name, string fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

static string FindRepo()
{
    for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        if (File.Exists(Path.Combine(d.FullName, "NasBurnin.sln"))) return d.FullName;
    throw new InvalidOperationException("Run the benchmark from inside the NasBurnin repository.");
}
