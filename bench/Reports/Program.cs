using System.Diagnostics;
using System.Globalization;
using NasBurnin.Bench.Reports;
using NasBurnin.Engine.Burnin;
using NasBurnin.Engine.Inventory;
using NasBurnin.Engine.Reports;
using NasBurnin.Engine.Store;

// Fleet report benchmark: see README.md.
var drives = Arg("--drives", 200);
var runs = Arg("--runs", 1000);
var rounds = Arg("--rounds", 7);
var root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", ".."));
var capture = Path.Combine(root, "tests", "testnas", "captures", "sata-hdd-wd.json");
var dir = Path.Combine(Path.GetTempPath(), "nasburnin-bench-reports-" + Guid.NewGuid().ToString("N")[..8]);
Directory.CreateDirectory(dir);
try
{
    var storePath = Path.Combine(dir, "burnin.db");
    var store = BurninStore.Open(storePath);
    var gen = Stopwatch.StartNew();
    StoreGenerator.Fill(storePath, drives, runs, capture);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"store: {drives} drives, {runs} runs, {new FileInfo(storePath).Length / 1e6:0.0} MB (+ WAL), generated in {gen.Elapsed.TotalSeconds:0.0} s"));

    var reports = new ReportService(store);
    var now = DateTimeOffset.UtcNow;
    var page = Path.Combine(dir, "status.html");

    // Baseline: only the store reads the page needs (what Get-BurninRun -Offline and Get-BurninDrive -Offline read).
    double Baseline()
    {
        var sw = Stopwatch.StartNew();
        var repo = new RunRepository(store);
        var all = repo.Query(new RunQuery());
        repo.Stages(all.Select(r => r.Id).ToList(), includeLog: false);
        new DriveRepository(store).Query();
        return sw.Elapsed.TotalMilliseconds;
    }
    double Fleet(TimeSpan period)
    {
        var sw = Stopwatch.StartNew();
        ReportService.Write(page, reports.RenderFleet(now - period, 300));
        return sw.Elapsed.TotalMilliseconds;
    }
    double Certificate()
    {
        var sw = Stopwatch.StartNew();
        ReportService.Write(Path.Combine(dir, "cert.html"), reports.RenderCertificates(new long[] { 7 }));
        return sw.Elapsed.TotalMilliseconds;
    }

    var cold = Fleet(TimeSpan.FromDays(1)); // includes compiling the templates once per process
    var coldSize = new FileInfo(page).Length;
    var baseline = Median(rounds, Baseline);
    var day = Median(rounds, () => Fleet(TimeSpan.FromDays(1)));
    var daySize = new FileInfo(page).Length;
    var all = Median(rounds, () => Fleet(TimeSpan.FromDays(61)));
    var allSize = new FileInfo(page).Length;
    var cert = Median(rounds, Certificate);
    var certSize = new FileInfo(Path.Combine(dir, "cert.html")).Length;

    Console.WriteLine($"median of {rounds} rounds (ms), file size:");
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  baseline: store reads only (all runs, stages, drives)   {baseline,8:0.0} ms"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  fleet page, first in the process (templates compiled)  {cold,8:0.0} ms  {coldSize / 1024.0,8:0.0} KiB"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  fleet page, last day                                   {day,8:0.0} ms  {daySize / 1024.0,8:0.0} KiB   ratio to baseline {day / baseline:0.00}"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  fleet page, all {runs} runs in the period               {all,8:0.0} ms  {allSize / 1024.0,8:0.0} KiB   ratio to baseline {all / baseline:0.00}"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  one certificate (144 temperature windows, 21 attributes) {cert,8:0.0} ms  {certSize / 1024.0,8:0.0} KiB"));
}
finally
{
    if (!args.Contains("--keep")) Directory.Delete(dir, recursive: true);
    else Console.WriteLine("kept: " + dir);
}

int Arg(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

static double Median(int n, Func<double> f)
{
    var xs = Enumerable.Range(0, n).Select(_ => f()).OrderBy(x => x).ToList();
    return xs[xs.Count / 2];
}
