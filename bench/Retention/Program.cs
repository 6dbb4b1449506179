using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using NasBurnin.Bench.Retention;
using NasBurnin.Engine.Common;
using NasBurnin.Engine.Maintenance;
using NasBurnin.Engine.Store;

// Retention benchmark: prune + reclaim + backup of a generated store (~450 MB by default) through
// NasBurnin's RetentionService, against prune + VACUUM + `.backup` through the sqlite3 tool, each on
// its own identical copy, quiet and with a concurrent writer committing every 50 ms. Prints absolute
// times, the engine/CLI ratios, and the longest commit stall the writer saw in each.
//   dotnet run -c Release --project bench/Retention [-- --size-mb 450] [--log-kb 150] [--keep]

var sizeMb = Arg("--size-mb", 450);
var logKb = Arg("--log-kb", 150);
var keep = args.Contains("--keep");
var cliTimeoutArg = Arg("--cli-timeout-min", 0); // 0: 3 x the quiet CLI run, at least a minute
var pause = TimeSpan.FromMilliseconds(Arg("--writer-pause-ms", 50));
const int RetentionDays = 35;

var dir = Path.Combine(Path.GetTempPath(), "nasburnin-bench-" + Guid.NewGuid().ToString("N")[..8]);
Directory.CreateDirectory(dir);
try
{
    var now = DateTimeOffset.UtcNow;
    var sw = Stopwatch.StartNew();
    var shape = StoreGenerator.Generate(Path.Combine(dir, "base.db"), (long)sizeMb << 20, logKb * 1024, 0.8, now);
    Console.WriteLine($"generated {Mb(shape.Bytes)} MB: {shape.Stages} stages of {logKb} KB logs, {shape.Prunable} older than {RetentionDays} days ({sw.Elapsed.TotalSeconds:0.0} s)");
    var copies = new[] { "engine-quiet", "cli-quiet", "cli-incremental", "engine-busy", "cli-busy" }.ToDictionary(n => n, n => Path.Combine(dir, n + ".db"));
    foreach (var copy in copies.Values) File.Copy(Path.Combine(dir, "base.db"), copy);
    File.Delete(Path.Combine(dir, "base.db"));
    var cutoff = RetentionService.CutoffFor(now, RetentionDays);

    // 1. A quiet store: the same work, nobody else writing.
    var engineQuiet = RunEngine("NasBurnin engine", copies["engine-quiet"], writer: false);
    var cliQuiet = RunCli("sqlite3 CLI", copies["cli-quiet"], writer: false, TimeSpan.FromHours(1));
    // The same reclaim the engine does, all at once in the tool: what incremental_vacuum itself costs.
    var cliIncremental = RunCli("sqlite3 CLI incremental_vacuum", copies["cli-incremental"], writer: false, TimeSpan.FromHours(1), "PRAGMA incremental_vacuum;");
    // 2. With a writer committing every few milliseconds (a scheduled sync sharing the store).
    var cliTimeout = cliTimeoutArg > 0 ? TimeSpan.FromMinutes(cliTimeoutArg) : TimeSpan.FromSeconds(Math.Max(60, 3 * cliQuiet.Wall.TotalSeconds));
    // The writer alone on a store nobody else touches: its longest commit is the machine's own noise.
    var floor = WriterAlone(copies["cli-quiet"], TimeSpan.FromSeconds(10));
    var engineBusy = RunEngine("NasBurnin engine", copies["engine-busy"], writer: true);
    var cliBusy = RunCli("sqlite3 CLI", copies["cli-busy"], writer: true, cliTimeout);

    Console.WriteLine();
    Console.WriteLine($"{"",-34} {"wall",9} {"prune",8} {"vacuum",8} {"backup",9} {"store",9} {"backup",9} {"commits",8} {"failed",7} {"longest stall",14}");
    foreach (var r in new[] { engineQuiet, cliQuiet, cliIncremental, engineBusy, cliBusy })
        Console.WriteLine($"{r.Name,-34} {S(r.Wall),9} {S(r.Prune),8} {S(r.Vacuum),8} {S(r.Backup),9} {Mb(r.StoreBytes),6} MB {Mb(r.BackupBytes),6} MB {r.Commits,8} {r.Failures,7} {(r.Commits + r.Failures > 0 ? S(r.LongestStall) : "-"),14}");
    Console.WriteLine();
    Console.WriteLine($"quiet store: wall time ratio engine / sqlite3 CLI = {engineQuiet.Wall / cliQuiet.Wall:0.00}");
    Console.WriteLine($"quiet store: wall time ratio engine / sqlite3 CLI with incremental_vacuum in place of VACUUM = {engineQuiet.Wall / cliIncremental.Wall:0.00} (incremental_vacuum alone / VACUUM alone in the tool: {cliIncremental.Vacuum / cliQuiet.Vacuum:0.0}x)");
    Console.WriteLine($"with a writer: wall time ratio engine / sqlite3 CLI = {engineBusy.Wall / cliBusy.Wall:0.00}{(cliBusy.Finished ? "" : " (the CLI did not finish: its .backup restarts on every concurrent commit)")}");
    Console.WriteLine($"with a writer: longest write stall engine {S(engineBusy.LongestStall)}, sqlite3 CLI {S(cliBusy.LongestStall)} (ratio {engineBusy.LongestStall / cliBusy.LongestStall:0.00})");
    Console.WriteLine($"with a writer: engine's longest incremental_vacuum transaction {Ms(engineBusy.LongestVacuumStep)} in {engineBusy.VacuumSteps} steps");
    Console.WriteLine();
    Console.WriteLine($"the writer alone for {floor.Seconds:0} s (no maintenance): {floor.Commits} commits, longest {Ms(floor.Longest)}, {floor.Slow} over 50 ms (this machine's noise floor)");
    Console.WriteLine($"goal: longest writer stall <= 100 ms: {Ms(engineBusy.LongestStall)} ({(engineBusy.LongestStall.TotalMilliseconds <= 100 ? "met" : "missed")})");
    Console.WriteLine($"goal: wall time engine / sqlite3 CLI <= 1.2 (quiet store): {engineQuiet.Wall / cliQuiet.Wall:0.00} ({(engineQuiet.Wall / cliQuiet.Wall <= 1.2 ? "met" : "missed")})");
    foreach (var r in new[] { engineBusy, cliBusy }.Where(r => r.FirstFailure is not null))
        Console.WriteLine($"{r.Name}: first writer failure: {r.FirstFailure}");
    Console.WriteLine("(the engine's backup time includes the switch to a rollback journal and PRAGMA integrity_check of the copy)");

    Run RunEngine(string name, string db, bool writer)
    {
        using var w = writer ? new Writer(db, pause) : null;
        w?.Start();
        if (w is not null) Thread.Sleep(500);
        var store = BurninStore.Open(db);
        var marks = new List<(TimeSpan, string)> { (Timeline.Now, "prune") };
        var hooks = new RetentionHooks
        {
            Progress = text =>
            {
                if (text.StartsWith("Returning free space", StringComparison.Ordinal) || text.StartsWith("Compacting", StringComparison.Ordinal) || text.StartsWith("Converting", StringComparison.Ordinal))
                    marks.Add((Timeline.Now, "vacuum"));
                if (text.StartsWith("Backing up", StringComparison.Ordinal)) marks.Add((Timeline.Now, "backup"));
            },
        };
        var sw = Stopwatch.StartNew();
        var r = new RetentionService(store).Run(new RetentionOptions(RetentionDays, 14, Path.Combine(dir, Path.GetFileNameWithoutExtension(db) + "-backups")), new Actor("bench", "local:bench"), hooks);
        var wall = sw.Elapsed;
        marks.Add((Timeline.Now, "end"));
        w?.Stop();
        if (!r.Succeeded) throw new InvalidOperationException("engine retention failed: " + r.Error);
        var run = new Run(name + (writer ? ", with writer" : ", quiet"), wall, r.PruneDuration, r.VacuumDuration, r.BackupDuration, r.PrunedRows, r.BytesAfter, r.BackupBytes, w, true)
            { VacuumSteps = r.VacuumTransactions, LongestVacuumStep = r.LongestVacuumTransaction };
        if (w is not null) PrintStalls(run.Name, w, marks);
        return run;
    }

    (double Seconds, int Commits, TimeSpan Longest, int Slow) WriterAlone(string db, TimeSpan length)
    {
        using var w = new Writer(db, pause);
        w.Start();
        Thread.Sleep(length);
        w.Stop();
        return (length.TotalSeconds, w.Commits, w.LongestCommit, w.SlowCommits.Count);
    }

    Run RunCli(string name, string db, bool writer, TimeSpan timeout, string reclaim = "VACUUM;")
    {
        var backupsDir = Path.Combine(dir, Path.GetFileNameWithoutExtension(db) + "-backups");
        Directory.CreateDirectory(backupsDir);
        var backup = Path.Combine(backupsDir, BackupFolder.DailyName(now));
        // The same statements; the pragmas match the engine's connections (Debian's sqlite3 is built
        // with secure_delete on, the engine's SQLite is not).
        var script = $"""
            .timeout 60000
            PRAGMA synchronous = NORMAL;
            PRAGMA secure_delete = OFF;
            .timer on
            UPDATE burnin_stages SET log_text = NULL WHERE finished_at IS NOT NULL AND finished_at < '{StoreTime.Format(cutoff)}' AND log_text IS NOT NULL;
            {reclaim}
            PRAGMA wal_checkpoint(TRUNCATE);
            .timer off
            .backup '{backup}'
            .print backup-done
            """;
        using var w = writer ? new Writer(db, pause) : null;
        w?.Start();
        if (w is not null) Thread.Sleep(500);
        var begin = Timeline.Now;
        var sw = Stopwatch.StartNew();
        var (exit, stdout, stderr, finished) = Sqlite3(db, script, timeout);
        var wall = sw.Elapsed;
        var end = Timeline.Now;
        w?.Stop();
        if (finished && exit != 0) throw new InvalidOperationException("sqlite3 failed: " + stderr);
        // Timed statements: [0] UPDATE, [1] VACUUM, [2] the checkpoint (the engine counts it into its vacuum step).
        var times = stdout.Split('\n').Where(l => l.StartsWith("Run Time: real ", StringComparison.Ordinal))
            .Select(l => TimeSpan.FromSeconds(double.Parse(l.Split(' ')[3], CultureInfo.InvariantCulture))).ToList();
        var prune = times.ElementAtOrDefault(0);
        var vacuum = times.ElementAtOrDefault(1) + times.ElementAtOrDefault(2);
        var done = finished && stdout.Contains("backup-done", StringComparison.Ordinal);
        var label = name + (writer ? ", with writer" : ", quiet") + (done ? "" : $" (killed at {timeout.TotalSeconds:0} s)");
        var run = new Run(label, wall, prune, vacuum, wall - prune - vacuum, shape.Prunable, SqliteSize(db), done ? new FileInfo(backup).Length : 0, w, done);
        if (w is not null) PrintStalls(run.Name, w, new List<(TimeSpan, string)> { (begin, "prune"), (begin + prune, "vacuum"), (begin + prune + vacuum, "backup"), (end, "end") });
        return run;
    }
}
finally
{
    SqliteConnection.ClearAllPools();
    if (keep) Console.WriteLine($"kept {dir}");
    else Directory.Delete(dir, recursive: true);
}

