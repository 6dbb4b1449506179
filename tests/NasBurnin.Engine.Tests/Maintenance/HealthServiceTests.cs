using NasBurnin.Engine.Common;
using NasBurnin.Engine.Maintenance;
using NasBurnin.Engine.Store;
using Xunit;

namespace NasBurnin.Engine.Tests.Maintenance;

public class HealthServiceTests
{
    /// <summary>Answers from a table by host name; throws for names it does not know.</summary>
    private sealed class ScriptedProbe : IHostProbe
    {
        public Dictionary<string, bool> Answers { get; } = new();
        public Task<ProbeResult> ProbeAsync(HostEndpoint host, TimeSpan timeout, CancellationToken ct) =>
            Answers.TryGetValue(host.Name, out var ok)
                ? Task.FromResult(new ProbeResult(ok, ok ? "answered" : "refused"))
                : throw new InvalidOperationException("probe exploded");
    }

    private static void AddHost(TestStore t, string name, TimeSpan? syncedAgo, string? lastError = null)
    {
        var at = syncedAgo is { } ago ? $"'{StoreTime.Format(t.Clock.UtcNow - ago)}'" : "NULL";
        var err = lastError is null ? "NULL" : $"'{lastError}'";
        t.Exec($"INSERT INTO hosts(name, address, port, created_at, last_success_at, last_error) VALUES ('{name}', '127.0.0.1', 22, 't', {at}, {err})");
    }

    private static HealthReport Check(TestStore t, IHostProbe probe) =>
        new HealthService(probe).Check(t.Path, () => t.Store, TimeSpan.FromSeconds(1));

    [Fact]
    public void All_good_is_healthy_with_one_row_per_check_and_host()
    {
        using var t = new TestStore();
        AddHost(t, "nas1", TimeSpan.FromMinutes(5));
        AddHost(t, "nas2", TimeSpan.FromMinutes(45)); // exactly 3 x 15 min: still fresh
        var probe = new ScriptedProbe { Answers = { ["nas1"] = true, ["nas2"] = true } };

        var r = Check(t, probe);

        Assert.True(r.Healthy, string.Join("\n", r.Checks));
        Assert.Equal(new[] { "StoreIntact", "StoreWritable", "InventoryFresh", "RunsProgressing", "NotificationsDelivered", "HostReachable", "HostReachable" }, r.Checks.Select(c => c.Check));
        Assert.Equal(new[] { "nas1", "nas2" }, r.Checks.Where(c => c.Check == "HostReachable").Select(c => c.Target));
        Assert.Contains("nas2", r.Checks.Single(c => c.Check == "InventoryFresh").Detail);
        Assert.NotNull(t.Scalar<string>($"SELECT value FROM settings WHERE key = '{HealthService.ProbeKey}'"));
    }

    [Fact]
    public void A_sync_older_than_three_poll_intervals_or_none_at_all_is_stale()
    {
        using var t = new TestStore();
        new SettingsRepository(t.Store).Set(new Dictionary<string, object?> { ["PollIntervalMinutes"] = 10 });
        AddHost(t, "fresh", TimeSpan.FromMinutes(29));
        AddHost(t, "old", TimeSpan.FromMinutes(31), lastError: "ssh: connection refused");
        AddHost(t, "never", null);
        var probe = new ScriptedProbe { Answers = { ["fresh"] = true, ["old"] = true, ["never"] = true } };

        var r = Check(t, probe);

        Assert.False(r.Healthy);
        var inventory = r.Checks.Single(c => c.Check == "InventoryFresh");
        Assert.False(inventory.Healthy);
        Assert.Contains("old last synced 31 min ago (last error: ssh: connection refused)", inventory.Detail);
        Assert.Contains("never never synced", inventory.Detail);
        Assert.DoesNotContain("fresh", inventory.Detail);
        Assert.Contains("PollIntervalMinutes 10", inventory.Detail);
    }

    [Fact]
    public void No_hosts_is_unhealthy_and_says_why()
    {
        using var t = new TestStore();
        var r = Check(t, new ScriptedProbe());
        var inventory = r.Checks.Single(c => c.Check == "InventoryFresh");
        Assert.False(inventory.Healthy);
        Assert.Contains("No hosts are registered", inventory.Detail);
        Assert.False(r.Healthy);
    }

    [Fact]
    public void An_unreachable_host_or_a_failing_probe_is_a_row_not_an_exception()
    {
        using var t = new TestStore();
        AddHost(t, "down", TimeSpan.FromMinutes(1));
        AddHost(t, "weird", TimeSpan.FromMinutes(1));
        var r = Check(t, new ScriptedProbe { Answers = { ["down"] = false } });
        Assert.False(r.Checks.Single(c => c.Target == "down").Healthy);
        var weird = r.Checks.Single(c => c.Target == "weird");
        Assert.False(weird.Healthy);
        Assert.Contains("probe exploded", weird.Detail);
    }

    [Fact]
    public void A_store_that_cannot_be_opened_is_an_unhealthy_row_and_hosts_are_still_read()
    {
        using var t = new TestStore();
        AddHost(t, "nas1", TimeSpan.FromMinutes(1));
        var r = new HealthService(new ScriptedProbe { Answers = { ["nas1"] = true } }).Check(t.Path,
            () => throw new BurninException("StoreNotWritable", ErrorKind.PermissionDenied, "read-only file system"), TimeSpan.FromSeconds(1));
        var store = r.Checks.Single(c => c.Check == "StoreWritable");
        Assert.False(store.Healthy);
        Assert.Contains("read-only file system", store.Detail);
        Assert.True(r.Checks.Single(c => c.Check == "HostReachable").Healthy);
        Assert.False(r.Healthy);
    }
}
