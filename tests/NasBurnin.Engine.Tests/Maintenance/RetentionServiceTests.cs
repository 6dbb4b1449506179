using NasBurnin.Engine.Common;
using NasBurnin.Engine.Maintenance;
using NasBurnin.Engine.Store;
using Xunit;

namespace NasBurnin.Engine.Tests.Maintenance;

public class RetentionServiceTests
{
    [Fact]
    public void Prunes_only_finished_stages_older_than_the_cutoff_and_vacuums_only_when_it_pruned()
    {
        using var t = new TestStore();
        var old1 = t.AddStage(TimeSpan.FromDays(40), 300_000);
        var old2 = t.AddStage(TimeSpan.FromDays(36), 300_000);
        var recent = t.AddStage(TimeSpan.FromDays(34), 300_000);
        var running = t.AddStage(null, 300_000);
        var service = new RetentionService(t.Store);

        var first = service.Run(new RetentionOptions(35, 14, NoBackup: true), t.Actor);

        Assert.True(first.Succeeded, first.Error?.Message);
        Assert.Equal(2, first.PrunedRows);
        Assert.Equal(600_000, first.PrunedLogBytes);
        Assert.False(t.HasLog(old1));
        Assert.False(t.HasLog(old2));
        Assert.True(t.HasLog(recent));
        Assert.True(t.HasLog(running));
        Assert.True(first.Vacuumed);
        Assert.True(first.BytesAfter < first.BytesBefore - 500_000, $"{first.BytesBefore} -> {first.BytesAfter}");
        Assert.Equal(t.Clock.UtcNow.AddDays(-35), first.Cutoff);

        var second = service.Run(new RetentionOptions(35, 14, NoBackup: true), t.Actor);
        Assert.Equal(0, second.PrunedRows);
        Assert.False(second.Vacuumed);

        var audit = new AuditLog(t.Store).Query(new AuditQuery(Types: new[] { "retention_run" }));
        Assert.Equal(2, audit.Count);
        Assert.Equal("ann", audit[0].Operator);
        Assert.Contains("pruned 2 stage log(s)", audit[0].Detail);
    }

    [Fact]
    public void Pruning_commits_in_batches_that_each_stay_small()
    {
        using var t = new TestStore();
        var stages = Enumerable.Range(0, 6).Select(_ => t.AddStage(TimeSpan.FromDays(50), 3 << 20)).ToList();
        var reports = new List<string>();
        var r = new RetentionService(t.Store).Run(new RetentionOptions(35, 14, NoBackup: true), t.Actor,
            new RetentionHooks { Progress = reports.Add });
        Assert.Equal(6, r.PrunedRows);
        Assert.All(stages, id => Assert.False(t.HasLog(id)));
        // 18 MB of logs. The first batch stops once it holds 2 MB (one 3 MB log); later ones follow the
        // measured pace but at most double, so it takes at least three commits whatever the machine.
        var batches = reports.Where(x => x.StartsWith("Pruned", StringComparison.Ordinal)).ToList();
        Assert.Equal("Pruned the log text of 1 stage(s) (3.0 MB).", batches[0]);
        Assert.Equal("Pruned the log text of 6 stage(s) (18.0 MB).", batches[^1]);
        Assert.True(batches.Count >= 3, string.Join(" | ", batches));
    }