static void PrintStalls(string name, Writer w, List<(TimeSpan At, string Step)> marks)
{
    string StepAt(TimeSpan t) => marks.LastOrDefault(m => m.At <= t).Step ?? "before";
    string Steps((TimeSpan Start, TimeSpan Took) c)
    {
        var (from, to) = (StepAt(c.Start), StepAt(c.Start + c.Took));
        return from == to ? from : $"{from} -> {to}";
    }
    var worst = w.SlowCommits.OrderByDescending(c => c.Took).Take(5).Select(c => $"{S(c.Took)} ({Steps(c)})");
    Console.WriteLine($"{name}: {w.SlowCommits.Count} writer commits over 50 ms; slowest: {string.Join(", ", worst)}");
}

int Arg(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

static string S(TimeSpan t) => t.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) + " s";

static string Ms(TimeSpan t) => t.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms";

static string Mb(long b) => (b / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture);

static long SqliteSize(string p) => new FileInfo(p).Length + (File.Exists(p + "-wal") ? new FileInfo(p + "-wal").Length : 0);

static (int Exit, string StdOut, string StdErr, bool Finished) Sqlite3(string db, string script, TimeSpan timeout)
{
    var psi = new ProcessStartInfo("sqlite3") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
    psi.ArgumentList.Add("-batch");
    psi.ArgumentList.Add(db);
    using var p = Process.Start(psi)!;
    p.StandardInput.Write(script);
    p.StandardInput.Close();
    var o = p.StandardOutput.ReadToEndAsync();
    var e = p.StandardError.ReadToEndAsync();
    if (!p.WaitForExit(timeout))
    {
        p.Kill(entireProcessTree: true);
        p.WaitForExit();
        return (-1, o.Result, e.Result, false);
    }
    return (p.ExitCode, o.Result, e.Result, true);
}

internal sealed record Run(string Name, TimeSpan Wall, TimeSpan Prune, TimeSpan Vacuum, TimeSpan Backup, long Pruned, long StoreBytes, long BackupBytes,
    int Commits, int Failures, TimeSpan LongestStall, string? FirstFailure, bool Finished)
{
    public int VacuumSteps { get; init; }
    public TimeSpan LongestVacuumStep { get; init; }

    public Run(string name, TimeSpan wall, TimeSpan prune, TimeSpan vacuum, TimeSpan backup, long pruned, long storeBytes, long backupBytes, Writer? w, bool finished)
        : this(name, wall, prune, vacuum, backup, pruned, storeBytes, backupBytes, w?.Commits ?? 0, w?.Failures ?? 0, w?.LongestCommit ?? TimeSpan.Zero, w?.FirstFailure, finished) { }
}
