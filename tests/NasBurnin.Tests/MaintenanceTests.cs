using System.Management.Automation;
using NasBurnin.Tests.Harness;
using Xunit;

namespace NasBurnin.Tests;

/// <summary>Retention, backup and restore through the cmdlets, checked from outside with the sqlite3 tool.</summary>
public class MaintenanceTests
{
    private static string Q(string s) => PsSession.Quote(s);

    private static long Count(string db, string where) =>
        long.Parse(Sqlite3.Exec(db, $"SELECT count(*) FROM burnin_stages WHERE {where};"), System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void Retention_prunes_old_logs_vacuums_and_writes_a_backup_that_sqlite3_accepts()
    {
        using var dir = new TempDir();
        var db = dir.File("burnin.db");
        using var s = new PsSession(storePath: db);
        Sqlite3.AddStages(db, count: 5, logBytes: 200_000, daysAgo: 40);
        Sqlite3.AddStages(db, count: 3, logBytes: 200_000, daysAgo: 1);

        var r = s.Run("Invoke-BurninRetention -BackupKeep 3").AssertClean().Single<object>();
        var result = PSObject.AsPSObject(r);

        Assert.Equal("NasBurnin.BurninRetentionResult", r.GetType().FullName);
        Assert.Equal(5L, result.Properties["PrunedRows"].Value);
        Assert.Equal(1_000_000L, result.Properties["PrunedLogBytes"].Value);
        Assert.True((bool)result.Properties["Vacuumed"].Value);
        Assert.True((bool)result.Properties["Succeeded"].Value);
        Assert.True((long)result.Properties["BytesAfter"].Value < (long)result.Properties["BytesBefore"].Value - 900_000);
        Assert.Equal(0L, Count(db, "log_text IS NOT NULL AND finished_at < strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-35 days')"));
        Assert.Equal(3L, Count(db, "log_text IS NOT NULL"));

        var backup = (string)result.Properties["BackupFile"].Value;
        Assert.Matches(@"/backups/burnin-\d{4}-\d{2}-\d{2}\.db$", backup);
        Assert.Equal(new FileInfo(backup).Length, (long)result.Properties["BackupBytes"].Value);
        Assert.Equal("ok", Sqlite3.IntegrityCheck(backup));
        Assert.Equal("3", Sqlite3.Exec(backup, "SELECT count(*) FROM burnin_stages WHERE log_text IS NOT NULL;"));
        Assert.Equal("8", Sqlite3.Exec(backup, "SELECT count(*) FROM burnin_stages;"));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(backup));
        Assert.Empty(s.Host.Prompts);

        var audit = s.Run("Get-BurninAuditEvent -Type retention_run").AssertClean().Output.Single();
        Assert.Contains("pruned 5 stage log(s)", (string)audit.Properties["Detail"].Value);
        Assert.Equal(Environment.UserName, audit.Properties["Operator"].Value);
    }

    [Fact]
    public void Rotation_keeps_exactly_the_newest_K_and_touches_nothing_else()
    {
        using var dir = new TempDir();
        var db = dir.File("burnin.db");
        using var s = new PsSession(storePath: db);
        var folder = dir.File("nightly");
        Directory.CreateDirectory(folder);
        var older = new[] { "2020-01-01", "2020-01-02", "2020-01-03", "2020-01-04", "2020-01-05" };
        foreach (var d in older) File.WriteAllText(Path.Combine(folder, $"burnin-{d}.db"), d);
        var others = new[] { "burnin-latest.db", "burnin-2020-02-30.db", "README.txt", "burnin-2019-12-31.db.old" };
        foreach (var o in others) File.WriteAllText(Path.Combine(folder, o), "mine");

        var r = s.Run($"Invoke-BurninRetention -BackupKeep 3 -BackupPath '{Q(folder)}'").AssertClean().Output.Single();

        var removed = ((string[])r.Properties["BackupsRemoved"].Value).Select(Path.GetFileName).OrderBy(x => x).ToArray();
        Assert.Equal(new[] { "burnin-2020-01-01.db", "burnin-2020-01-02.db", "burnin-2020-01-03.db" }, removed);
        var dailies = s.Run($"Get-BurninBackup -Path '{Q(folder)}' | ForEach-Object {{ $_.Name }}").AssertClean().Output.Select(o => o.ToString()).ToArray();
        Assert.Equal(new[] { Path.GetFileName((string)r.Properties["BackupFile"].Value), "burnin-2020-01-05.db", "burnin-2020-01-04.db" }, dailies);
        foreach (var o in others) Assert.Equal("mine", File.ReadAllText(Path.Combine(folder, o)));
    }

