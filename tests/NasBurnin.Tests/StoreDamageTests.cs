using System.Security.Cryptography;
using NasBurnin.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace NasBurnin.Tests;

/// <summary>
/// A store that admits damage: a page overwritten with random bytes is found by Test-BurninHealth
/// (PRAGMA quick_check); from then on every write is refused with StoreCorrupt naming
/// Restore-BurninStore and the newest good backup, in every process; reads go on; retention never
/// copies the damaged store over a good backup; a restore brings writes back. An empty store file is
/// refused, never taken for a new store.
/// </summary>
public class StoreDamageTests
{
    private readonly ITestOutputHelper _out;

    public StoreDamageTests(ITestOutputHelper output) => _out = output;

    private static string Q(string s) => PsSession.Quote(s);

    private static string Id(System.Management.Automation.ErrorRecord e) => e.FullyQualifiedErrorId.Split(',')[0];

    /// <summary>Overwrites one leaf page of <paramref name="table"/> with random bytes, the way a bad sector or a stray write would.</summary>
    private static void DamagePage(string db, string table, int nth = 0)
    {
        Sqlite3.Exec(db, "PRAGMA wal_checkpoint(TRUNCATE);");
        var pageSize = long.Parse(Sqlite3.Exec(db, "PRAGMA page_size;"));
        var page = long.Parse(Sqlite3.Exec(db, $"SELECT pageno FROM dbstat WHERE name = '{table}' AND pagetype = 'leaf' ORDER BY pageno LIMIT 1 OFFSET {nth};"));
        using var f = new FileStream(db, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
        f.Position = (page - 1) * pageSize;
        f.Write(RandomNumberGenerator.GetBytes((int)pageSize));
        f.Flush(true);
    }

    private static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    [SkippableFact]
    public void A_damaged_page_fails_the_health_check_and_then_no_cmdlet_writes_until_it_is_restored()
    {
        Skip.IfNot(Sqlite3.Available, "needs the sqlite3 tool");
        using var sshd = LoopbackSshd.TryStart(out var why);
        Skip.If(sshd is null, why);
        using var dir = new TempDir();
        var db = dir.File("burnin.db");
        using var s = new PsSession(storePath: db);
        // A host that synced a minute ago and answers: every other check is healthy, so only the damage can fail it.
        Sqlite3.Exec(db, $"INSERT INTO hosts(name, address, port, created_at, last_poll_at, last_success_at) VALUES ('nas1', '127.0.0.1', {sshd.Port}, 't', " +
                         "strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-1 minutes'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-1 minutes'));");
        s.Run(OperatorTests.Helpers).AssertClean();
        s.Run("New-BurninUser -UserName admin -Admin -Password (SS 'Admin-Pw-1234') -Confirm:$false; Connect-BurninOperator -Credential (Cred admin 'Admin-Pw-1234')").AssertClean();
        // Enough audit events for a table of many pages; one of them goes bad.
        Sqlite3.Exec(db, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000) " +
                         "INSERT INTO audit_events(occurred_at, type, operator, source, detail) SELECT 'x', 'filler', 't', 't', hex(randomblob(40)) FROM n;");
        var backup = (string)s.Run("Backup-BurninStore").AssertClean().Output.Single().Properties["Path"].Value; // today's daily backup
        var goodBackup = Hash(backup);
        Assert.True((bool)s.Run("Test-BurninHealth -Quiet -TimeoutSeconds 5").AssertClean().Output.Single().BaseObject);

        DamagePage(db, "audit_events", 20);

        Assert.False((bool)s.Run("Test-BurninHealth -Quiet -TimeoutSeconds 5").AssertClean().Output.Single().BaseObject);
        var report = s.Run("Test-BurninHealth -TimeoutSeconds 5").AssertClean().Output.Single();
        var row = ((object[])report.Properties["Checks"].Value).Select(System.Management.Automation.PSObject.AsPSObject)
            .Single(c => (string)c.Properties["Check"].Value == "StoreIntact");
        Assert.False((bool)row.Properties["Healthy"].Value);
        Assert.Contains("quick_check", (string)row.Properties["Detail"].Value);

        // Every write is refused, and says what to do and with which backup.
        foreach (var write in new[] { "Set-BurninConfig -BackupKeep 9", "New-BurninUser -UserName bob -Password (SS 'Bob-Pw-5678') -Confirm:$false", "Set-BurninUser -UserName admin -FullName 'The Admin'" })
        {
            var r = s.Run(write);
            var e = Assert.Single(r.AllErrors);
            Assert.Equal("StoreCorrupt", Id(e));
            Assert.Contains("Restore-BurninStore", e.Exception.Message);
            Assert.Contains(backup, e.Exception.Message);
        }
        // ... in another process too (the scheduled sync would be one).
        var child = ChildProcess.Pwsh($"Import-Module '{Q(RepoPaths.Manifest)}' -ErrorAction Stop; Use-BurninStore -Path '{Q(db)}'; " + OperatorTests.Helpers.Split("function Set-TestClock")[0] +
                                      "Connect-BurninOperator -Credential (Cred admin 'Admin-Pw-1234') -WarningAction SilentlyContinue; " +
                                      "try { Set-BurninConfig -PollIntervalMinutes 7 -ErrorAction Stop; 'WROTE' } catch { $_.FullyQualifiedErrorId }; " +
                                      "((Test-BurninHealth -TimeoutSeconds 5).Checks | Where-Object Check -eq StoreWritable).Detail");
        _out.WriteLine(child.StdOut + child.StdErr);
        Assert.Contains("StoreCorrupt,", child.StdOut);
        Assert.Contains("is damaged", child.StdOut); // the health probe did not write either
        Assert.DoesNotContain("WROTE", child.StdOut);
        // Reads go on where SQLite can answer.
        Assert.Equal(14, (int)s.Run("Get-BurninConfig").AssertClean().Output.Single().Properties["BackupKeep"].Value);

        // Retention refuses to copy the damaged store over today's good backup.
        var retention = s.Run("Invoke-BurninRetention");
        Assert.Contains(retention.AllErrors, e => Id(e) == "StoreCorrupt");
        Assert.Equal(goodBackup, Hash(backup));
        Assert.Equal("StoreCorrupt", Id(s.RunTerminating("Backup-BurninStore")));
        Assert.Equal(goodBackup, Hash(backup));

        // Signing in still works (the password is checked, nothing recorded), so an operator can restore.
        s.Run("Disconnect-BurninOperator -ErrorAction SilentlyContinue");
        var signIn = s.Run("Connect-BurninOperator -Credential (Cred admin 'Admin-Pw-1234')").AssertClean();
        Assert.Contains(signIn.Warnings, w => w.Contains("not recorded", StringComparison.Ordinal));
        s.Run($"Restore-BurninStore -Path '{Q(backup)}' -Confirm:$false").AssertClean();
        s.Run("Set-BurninConfig -BackupKeep 9").AssertClean();
        Assert.True((bool)s.Run("Test-BurninHealth -Quiet -TimeoutSeconds 5").AssertClean().Output.Single().BaseObject);
        Assert.False(File.Exists(db + ".damaged"));
    }

