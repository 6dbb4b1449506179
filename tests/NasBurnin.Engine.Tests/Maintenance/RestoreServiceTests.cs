using NasBurnin.Engine.Common;
using NasBurnin.Engine.Maintenance;
using NasBurnin.Engine.Store;
using Xunit;

namespace NasBurnin.Engine.Tests.Maintenance;

public class RestoreServiceTests
{
    private static string BackupOf(TestStore t, string name)
    {
        var service = new BackupService(t.Store);
        return service.Backup(service.ResolveTarget(Path.Combine(t.Dir, name), false)).Path;
    }

    [Fact]
    public void Restore_brings_back_the_backup_and_keeps_the_replaced_store()
    {
        using var t = new TestStore();
        var settings = new SettingsRepository(t.Store);
        settings.Set(new Dictionary<string, object?> { ["BackupKeep"] = 5 });
        var backup = BackupOf(t, "b.db");
        settings.Set(new Dictionary<string, object?> { ["BackupKeep"] = 9 });
        var stage = t.AddStage(TimeSpan.FromDays(1));

        var r = new RestoreService(t.Store).Restore(backup, t.Actor);

        Assert.Equal(5, settings.Get().BackupKeep);
        Assert.Equal(0L, t.Scalar<long>("SELECT count(*) FROM burnin_stages"));
        Assert.Equal(t.Path + ".replaced-20260310T020000Z", r.ReplacedPath);
        Assert.Equal("9", TestStore.Query(r.ReplacedPath, "SELECT value FROM settings WHERE key = 'BackupKeep'"));
        Assert.Equal(1L, TestStore.Query(r.ReplacedPath, $"SELECT count(*) FROM burnin_stages WHERE id = {stage}"));
        var audit = Assert.Single(new AuditLog(t.Store).Query(new AuditQuery(Types: new[] { "store_restored" })));
        Assert.Contains(backup, audit.Detail);
        Assert.Empty(Directory.GetFiles(t.Dir, ".burnin.db.restore-*"));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(t.Path));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(r.ReplacedPath));
        }
    }

    [Fact]
    public void A_damaged_backup_is_refused_before_anything_is_touched()
    {
        using var t = new TestStore();
        for (var i = 0; i < 20; i++) t.AddStage(TimeSpan.FromDays(1), 20_000);
        var backup = BackupOf(t, "b.db");
        // Everything after the header page, up to half the file, becomes (repeatable) garbage.
        var bytes = File.ReadAllBytes(backup);
        new Random(20260310).NextBytes(bytes.AsSpan(4096, bytes.Length / 2));
        File.WriteAllBytes(backup, bytes);
        var before = t.Fingerprint();

        var e = Assert.Throws<BurninException>(() => new RestoreService(t.Store).Restore(backup, t.Actor));

        Assert.Equal("BackupCorrupt", e.ErrorId);
        Assert.Equal(before, t.Fingerprint());
        Assert.Empty(Directory.GetFiles(t.Dir, "burnin.db.replaced-*"));
    }

    [Theory]
    [InlineData("text", "BackupNotSqlite")]
    [InlineData("empty-sqlite", "BackupNotNasBurnin")]
    [InlineData("future", "BackupSchemaTooNew")]
    [InlineData("missing", "BackupNotFound")]
    [InlineData("store", "RestoreSourceIsStore")]
    public void Wrong_files_are_refused(string kind, string id)
    {
        using var t = new TestStore();
        var path = Path.Combine(t.Dir, "candidate.db");
        switch (kind)
        {
            case "text": File.WriteAllText(path, "these are my notes, not a database, and they are long enough to fill a header"); break;
            case "empty-sqlite":
                using (var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False"))
                {
                    c.Open();
                    using var cmd = c.CreateCommand();
                    cmd.CommandText = "CREATE TABLE t(x)";
                    cmd.ExecuteNonQuery();
                }
                break;
            case "future":
                path = BackupOf(t, "future.db");
                using (var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False"))
                {
                    c.Open();
                    using var cmd = c.CreateCommand();
                    cmd.CommandText = "PRAGMA user_version = 99";
                    cmd.ExecuteNonQuery();
                }
                break;
            case "store": path = t.Path; break;
        }
        var before = t.Fingerprint();
        var e = Assert.Throws<BurninException>(() => new RestoreService(t.Store).Restore(path, t.Actor));
        Assert.Equal(id, e.ErrorId);
        Assert.Equal(before, t.Fingerprint());
        Assert.Empty(Directory.GetFiles(t.Dir, "burnin.db.replaced-*"));
    }
}