    [Fact]
    public void Rotation_keeps_exactly_the_newest_K_daily_backups_and_ignores_other_files()
    {
        using var t = new TestStore();
        var folder = Path.Combine(t.Dir, "backups");
        Directory.CreateDirectory(folder);
        var others = new[] { "burnin-latest.db", "burnin-2026-13-45.db", "notes.txt", "burnin-2020-01-01.db.bak", "burnin-2020-01-01.DB" };
        foreach (var o in others) File.WriteAllText(Path.Combine(folder, o), "keep me");
        var service = new RetentionService(t.Store);
        var days = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            var r = service.Run(new RetentionOptions(35, 3), t.Actor);
            Assert.True(r.Succeeded, r.Error?.Message);
            days.Add(Path.GetFileName(r.BackupFile!));
            Assert.Equal(i >= 3 ? 1 : 0, r.BackupsRemoved.Count);
            t.Clock.UtcNow = t.Clock.UtcNow.AddDays(1);
        }
        var left = BackupFolder.List(folder).Select(b => Path.GetFileName(b.Path)).ToList();
        Assert.Equal(days.AsEnumerable().Reverse().Take(3), left);
        Assert.Equal("burnin-2026-03-15.db", left[0]);
        foreach (var o in others) Assert.Equal("keep me", File.ReadAllText(Path.Combine(folder, o)));
    }

    [Fact]
    public void A_second_run_on_the_same_day_replaces_the_file_by_rename_never_in_place()
    {
        using var t = new TestStore();
        var service = new RetentionService(t.Store);
        var first = service.Run(new RetentionOptions(35, 14), t.Actor);
        var firstBytes = File.ReadAllBytes(first.BackupFile!);
        // A reader holding the first backup open keeps seeing the first backup: the new one is a new file.
        using var held = new FileStream(first.BackupFile!, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        t.Exec("INSERT INTO settings(key, value, updated_at) VALUES ('marker', 'second', 't')");
        t.Clock.UtcNow = t.Clock.UtcNow.AddHours(3);

        var second = service.Run(new RetentionOptions(35, 14), t.Actor);

        Assert.Equal(first.BackupFile, second.BackupFile);
        var seen = new byte[firstBytes.Length + 1];
        var n = held.ReadAtLeast(seen, seen.Length, throwOnEndOfStream: false);
        Assert.Equal(firstBytes, seen[..n]);
        Assert.Equal("second", TestStore.Query(second.BackupFile!, "SELECT value FROM settings WHERE key = 'marker'"));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(first.BackupFile!)!));
        Assert.Empty(second.BackupsRemoved);
    }

    [Fact]
    public void WhatIf_offers_every_action_and_changes_nothing()
    {
        using var t = new TestStore();
        var old = t.AddStage(TimeSpan.FromDays(90), 10_000);
        var folder = Path.Combine(t.Dir, "backups");
        Directory.CreateDirectory(folder);
        foreach (var d in new[] { "2026-03-01", "2026-03-02", "2026-03-03" })
            File.WriteAllText(Path.Combine(folder, $"burnin-{d}.db"), d);
        var asked = new List<(string Target, string Action)>();
        var before = t.Fingerprint();

        var r = new RetentionService(t.Store).Run(new RetentionOptions(35, 2, WhatIf: true), t.Actor,
            new RetentionHooks { Confirm = (target, action) => { asked.Add((target, action)); return false; } });

        Assert.Contains(asked, a => a.Target == t.Path && a.Action.Contains("1 finished stage(s)", StringComparison.Ordinal));
        Assert.Contains(asked, a => a.Target == Path.Combine(folder, "burnin-2026-03-10.db") && a.Action.StartsWith("Back up", StringComparison.Ordinal));
        var removals = asked.Where(a => a.Action.StartsWith("Remove old backup", StringComparison.Ordinal)).Select(a => Path.GetFileName(a.Target)).ToList();
        Assert.Equal(new[] { "burnin-2026-03-02.db", "burnin-2026-03-01.db" }, removals);
        Assert.Equal(0, r.PrunedRows);
        Assert.True(t.HasLog(old));
        Assert.Equal(3, Directory.GetFiles(folder).Length);
        Assert.Empty(new AuditLog(t.Store).Query(new AuditQuery()));
        Assert.Equal(before, t.Fingerprint());
    }

    [Fact]
    public void A_declined_removal_keeps_that_backup()
    {
        using var t = new TestStore();
        var folder = Path.Combine(t.Dir, "backups");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "burnin-2026-03-01.db"), "a");
        File.WriteAllText(Path.Combine(folder, "burnin-2026-03-02.db"), "b");
        var r = new RetentionService(t.Store).Run(new RetentionOptions(35, 1), t.Actor,
            new RetentionHooks { Confirm = (target, _) => !target.EndsWith("03-01.db", StringComparison.Ordinal) });
        Assert.Equal(new[] { Path.Combine(folder, "burnin-2026-03-02.db") }, r.BackupsRemoved);
        Assert.True(File.Exists(Path.Combine(folder, "burnin-2026-03-01.db")));
    }

    [Fact]
    public void A_failed_backup_is_reported_keeps_the_pruning_and_removes_no_backup()
    {
        using var t = new TestStore();
        var old = t.AddStage(TimeSpan.FromDays(90), 10_000);
        var blocker = Path.Combine(t.Dir, "not-a-folder");
        File.WriteAllText(blocker, "x");

        var r = new RetentionService(t.Store).Run(new RetentionOptions(35, 1, BackupFolder: Path.Combine(blocker, "backups")), t.Actor);

        Assert.False(r.Succeeded);
        Assert.Equal("Backup", r.FailedStep);
        Assert.Equal("BackupFolderNotWritable", r.Error!.ErrorId);
        Assert.Equal(1, r.PrunedRows);
        Assert.False(t.HasLog(old));
        var audit = Assert.Single(new AuditLog(t.Store).Query(new AuditQuery(Types: new[] { "retention_run" })));
        Assert.Contains("FAILED at Backup", audit.Detail);
    }

    [Fact]
    public void Out_of_range_options_are_refused_before_anything_happens()
    {
        using var t = new TestStore();
        var old = t.AddStage(TimeSpan.FromDays(90));
        var e = Assert.Throws<BurninException>(() => new RetentionService(t.Store).Run(new RetentionOptions(0, 14), t.Actor));
        Assert.Equal("InvalidSettingValue", e.ErrorId);
        Assert.Contains("LogRetentionDays", e.Message);
        Assert.True(t.HasLog(old));
    }
}