    [SkippableFact]
    public void Damage_SQLite_meets_in_one_process_stops_the_writes_of_every_process()
    {
        Skip.IfNot(Sqlite3.Available, "needs the sqlite3 tool");
        using var dir = new TempDir();
        var db = dir.File("burnin.db");
        using var s = new PsSession(storePath: db);
        s.Run("Set-BurninConfig -BackupKeep 5").AssertClean();
        DamagePage(db, "settings");

        // A read that meets the damage: SQLite says SQLITE_CORRUPT.
        Assert.Equal("StoreCorrupt", Id(s.RunTerminating("Get-BurninConfig")));
        // A write to a table that is still intact, from another process, is refused as well.
        var child = ChildProcess.Pwsh($"Import-Module '{Q(RepoPaths.Manifest)}' -ErrorAction Stop; Use-BurninStore -Path '{Q(db)}'; " +
                                      "function SS([string]$t) { $x = [System.Security.SecureString]::new(); $t.ToCharArray() | ForEach-Object { $x.AppendChar($_) }; $x }; " +
                                      "try { New-BurninUser -UserName first -Admin -Password (SS 'First-Pw-1234') -Confirm:$false -ErrorAction Stop; 'WROTE' } catch { $_.FullyQualifiedErrorId }");
        Assert.Contains("StoreCorrupt", child.StdOut);
        Assert.Equal("0", Sqlite3.Exec(db, "SELECT count(*) FROM users;"));
    }

