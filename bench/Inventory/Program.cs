using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using NasBurnin.Engine.Common;
using NasBurnin.Engine.Inventory;
using NasBurnin.Engine.Remote;
using NasBurnin.Engine.Store;

// Get-BurninDrive's inventory (one script per host, smartctl for all disks in parallel there) against the
// usual collector (one SSH round trip per drive), both over the same SSH connection to the sandbox NAS in one
// run. Prints the medians and their ratio; it is a measurement, not a test, and asserts nothing about time.

var drives = Arg("--drives", 60);
var delayMs = Arg("--smart-delay-ms", 50);
var runs = Arg("--runs", 7);
if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
{
    Console.Error.WriteLine("The benchmark starts the sandbox NAS (tests/testnas), which needs Linux and root.");
    return 2;
}

var repo = FindRepo();
var state = Path.Combine(Path.GetTempPath(), "nb-bench-" + Guid.NewGuid().ToString("N")[..8]);
var work = Path.Combine(Path.GetTempPath(), "nb-bench-store-" + Guid.NewGuid().ToString("N")[..8]);
try
{
    Console.WriteLine($"Starting the sandbox NAS: {drives} drives, smartctl answers after {delayMs} ms ...");
    if (Sh(Path.Combine(repo, "tests", "testnas", "start.sh"), state, "--drives", drives.ToString(CultureInfo.InvariantCulture),
        "--smart-delay-ms", delayMs.ToString(CultureInfo.InvariantCulture)) is { Length: > 0 } failed)
        throw new InvalidOperationException("The sandbox NAS did not start: " + failed);
    using var facts = JsonDocument.Parse(File.ReadAllText(Path.Combine(state, "testnas.json")));
    var f = facts.RootElement;

    Directory.CreateDirectory(work);
    var store = BurninStore.Open(Path.Combine(work, "bench.db"));
    var settings = new SettingsRepository(store).Get();
    var outcome = await new HostConnector(store).ConnectAsync(new ConnectRequest
    {
        HostName = "127.0.0.1",
        Port = f.GetProperty("port").GetInt32(),
        UserName = "root",
        KeyFilePath = f.GetProperty("clientKeyPath").GetString(),
        ExpectedFingerprint = f.GetProperty("hostKeyFingerprint").GetString(),
        IncludeLoopDevices = true,
    }, Actor.OsUser(), CancellationToken.None);
    using var shell = outcome.Shell;
    var host = outcome.Host;
    var timeout = TimeSpan.FromMinutes(10);

    // What Get-BurninDrive does for one host: one round trip, parse, store.
    async Task<int> NasBurnin()
    {
        var r = await InventoryService.RefreshAsync(shell, host, store, settings, timeout, CancellationToken.None);
        return r.Drives.Count;
    }

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

    var ours = await NasBurnin(); // warm-up: first contact, JIT, page cache
    var theirs = await PerDrive();
    Console.WriteLine($"Drives seen: inventory {ours}, per-drive baseline {theirs} (the sandbox's {drives}, this machine's own disks, other sandboxes' loop devices)");

    var a = new List<double>();
    var b = new List<double>();
    for (var i = 0; i < runs; i++)
    {
        // Alternate the order so neither side always runs on a warmer host.
        if (i % 2 == 0) { a.Add(await Time(NasBurnin)); b.Add(await Time(PerDrive)); }
        else { b.Add(await Time(PerDrive)); a.Add(await Time(NasBurnin)); }
        Console.WriteLine($"  run {i + 1}: Get-BurninDrive inventory {a[^1]:0} ms, per-drive baseline {b[^1]:0} ms");
    }
    var ma = Median(a);
    var mb = Median(b);
    Console.WriteLine();
    Console.WriteLine($"median Get-BurninDrive inventory (one round trip): {ma:0} ms");
    Console.WriteLine($"median per-drive baseline ({theirs} + 3 round trips): {mb:0} ms");
    Console.WriteLine($"ratio baseline / NasBurnin: {mb / ma:0.0}x");
    return 0;
}
finally
{
    Sh(Path.Combine(repo, "tests", "testnas", "stop.sh"), state);
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    if (Directory.Exists(work)) Directory.Delete(work, true);
}

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

int Arg(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

static string FindRepo()
{
    for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        if (File.Exists(Path.Combine(d.FullName, "NasBurnin.sln"))) return d.FullName;
    throw new InvalidOperationException("Run the benchmark from inside the NasBurnin repository.");
}

// Runs a sandbox script; returns its error output when it failed, else "".
static string Sh(string script, params string[] args)
{
    var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
    psi.ArgumentList.Add(script);
    foreach (var a in args) psi.ArgumentList.Add(a);
    using var p = Process.Start(psi)!;
    var err = p.StandardError.ReadToEndAsync();
    p.StandardOutput.ReadToEnd();
    p.WaitForExit();
    return p.ExitCode == 0 ? "" : $"{Path.GetFileName(script)} exit {p.ExitCode}: {err.Result}";
}
