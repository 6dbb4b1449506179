using System.Management.Automation;
using NasBurnin.Tests.Harness;
using Xunit;

namespace NasBurnin.Tests;

/// <summary>
/// How retention returns free space: incremental auto-vacuum in short steps that leave the write lock
/// free between them, -Full, and the one-time conversion of an older store (announced, never on open).
/// Checked from outside with the sqlite3 tool.
/// </summary>
public class RetentionVacuumTests
{
    private static string Q(string s) => PsSession.Quote(s);

    private static long Pragma(string db, string name) =>
        long.Parse(Sqlite3.Exec(db, $"PRAGMA {name};"), System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void A_writer_commits_between_the_steps_that_return_free_space()
    {
        using var dir = new TempDir();
        var db = dir.File("burnin.db");
        using var s = new PsSession(storePath: db);
        Assert.Equal(2L, Pragma(db, "auto_vacuum")); // a new store is incremental from birth
        Sqlite3.AddStages(db, count: 20, logBytes: 100_000, daysAgo: 60);
        Sqlite3.AddStages(db, count: 1, logBytes: 1_000, daysAgo: 1);
        var sizeBefore = new FileInfo(db).Length + new FileInfo(db + "-wal").Length;

        // Each "Returned ..." progress line comes after a step has committed and before the next begins.
        // There, another process commits with no busy timeout at all: it fails at once if retention
        // still held the write lock.
        var r = s.Run($$"""
            Invoke-BurninRetention -NoBackup -Verbose 4>&1 | ForEach-Object {
                if ($_ -is [System.Management.Automation.VerboseRecord]) {
                    if ($_.Message -like 'Returned *') {
                        & sqlite3 -batch -cmd '.timeout 0' '{{Q(db)}}' "UPDATE burnin_stages SET summary = coalesce(summary, '') || 'w' WHERE id = (SELECT max(id) FROM burnin_stages);" 2>&1 | Out-Null
                        "writer exit $LASTEXITCODE"
                    }
                } else { $_ }
            }
            """).AssertClean();

        var result = r.Output.Single(o => o.BaseObject is not string);
        var writes = r.Output.Where(o => o.BaseObject is string).Select(o => (string)o.BaseObject).ToList();
        var steps = (int)result.Properties["VacuumTransactions"].Value;
        Assert.Equal("Incremental", result.Properties["Vacuum"].Value);
        Assert.True(steps >= 2, $"expected several steps, got {steps}");
        Assert.Equal(Enumerable.Repeat("writer exit 0", steps), writes);
        Assert.Equal(new string('w', steps), Sqlite3.Exec(db, "SELECT summary FROM burnin_stages WHERE id = (SELECT max(id) FROM burnin_stages);"));
        Assert.Equal(0L, Pragma(db, "freelist_count"));
        Assert.True((long)result.Properties["ReclaimedBytes"].Value >= 1_900_000);
        Assert.True(new FileInfo(db).Length < sizeBefore - 1_900_000);
        Assert.Equal("ok", Sqlite3.IntegrityCheck(db));
        Assert.Empty(r.Warnings);
        var audit = s.Run("Get-BurninAuditEvent -Type retention_run").AssertClean().Output.Single();
        Assert.Contains($"in {steps} step(s)", (string)audit.Properties["Detail"].Value);
    }

    [Fact]
    public void An_older_store_is_converted_once_by_retention_with_a_warning_and_never_on_open()
    {
        using var dir = new TempDir();
        var db = dir.File("burnin.db");
        using (new PsSession(storePath: db)) { }
        // A store as the NasBurnin before schema step 6 made it: no auto-vacuum, schema version 5.
        Sqlite3.Exec(db, $"PRAGMA auto_vacuum = NONE; VACUUM; PRAGMA user_version = {StoreSchema.Latest - 1};");
        Sqlite3.AddStages(db, count: 5, logBytes: 100_000, daysAgo: 60);

        using var s = new PsSession(storePath: db);
        Assert.Equal(StoreSchema.Latest, (int)s.Run("Get-BurninStore").AssertClean().Output.Single().Properties["SchemaVersion"].Value);
        Assert.Equal(0L, Pragma(db, "auto_vacuum")); // opening (and migrating) never rewrites the store

        s.Run("Invoke-BurninRetention -NoBackup -WhatIf").AssertClean();
        Assert.Contains("Convert the store", string.Join("\n", s.Host.Text));
        Assert.Equal(0L, Pragma(db, "auto_vacuum"));

        var first = s.Run("Invoke-BurninRetention -NoBackup").AssertClean();
        Assert.Equal("Conversion", first.Output.Single().Properties["Vacuum"].Value);
        Assert.Contains(first.Warnings, w => w.Contains("Converting the store", StringComparison.Ordinal) && w.Contains("once", StringComparison.Ordinal));
        Assert.Equal(2L, Pragma(db, "auto_vacuum"));
        Assert.Equal(0L, Pragma(db, "freelist_count"));
        Assert.Equal("ok", Sqlite3.IntegrityCheck(db));

        Sqlite3.AddStages(db, count: 3, logBytes: 100_000, daysAgo: 60);
        var second = s.Run("Invoke-BurninRetention -NoBackup").AssertClean();
        Assert.Empty(second.Warnings);
        Assert.Equal("Incremental", second.Output.Single().Properties["Vacuum"].Value);
        var events = s.Run("Get-BurninAuditEvent -Type retention_run").AssertClean().Output.Select(e => (string)e.Properties["Detail"].Value).ToList();
        Assert.Single(events, e => e.Contains("converted to incremental auto-vacuum", StringComparison.Ordinal));
    }

    [Fact]
    public void Full_compacts_with_one_full_VACUUM()
    {
        using var dir = new TempDir();
        var db = dir.File("burnin.db");
        using var s = new PsSession(storePath: db);
        Sqlite3.AddStages(db, count: 5, logBytes: 100_000, daysAgo: 60);

        var r = s.Run("Invoke-BurninRetention -Full -NoBackup").AssertClean().Output.Single();

        Assert.Equal("Full", r.Properties["Vacuum"].Value);
        Assert.True((bool)r.Properties["Vacuumed"].Value);
        Assert.Equal(5L, r.Properties["PrunedRows"].Value);
        Assert.True((long)r.Properties["BytesAfter"].Value < (long)r.Properties["BytesBefore"].Value - 450_000);
        Assert.Equal(0L, Pragma(db, "freelist_count"));
        Assert.Equal(2L, Pragma(db, "auto_vacuum")); // a full VACUUM keeps the store incremental
        Assert.Contains("full VACUUM", (string)s.Run("Get-BurninAuditEvent -Type retention_run").AssertClean().Output.Single().Properties["Detail"].Value);
    }
}