    [Fact]
    public void An_empty_store_file_is_refused_and_left_as_it_is()
    {
        using var dir = new TempDir();
        var db = dir.File("burnin.db");
        // In a process of its own, so no connection of this one stays open on the file.
        var setup = ChildProcess.Pwsh($"Import-Module '{Q(RepoPaths.Manifest)}' -ErrorAction Stop; Use-BurninStore -Path '{Q(db)}'; " +
                                      "$p = [System.Security.SecureString]::new(); 'Admin-Pw-1234'.ToCharArray() | ForEach-Object { $p.AppendChar($_) }; " +
                                      "New-BurninUser -UserName admin -Admin -Password $p -Confirm:$false -ErrorAction Stop; Backup-BurninStore -ErrorAction Stop; 'ok'");
        Assert.True(setup.StdOut.Contains("ok"), setup.StdOut + setup.StdErr);
        File.WriteAllBytes(db, Array.Empty<byte>()); // the store lost its content (a full disk, a bad copy)
        File.Delete(db + "-wal");
        File.Delete(db + "-shm");

        using var fresh = new PsSession();
        var e = fresh.RunTerminating($"Use-BurninStore -Path '{Q(db)}'");
        Assert.Equal("StoreEmpty", Id(e));
        Assert.Contains("empty", e.Exception.Message);
        Assert.Contains(Path.Combine(dir.Path, "backups"), e.Exception.Message); // names the backup to put back
        Assert.Equal(0, new FileInfo(db).Length);
        // Nobody got to create a first admin in a new, empty store.
        Assert.Equal("StoreEmpty", Id(fresh.RunTerminating($"Use-BurninStore -Path '{Q(db)}'; New-BurninUser -UserName mallory -Admin -Password (ConvertTo-SecureString 'x' -AsPlainText -Force)")));
        Assert.Equal(0, new FileInfo(db).Length);
    }

    [Fact]
    public async Task Two_processes_creating_the_same_new_store_end_up_with_one_store()
    {
        using var dir = new TempDir();
        var db = Path.Combine(dir.Path, "new", "burnin.db");
        var children = new[] { "BackupKeep 3", "PollIntervalMinutes 7" }.Select(set => ChildProcess.PwshAsync(
            $"Import-Module '{Q(RepoPaths.Manifest)}' -ErrorAction Stop; Use-BurninStore -Path '{Q(db)}' -ErrorAction Stop; Set-BurninConfig -{set} -ErrorAction Stop; 'done'")).ToList();
        foreach (var c in children)
        {
            var r = await c;
            Assert.True(r.ExitCode == 0 && r.StdOut.Contains("done"), r.StdOut + r.StdErr);
        }
        using var s = new PsSession(storePath: db);
        var cfg = s.Run("Get-BurninConfig").AssertClean().Output.Single();
        Assert.Equal(3, (int)cfg.Properties["BackupKeep"].Value);
        Assert.Equal(7, (int)cfg.Properties["PollIntervalMinutes"].Value);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(db)!, ".burnin.db.new-*"));
    }
}