    [Fact]
    public void A_second_run_on_the_same_day_replaces_the_backup_atomically()
    {
        using var dir = new TempDir();
        var db = dir.File("burnin.db");
        using var s = new PsSession(storePath: db);
        s.Run("Set-BurninConfig -BackupKeep 5").AssertClean();
        var first = (string)s.Run("(Invoke-BurninRetention).BackupFile").AssertClean().Output.Single().BaseObject;
        var firstBytes = File.ReadAllBytes(first);
        // Whoever has the first backup open keeps reading the complete first backup: the second one is
        // written elsewhere and renamed over the name, never written into this file.
        using var held = new FileStream(first, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        s.Run("Set-BurninConfig -BackupKeep 6").AssertClean();

        var second = (string)s.Run("(Invoke-BurninRetention).BackupFile").AssertClean().Output.Single().BaseObject;

        Assert.Equal(first, second);
        var seen = new byte[firstBytes.Length + 1];
        Assert.Equal(firstBytes, seen[..held.ReadAtLeast(seen, seen.Length, throwOnEndOfStream: false)]);
        File.WriteAllBytes(dir.File("first-as-it-was.db"), firstBytes);
        Assert.Equal("5", Sqlite3.Exec(dir.File("first-as-it-was.db"), "SELECT value FROM settings WHERE key = 'BackupKeep';"));
        Assert.Equal("6", Sqlite3.Exec(second, "SELECT value FROM settings WHERE key = 'BackupKeep';"));
        Assert.Equal("ok", Sqlite3.IntegrityCheck(second));
        Assert.Equal(new[] { Path.GetFileName(first) }, Directory.GetFiles(Path.GetDirectoryName(first)!).Select(Path.GetFileName));
    }

    [Fact]
    public void WhatIf_reports_what_would_be_pruned_and_removed_and_changes_nothing()
    {
        using var dir = new TempDir();
        var db = dir.File("burnin.db");
        using var s = new PsSession(storePath: db);
        Sqlite3.AddStages(db, count: 2, logBytes: 10_000, daysAgo: 60);
        var folder = dir.File("backups");
        Directory.CreateDirectory(folder);
        foreach (var d in new[] { "2020-01-01", "2020-01-02" }) File.WriteAllText(Path.Combine(folder, $"burnin-{d}.db"), d);

        var r = s.Run("Invoke-BurninRetention -BackupKeep 1 -WhatIf").AssertClean();

        Assert.Empty(r.Output);
        var text = string.Join("\n", s.Host.Text);
        Assert.Contains("Prune the log text of 2 finished stage(s)", text);
        Assert.Contains("Back up the store", text);
        Assert.Contains("burnin-2020-01-01.db", text);
        Assert.Contains("burnin-2020-01-02.db", text);
        Assert.Equal(2L, Count(db, "log_text IS NOT NULL"));
        Assert.Equal(2, Directory.GetFiles(folder).Length);
        Assert.Empty(s.Run("Get-BurninAuditEvent").AssertClean().Output);
        Assert.Empty(s.Host.Prompts);
    }

    [Fact]
    public void Retention_and_health_never_prompt_in_a_non_interactive_host()
    {
        using var dir = new TempDir();
        var db = dir.File("burnin.db");
        using var s = new PsSession(storePath: db);
        Sqlite3.AddStages(db, count: 1, logBytes: 1000, daysAgo: 90);
        // Even a session that asks to confirm everything gets no prompt: nobody could answer it.
        var r = s.Run("$ConfirmPreference = 'Low'; Invoke-BurninRetention; Test-BurninHealth -TimeoutSeconds 1").AssertClean();
        Assert.Equal(2, r.Output.Count);
        Assert.Empty(s.Host.Prompts);
        Assert.Equal(0L, Count(db, "log_text IS NOT NULL"));
    }

    [Fact]
    public void A_failed_retention_exits_non_zero_under_pwsh_c_and_a_good_one_exits_zero()
    {
        using var dir = new TempDir();
        var db = dir.File("burnin.db");
        using (var s = new PsSession(storePath: db)) { }
        var blocker = dir.File("blocker");
        File.WriteAllText(blocker, "a file where the backup folder should be");
        var import = $"Import-Module '{Q(RepoPaths.Manifest)}' -ErrorAction Stop; Use-BurninStore -Path '{Q(db)}'";

        // Invoke-BurninRetention is the last command: its error record alone makes pwsh exit 1.
        var bad = ChildProcess.Pwsh($"{import}; Invoke-BurninRetention -BackupPath '{Q(Path.Combine(blocker, "backups"))}'");
        var good = ChildProcess.Pwsh($"{import}; Invoke-BurninRetention -BackupPath '{Q(dir.File("ok"))}'");

        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("BackupFolderNotWritable,NasBurnin.Maintenance.InvokeBurninRetentionCommand", bad.StdErr);
        Assert.True(good.ExitCode == 0, good.StdErr);
        Assert.Single(Directory.GetFiles(dir.File("ok"), "burnin-*.db"));
    }

    [Fact]
    public void Backup_BurninStore_writes_a_named_file_and_refuses_to_overwrite_without_Force()
    {
        using var dir = new TempDir();
        var db = dir.File("burnin.db");
        using var s = new PsSession(storePath: db);
        var target = dir.File("manual.db");
        var info = s.Run($"Backup-BurninStore -Path '{Q(target)}'").AssertClean().Output.Single();
        Assert.Equal(target, info.Properties["Path"].Value);
        Assert.Equal(StoreSchema.Latest, info.Properties["SchemaVersion"].Value);
        Assert.Equal("ok", Sqlite3.IntegrityCheck(target));

        var e = s.RunTerminating($"Backup-BurninStore -Path '{Q(target)}'");
        Assert.StartsWith("BackupTargetExists,", e.FullyQualifiedErrorId);
        s.Run($"Backup-BurninStore -Path '{Q(target)}' -Force").AssertClean();

        var self = s.RunTerminating($"Backup-BurninStore -Path '{Q(db)}' -Force");
        Assert.StartsWith("BackupTargetIsStore,", self.FullyQualifiedErrorId);
        Assert.Equal(2, s.Run("Get-BurninAuditEvent -Type store_backed_up").AssertClean().Output.Count);
    }

    [Fact]
    public void Restore_round_trip_brings_the_backup_back_and_keeps_the_replaced_store()
    {
        using var dir = new TempDir();
        var db = dir.File("burnin.db");
        using var s = new PsSession(storePath: db);
        s.Run("Set-BurninConfig -BackupKeep 5").AssertClean();
        s.Run($"$backup = Backup-BurninStore -Path '{Q(dir.File("before.db"))}'").AssertClean();
        s.Run("Set-BurninConfig -BackupKeep 9").AssertClean();
        Sqlite3.AddStages(db, count: 2, logBytes: 1000, daysAgo: 1);

        // The backup object pipes into Restore-BurninStore (Path binds by property name).
        var r = s.Run("$backup | Restore-BurninStore -Confirm:$false").AssertClean().Output.Single();
        Assert.Equal("NasBurnin.BurninRestoreResult", r.BaseObject.GetType().FullName);

        Assert.Equal(5, (int)s.Run("(Get-BurninConfig).BackupKeep").AssertClean().Output.Single().BaseObject);
        Assert.Equal(0L, Count(db, "1"));
        var replaced = (string)r.Properties["ReplacedPath"].Value;
        Assert.StartsWith(db + ".replaced-", replaced);
        Assert.Equal("9", Sqlite3.Exec(replaced, "SELECT value FROM settings WHERE key = 'BackupKeep';"));
        Assert.Equal(2L, Count(replaced, "1"));
        Assert.Equal("ok", Sqlite3.IntegrityCheck(db));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(replaced));
        var audit = s.Run("Get-BurninAuditEvent -Type store_restored").AssertClean().Output.Single();
        Assert.Contains("before.db", (string)audit.Properties["Detail"].Value);
        Assert.Empty(s.Host.Prompts);
    }

