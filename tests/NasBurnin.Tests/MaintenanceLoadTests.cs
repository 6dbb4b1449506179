using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using NasBurnin.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace NasBurnin.Tests;

/// <summary>Backups under real pressure: a disk that fills up, and a big store with a writer that never stops.</summary>
[Collection(SerialCollection.Name)]
public class MaintenanceLoadTests
{
    private readonly ITestOutputHelper _out;

    public MaintenanceLoadTests(ITestOutputHelper output) => _out = output;

    private static string Q(string s) => PsSession.Quote(s);

    private static string Sha(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    [SkippableFact]
    public void A_backup_that_fills_the_disk_leaves_earlier_backups_removes_its_partial_and_fails_the_task()
    {
        using var disk = LoopFilesystem.TryCreate(8, out var why);
        Skip.If(disk is null, why);
        using var dir = new TempDir();
        var db = dir.File("burnin.db");
        using var s = new PsSession(storePath: db);
        var target = disk.MountPoint;

        // Two earlier nightly backups of the small store fit on the disk.
        Sqlite3.AddStages(db, count: 4, logBytes: 20_000, daysAgo: 90); // prunable
        foreach (var day in new[] { "2020-01-01", "2020-01-02" })
            s.Run($"Backup-BurninStore -Path '{Q(Path.Combine(target, $"burnin-{day}.db"))}'").AssertClean();
        var earlier = Directory.GetFiles(target, "burnin-*.db").ToDictionary(f => f, Sha);
        Assert.Equal(2, earlier.Count);

        // Then the store grows past the free space with logs that are too recent to prune.
        Sqlite3.AddStages(db, count: 60, logBytes: 200_000, daysAgo: 1);
        Assert.True(new FileInfo(db).Length + new FileInfo(db + "-wal").Length > disk.FreeBytes + (1 << 20),
            $"store {new FileInfo(db).Length} must be bigger than the free {disk.FreeBytes}");

        // In this session: the result says which step failed, and an error record follows it.
        var r = s.Run($"Invoke-BurninRetention -BackupKeep 1 -BackupPath '{Q(target)}'");
        var error = Assert.Single(r.Errors);
        Assert.Equal("BackupDiskFull,NasBurnin.Maintenance.InvokeBurninRetentionCommand", error.FullyQualifiedErrorId);
        Assert.Equal(System.Management.Automation.ErrorCategory.WriteError, error.CategoryInfo.Category);
        Assert.Contains("full", error.Exception.Message);
        var result = r.Output.Single();
        Assert.False((bool)result.Properties["Succeeded"].Value);
        Assert.Equal("Backup", result.Properties["FailedStep"].Value);
        Assert.Equal(4L, result.Properties["PrunedRows"].Value);
        AssertEarlierBackupsIntact();

        // As a scheduled task (`pwsh -NonInteractive -Command`): exit code 1.
        var task = ChildProcess.Pwsh($"Import-Module '{Q(RepoPaths.Manifest)}' -ErrorAction Stop; Use-BurninStore -Path '{Q(db)}'; Invoke-BurninRetention -BackupKeep 1 -BackupPath '{Q(target)}'");
        Assert.Equal(1, task.ExitCode);
        Assert.Contains("BackupDiskFull", task.StdErr);
        AssertEarlierBackupsIntact();

        // The pruning that happened before the failure stands, and the store is sound.
        Assert.Equal("0", Sqlite3.Exec(db, "SELECT count(*) FROM burnin_stages WHERE log_text IS NOT NULL AND finished_at < strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-35 days');"));
        Assert.Equal("60", Sqlite3.Exec(db, "SELECT count(*) FROM burnin_stages WHERE log_text IS NOT NULL;"));
        Assert.Equal("ok", Sqlite3.IntegrityCheck(db));
        var audit = s.Run("Get-BurninAuditEvent -Type retention_run").AssertClean().Output;
        Assert.Equal(2, audit.Count);
        Assert.All(audit, a => Assert.Contains("FAILED at Backup", (string)a.Properties["Detail"].Value));

        void AssertEarlierBackupsIntact()
        {
            Assert.Equal(earlier.Keys.Order(), Directory.GetFiles(target).Order());
            foreach (var (file, sha) in earlier) Assert.Equal(sha, Sha(file));
            Assert.Empty(Directory.GetFiles(target, ".*"));
        }
    }

    [SkippableFact]
    public async Task A_writer_keeps_committing_during_the_backup_of_a_200_MB_store_and_the_backup_is_a_snapshot()
    {
        Skip.If(!Sqlite3.Available, "the sqlite3 tool is not installed");
        using var dir = new TempDir();
        var db = dir.File("burnin.db");
        using var s = new PsSession(storePath: db);
        var gen = Stopwatch.StartNew();
        for (var i = 0; i < 4; i++)
            Sqlite3.AddStages(db, count: 260, logBytes: 200_000, daysAgo: 1); // 4 x 52 MB, few big transactions
        var size = new FileInfo(db).Length + new FileInfo(db + "-wal").Length;
        Assert.True(size >= 200L << 20, $"store is only {size} bytes");
        _out.WriteLine($"generated {size >> 20} MB in {gen.Elapsed.TotalSeconds:0.0} s");

        // The writer is another process using the module, the way a scheduled sync would. Each commit
        // sets two settings in one transaction: StallHours = n/1000 and BackupKeep = n mod 1000 + 1,
        // so a torn snapshot would show them disagreeing.
        var started = dir.File("writer.started");
        var stop = dir.File("writer.stop");
        var writer = ChildProcess.PwshAsync($$"""
            Import-Module '{{Q(RepoPaths.Manifest)}}' -ErrorAction Stop
            Use-BurninStore -Path '{{Q(db)}}'
            $n = 0; $worst = 0
            while (-not [System.IO.File]::Exists('{{Q(stop)}}')) {
                $n++
                $sw = [System.Diagnostics.Stopwatch]::StartNew()
                Set-BurninConfig -StallHours ($n / 1000) -BackupKeep (($n % 1000) + 1) -ErrorAction Stop
                if ($sw.ElapsedMilliseconds -gt $worst) { $worst = $sw.ElapsedMilliseconds }
                if ($n -eq 1) { [System.IO.File]::WriteAllText('{{Q(started)}}', 'x') }
            }
            "commits=$n worst_ms=$worst"
            """, timeout: TimeSpan.FromMinutes(4));
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (!File.Exists(started) && !writer.IsCompleted && DateTime.UtcNow < deadline) await Task.Delay(50);
        if (!File.Exists(started))
            Assert.Fail("the writer did not start: " + (writer.IsCompleted ? (await writer).StdErr : "timeout"));

        // Watch the backup folder while the backup runs: the final name must never show a partial file.
        var folder = dir.File("backups");
        var sawPartial = false;
        var sawIncompleteFinal = false;
        using var watching = new CancellationTokenSource();
        using var watcherReady = new ManualResetEventSlim();
        // A dedicated thread, not the thread pool: on 2 busy cores a pool task can start only after a short backup is over.
        var watcher = new Thread(() =>
        {
            while (!watching.IsCancellationRequested)
            {
                if (Directory.Exists(folder))
                {
                    foreach (var f in Directory.GetFiles(folder))
                    {
                        var name = Path.GetFileName(f);
                        if (name.StartsWith(".burnin-", StringComparison.Ordinal) && name.Contains(".partial-", StringComparison.Ordinal)) sawPartial = true;
                        else if (name.StartsWith("burnin-", StringComparison.Ordinal) && !IsWholeSqliteFile(f)) sawIncompleteFinal = true;
                    }
                }
                watcherReady.Set();
                Thread.Sleep(2);
            }
        }) { IsBackground = true };
        watcher.Start();
        watcherReady.Wait();

        var before = ReadCounter(db);
        var sw = Stopwatch.StartNew();
        var info = s.Run("Backup-BurninStore").AssertClean().Output.Single();
        var backupTime = sw.Elapsed;
        var after = ReadCounter(db);
        watching.Cancel();
        watcher.Join();
        File.WriteAllText(stop, "x");
        var w = await writer;

        _out.WriteLine($"backup {backupTime.TotalSeconds:0.0} s; writer: {w.StdOut.Trim()}; counter {before} -> {after}");
        Assert.True(w.ExitCode == 0, "a writer commit failed: " + w.StdErr);
        Assert.DoesNotContain("locked", w.StdErr, StringComparison.OrdinalIgnoreCase);
        Assert.True(after > before, $"the writer made no commit during the backup ({before} -> {after})");
        Assert.True(sawPartial, "the backup never appeared under its partial name");
        Assert.False(sawIncompleteFinal, "an incomplete file appeared under the final name");

        var backup = (string)info.Properties["Path"].Value;
        Assert.Equal("ok", Sqlite3.IntegrityCheck(backup));
        var pair = Sqlite3.Exec(backup, "SELECT (SELECT value FROM settings WHERE key = 'StallHours') || '|' || (SELECT value FROM settings WHERE key = 'BackupKeep');").Split('|');
        var n = (long)Math.Round(double.Parse(pair[0], CultureInfo.InvariantCulture) * 1000);
        Assert.Equal((n % 1000) + 1, long.Parse(pair[1], CultureInfo.InvariantCulture));
        Assert.InRange(n, before, after);
        Assert.Equal("1040", Sqlite3.Exec(backup, "SELECT count(*) FROM burnin_stages WHERE log_text IS NOT NULL;"));
    }

    /// <summary>The writer's commit counter as the store holds it now.</summary>
    private static long ReadCounter(string db)
    {
        var v = Sqlite3.Exec(db, "SELECT value FROM settings WHERE key = 'StallHours';");
        return (long)Math.Round(double.Parse(v, CultureInfo.InvariantCulture) * 1000);
    }

    /// <summary>True when the file's size is what its SQLite header says it should be (page size × page count).</summary>
    private static bool IsWholeSqliteFile(string path)
    {
        try
        {
            using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var head = new byte[100];
            if (fs.ReadAtLeast(head, 100, throwOnEndOfStream: false) < 100) return false;
            var pageSize = (head[16] << 8) | head[17];
            if (pageSize == 1) pageSize = 65536;
            var pages = (long)((uint)head[28] << 24 | (uint)head[29] << 16 | (uint)head[30] << 8 | head[31]);
            return pages > 0 && fs.Length == pages * pageSize;
        }
        catch (FileNotFoundException) { return true; } // renamed away between listing and opening
        catch (IOException) { return true; }
    }
}
