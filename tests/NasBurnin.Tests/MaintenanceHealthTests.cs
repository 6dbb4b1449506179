using System.Management.Automation;
using NasBurnin.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace NasBurnin.Tests;

/// <summary>Test-BurninHealth against real failures: a read-only store, a stale sync, a stopped sshd.</summary>
[Collection(SerialCollection.Name)]
public class MaintenanceHealthTests
{
    private readonly ITestOutputHelper _out;

    public MaintenanceHealthTests(ITestOutputHelper output) => _out = output;

    private static string Q(string s) => PsSession.Quote(s);

    private static void AddHost(string db, string name, int port, double syncedMinutesAgo) =>
        Sqlite3.Exec(db, $"""
            INSERT INTO hosts(name, address, port, created_at, last_poll_at, last_success_at)
            VALUES ('{name}', '127.0.0.1', {port}, 't',
                    strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-{syncedMinutesAgo} minutes'),
                    strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-{syncedMinutesAgo} minutes'));
            """);

    private static PSObject Report(PsSession s) => s.Run("Test-BurninHealth -TimeoutSeconds 3").AssertClean().Output.Single();

    private static PSObject Row(PSObject report, string check, string? target = null) =>
        ((object[])report.Properties["Checks"].Value).Select(PSObject.AsPSObject)
            .Single(c => (string)c.Properties["Check"].Value == check && (target is null || (string)c.Properties["Target"].Value == target));

    private static bool Healthy(PSObject o) => (bool)o.Properties["Healthy"].Value;

    [SkippableFact]
    public void Healthy_until_the_sync_goes_stale_or_sshd_stops()
    {
        using var sshd = LoopbackSshd.TryStart(out var why);
        Skip.If(sshd is null, why);
        using var dir = new TempDir();
        var db = dir.File("burnin.db");
        using var s = new PsSession(storePath: db);
        s.Run("Set-BurninConfig -PollIntervalMinutes 10").AssertClean();
        AddHost(db, "nas1", sshd.Port, syncedMinutesAgo: 5);

        // Everything fine: every row healthy, and so the whole.
        var good = Report(s);
        Assert.True(Healthy(good), string.Join("\n", ((object[])good.Properties["Checks"].Value).Select(c => PSObject.AsPSObject(c).Properties["Detail"].Value)));
        Assert.True((bool)Row(good, "NotificationsDelivered", "notifications").Properties["Healthy"].Value); // no channel, nothing waiting
        Assert.Equal(6, ((object[])good.Properties["Checks"].Value).Length);
        Assert.Contains("SSH-2.0-OpenSSH", (string)Row(good, "HostReachable", "nas1").Properties["Detail"].Value);
        Assert.True((bool)s.Run("Test-BurninHealth -Quiet").AssertClean().Output.Single().BaseObject);

        // The last successful sync is older than 3 x 10 minutes.
        Sqlite3.Exec(db, "UPDATE hosts SET last_success_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-31 minutes');");
        var stale = Report(s);
        Assert.False(Healthy(stale));
        Assert.False(Healthy(Row(stale, "InventoryFresh")));
        Assert.Contains("nas1 last synced 31 min ago", (string)Row(stale, "InventoryFresh").Properties["Detail"].Value);
        Assert.True(Healthy(Row(stale, "HostReachable", "nas1")));
        Assert.False((bool)s.Run("Test-BurninHealth -Quiet").AssertClean().Output.Single().BaseObject);

        // Fresh again, but sshd is gone.
        Sqlite3.Exec(db, "UPDATE hosts SET last_success_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now');");
        sshd.Stop();
        var down = Report(s);
        Assert.False(Healthy(down));
        Assert.True(Healthy(Row(down, "InventoryFresh")));
        var host = Row(down, "HostReachable", "nas1");
        Assert.False(Healthy(host));
        Assert.Contains("connection refused", (string)host.Properties["Detail"].Value);
        Assert.False((bool)s.Run("Test-BurninHealth -Quiet").AssertClean().Output.Single().BaseObject);
        Assert.Empty(s.Host.Prompts);
    }

    [SkippableFact]
    public void A_read_only_store_is_unhealthy_and_no_exception()
    {
        if (OperatingSystem.IsWindows()) throw new SkipException("needs a read-only bind view (Linux)");
        using var dir = new TempDir();
        var rw = Path.Combine(dir.Path, "rw");
        var db = Path.Combine(rw, "burnin.db");
        using (var setup = new PsSession(storePath: db))
        {
            setup.Run("Set-BurninConfig -PollIntervalMinutes 10").AssertClean();
            AddHost(db, "nas1", 1, syncedMinutesAgo: 1);
            Assert.True(Healthy(Row(setup.Run("Test-BurninHealth -TimeoutSeconds 1").AssertClean().Output.Single(), "StoreWritable")));
        }
        ReadOnlyView view;
        try { view = new ReadOnlyView(rw, Path.Combine(dir.Path, "ro")); }
        catch (InvalidOperationException e)
        {
            throw new SkipException($"cannot make a read-only view here: {e.Message}");
        }
        using (view)
        {
            var old = Environment.GetEnvironmentVariable("NASBURNIN_HOME");
            try
            {
                Environment.SetEnvironmentVariable("NASBURNIN_HOME", view.Path);
                using var s = new PsSession();
                var report = s.Run("Test-BurninHealth -TimeoutSeconds 1").AssertClean().Output.Single();
                Assert.False(Healthy(report));
                var store = Row(report, "StoreWritable");
                Assert.False(Healthy(store));
                Assert.Equal(Path.Combine(view.Path, "burnin.db"), store.Properties["Target"].Value);
                Assert.Contains("cannot be written", (string)store.Properties["Detail"].Value);
                Assert.False((bool)s.Run("Test-BurninHealth -Quiet -TimeoutSeconds 1").AssertClean().Output.Single().BaseObject);
            }
            finally
            {
                Environment.SetEnvironmentVariable("NASBURNIN_HOME", old);
            }
        }
    }
}