    [Fact]
    public void Restore_asks_first_fails_closed_without_an_answer_and_WhatIf_changes_nothing()
    {
        using var dir = new TempDir();
        var db = dir.File("burnin.db");
        using var s = new PsSession(storePath: db);
        s.Run("Set-BurninConfig -BackupKeep 5").AssertClean();
        var backup = dir.File("b.db");
        s.Run($"Backup-BurninStore -Path '{Q(backup)}'").AssertClean();
        s.Run("Set-BurninConfig -BackupKeep 9").AssertClean();

        s.Run($"Restore-BurninStore -Path '{Q(backup)}' -WhatIf").AssertClean();
        Assert.Contains(s.Host.Text, t => t.Contains("What if", StringComparison.Ordinal) && t.Contains("b.db", StringComparison.Ordinal));
        Assert.Empty(s.Host.Prompts);

        var unanswered = s.Run($"Restore-BurninStore -Path '{Q(backup)}'");
        Assert.NotEmpty(unanswered.AllErrors);
        Assert.Single(s.Host.Prompts);
        Assert.Equal(9, (int)s.Run("(Get-BurninConfig).BackupKeep").Output.Single().BaseObject);
        Assert.Empty(Directory.GetFiles(dir.Path, "burnin.db.replaced-*"));

        s.Host.Answers.Enqueue("Y");
        s.Run($"Restore-BurninStore -Path '{Q(backup)}'").AssertClean();
        Assert.Equal(5, (int)s.Run("(Get-BurninConfig).BackupKeep").Output.Single().BaseObject);
    }

