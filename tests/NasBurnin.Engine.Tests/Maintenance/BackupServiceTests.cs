using NasBurnin.Engine.Common;
using NasBurnin.Engine.Maintenance;
using Xunit;

namespace NasBurnin.Engine.Tests.Maintenance;

public class BackupServiceTests
{
    [Fact]
    public void A_backup_is_a_private_self_contained_intact_copy()
    {
        using var t = new TestStore();
        t.AddStage(TimeSpan.FromDays(1), 200_000);
        var service = new BackupService(t.Store);
        var info = service.Backup(service.ResolveTarget(null, force: false));

        Assert.Equal(Path.Combine(t.Dir, "backups", "burnin-2026-03-10.db"), info.Path);
        Assert.Equal(NasBurnin.Engine.Store.Migrations.Latest, info.SchemaVersion);
        Assert.Equal("ok", TestStore.Query(info.Path, "PRAGMA integrity_check"));
        Assert.Equal("delete", TestStore.Query(info.Path, "PRAGMA journal_mode"));
        Assert.Equal(1L, TestStore.Query(info.Path, "SELECT count(*) FROM burnin_stages"));
        Assert.Equal(new[] { info.Path }, Directory.GetFiles(Path.GetDirectoryName(info.Path)!));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(info.Path));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(info.Path)!));
        }
    }

    [Fact]
    public void Targets_resolve_to_a_daily_file_in_a_folder_or_a_named_file()
    {
        using var t = new TestStore();
        var service = new BackupService(t.Store);
        Assert.Equal(new BackupTarget(Path.Combine(t.Dir, "backups", "burnin-2026-03-10.db"), true), service.ResolveTarget(null, false));
        Assert.Equal(new BackupTarget(Path.Combine(t.Dir, "burnin-2026-03-10.db"), true), service.ResolveTarget(t.Dir, false));
        Assert.Equal(new BackupTarget(Path.Combine(t.Dir, "new", "burnin-2026-03-10.db"), true), service.ResolveTarget(Path.Combine(t.Dir, "new") + "/", false));
        Assert.Equal(new BackupTarget(Path.Combine(t.Dir, "x.db"), false), service.ResolveTarget(Path.Combine(t.Dir, "x.db"), false));
        Assert.Equal(new BackupTarget(Path.Combine(t.Dir, "x.db"), true), service.ResolveTarget(Path.Combine(t.Dir, "x.db"), true));
    }

    [Theory]
    [InlineData("", "BackupTargetIsStore")]
    [InlineData("-wal", "BackupTargetIsStore")]
    public void The_store_itself_is_never_a_backup_target(string suffix, string id)
    {
        using var t = new TestStore();
        var before = t.Fingerprint();
        var e = Assert.Throws<BurninException>(() => new BackupService(t.Store).Backup(new BackupTarget(t.Path + suffix, true)));
        Assert.Equal(id, e.ErrorId);
        Assert.Equal(before, t.Fingerprint());
    }

    [Fact]
    public void An_existing_named_file_is_replaced_only_when_forced()
    {
        using var t = new TestStore();
        var service = new BackupService(t.Store);
        var target = Path.Combine(t.Dir, "mine.db");
        File.WriteAllText(target, "precious");
        var e = Assert.Throws<BurninException>(() => service.Backup(service.ResolveTarget(target, force: false)));
        Assert.Equal("BackupTargetExists", e.ErrorId);
        Assert.Equal("precious", File.ReadAllText(target));
        service.Backup(service.ResolveTarget(target, force: true));
        Assert.Equal("ok", TestStore.Query(target, "PRAGMA integrity_check"));
    }

    [Fact]
    public async Task Backup_API_copy_is_a_snapshot_while_another_connection_commits()
    {
        using var t = new TestStore();
        for (var i = 0; i < 40; i++) t.AddStage(TimeSpan.FromDays(1), 500_000);
        using var stop = new CancellationTokenSource();
        var commits = 0;
        Exception? writerError = null;
        var writer = Task.Run(() =>
        {
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    t.Exec($"INSERT INTO audit_events(occurred_at, type, operator, source) VALUES ('t', 'w', 'w', 'w')");
                    Interlocked.Increment(ref commits);
                }
            }
            catch (Exception e) { writerError = e; }
        });
        while (Volatile.Read(ref commits) < 5) await Task.Delay(5);
        var service = new BackupService(t.Store);
        var startCommits = Volatile.Read(ref commits);
        var info = service.Backup(service.ResolveTarget(Path.Combine(t.Dir, "snap.db"), false));
        var endCommits = Volatile.Read(ref commits);
        stop.Cancel();
        await writer;

        Assert.Null(writerError);
        Assert.True(endCommits > startCommits, "the writer made no commit during the backup");
        var inBackup = Convert.ToInt64(TestStore.Query(info.Path, "SELECT count(*) FROM audit_events"));
        Assert.InRange(inBackup, startCommits, endCommits);
        Assert.Equal("ok", TestStore.Query(info.Path, "PRAGMA integrity_check"));
    }
}
