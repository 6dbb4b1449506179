using NasBurnin.Engine.Common;
using NasBurnin.Engine.Maintenance;
using NasBurnin.Engine.Store;
using Xunit;

namespace NasBurnin.Engine.Tests.Maintenance;

/// <summary>The damage mark: what refuses writes, what its refusal says, and when it is lifted.</summary>
public sealed class StoreDamageTests
{
    private static void SetBackupKeep(BurninStore store, int keep) =>
        new SettingsRepository(store).Set(new Dictionary<string, object?> { ["BackupKeep"] = keep });

    [Fact]
    public void A_marked_store_refuses_writes_and_names_the_newest_good_backup()
    {
        using var t = new TestStore();
        var backup = new BackupService(t.Store).Backup(new BackupService(t.Store).ResolveTarget(null, force: false));
        t.Store.RecordDamage("a test", "page 7: btree corrupt");

        var e = Assert.Throws<BurninException>(() => SetBackupKeep(t.Store, 3));
        Assert.Equal("StoreCorrupt", e.ErrorId);
        Assert.Contains("page 7: btree corrupt", e.Message);
        Assert.Contains("found by a test", e.Message);
        Assert.Contains($"Restore-BurninStore -Path '{backup.Path}'", e.Message);
        Assert.Equal(14, new SettingsRepository(t.Store).Get().BackupKeep); // reads go on
        // Opening it again (another process) finds the mark too.
        Assert.Throws<BurninException>(() => SetBackupKeep(BurninStore.Open(t.Path), 3));
    }

    [Fact]
    public void A_mark_whose_store_now_passes_integrity_check_is_lifted_by_the_health_check()
    {
        using var t = new TestStore();
        t.Store.RecordDamage("a test", "a finding that no longer holds");
        var r = new HealthService(new NoHosts()).Check(t.Path, () => t.Store, TimeSpan.FromSeconds(1));
        var row = r.Checks.Single(c => c.Check == HealthService.StoreIntact);
        Assert.True(row.Healthy, row.Detail);
        Assert.Contains("no longer found", row.Detail);
        Assert.Null(t.Store.Damage);
        SetBackupKeep(t.Store, 3);
    }

    [Fact]
    public void An_empty_store_file_is_refused_and_not_initialised()
    {
        var dir = TestPaths.Temp();
        try
        {
            var path = Path.Combine(dir, "burnin.db");
            File.WriteAllBytes(path, Array.Empty<byte>());
            var e = Assert.Throws<BurninException>(() => BurninStore.Open(path));
            Assert.Equal("StoreEmpty", e.ErrorId);
            Assert.Equal(0, new FileInfo(path).Length);
        }
        finally { Directory.Delete(dir, true); }
    }

    private sealed class NoHosts : IHostProbe
    {
        public Task<ProbeResult> ProbeAsync(HostEndpoint host, TimeSpan timeout, CancellationToken ct) =>
            throw new InvalidOperationException("no hosts in this test");
    }
}