    [Theory]
    [InlineData("corrupt", "BackupCorrupt")]
    [InlineData("text", "BackupNotSqlite")]
    [InlineData("newer", "BackupSchemaTooNew")]
    public void Restore_refuses_a_bad_backup_before_replacing_anything(string kind, string errorId)
    {
        using var dir = new TempDir();
        var db = dir.File("burnin.db");
        using var s = new PsSession(storePath: db);
        Sqlite3.AddStages(db, count: 30, logBytes: 5000, daysAgo: 1);
        var candidate = dir.File("candidate.db");
        s.Run($"Backup-BurninStore -Path '{Q(candidate)}'").AssertClean();
        switch (kind)
        {
            case "corrupt":
                // Everything after the header page, up to half the file, becomes (repeatable) garbage.
                var bytes = File.ReadAllBytes(candidate);
                new Random(20260310).NextBytes(bytes.AsSpan(4096, bytes.Length / 2));
                File.WriteAllBytes(candidate, bytes);
                break;
            case "text":
                File.WriteAllText(candidate, "# my notes\nnot a database at all, but long enough to have a header\n");
                break;
            case "newer":
                Sqlite3.Exec(candidate, "PRAGMA user_version = 99;");
                break;
        }
        s.Run("Set-BurninConfig -BackupKeep 9").AssertClean();

        var e = s.RunTerminating($"Restore-BurninStore -Path '{Q(candidate)}' -Confirm:$false");

        Assert.StartsWith(errorId + ",", e.FullyQualifiedErrorId);
        Assert.Equal(candidate, e.TargetObject);
        Assert.Equal(9, (int)s.Run("(Get-BurninConfig).BackupKeep").Output.Single().BaseObject);
        Assert.Equal(30L, Count(db, "1"));
        Assert.Empty(Directory.GetFiles(dir.Path, "burnin.db.replaced-*"));
        Assert.Empty(Directory.GetFiles(dir.Path, ".burnin.db.restore-*"));
    }
}
