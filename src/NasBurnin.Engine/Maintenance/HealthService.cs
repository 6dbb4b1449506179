using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using NasBurnin.Engine.Common;
using NasBurnin.Engine.Store;

namespace NasBurnin.Engine.Maintenance;

/// <summary>One row of a health report.</summary>
public sealed record HealthCheck(string Check, string Target, bool Healthy, string Detail);

/// <summary>All rows; healthy when every row is.</summary>
public sealed record HealthReport(string StorePath, DateTimeOffset CheckedAt, IReadOnlyList<HealthCheck> Checks)
{
    public bool Healthy => Checks.All(c => c.Healthy);
}

/// <summary>
/// The checks a monitoring task runs: the store is intact (PRAGMA quick_check) and takes a committed
/// write, every host synced within three poll intervals, every host answers on its SSH port. A failed
/// check becomes an unhealthy row; nothing here throws except cancellation.
/// </summary>
public sealed class HealthService
{
    public const string StoreIntact = "StoreIntact";
    public const string StoreWritable = "StoreWritable";
    public const string InventoryFresh = "InventoryFresh";
    public const string HostReachable = "HostReachable";
    public const string RunsProgressing = "RunsProgressing";
    public const string NotificationsDelivered = "NotificationsDelivered";

    /// <summary>The settings row the write probe updates (not a user setting: Get-BurninConfig ignores it).</summary>
    internal const string ProbeKey = "health.last_write_probe";

    /// <summary>A sync counts as fresh for this many poll intervals.</summary>
    public const int StaleAfterIntervals = 3;

    private readonly IHostProbe _probe;

    public HealthService(IHostProbe? probe = null) => _probe = probe ?? new SshBannerProbe();

    /// <param name="storePath">The store to check.</param>
    /// <param name="openStore">Opens the store; a failure there is the store row's answer.</param>
    /// <param name="probeTimeout">How long each host gets to answer.</param>
    public HealthReport Check(string storePath, Func<BurninStore> openStore, TimeSpan probeTimeout, CancellationToken ct = default)
    {
        var checks = new List<HealthCheck>();
        BurninStore? store = null;
        try
        {
            store = openStore();
        }
        catch (Exception e) when (e is BurninException or SqliteException or IOException or UnauthorizedAccessException)
        {
            if (e is BurninException { ErrorId: "StoreCorrupt" or "StoreEmpty" })
                checks.Add(new HealthCheck(StoreIntact, storePath, false, e.Message));
            checks.Add(new HealthCheck(StoreWritable, storePath, false, $"The store cannot be written: {e.Message}"));
        }
        if (store is not null)
        {
            checks.Add(Intact(store, ct));
            try
            {
                checks.Add(ProbeWrite(store));
            }
            catch (Exception e) when (e is BurninException or SqliteException or IOException or UnauthorizedAccessException)
            {
                checks.Add(new HealthCheck(StoreWritable, storePath, false, $"The store cannot be written: {e.Message}"));
            }
        }

        var clock = store?.Clock ?? SystemClock.Instance;
        var now = clock.UtcNow;
        IReadOnlyList<HostRow> hosts;
        int interval;
        try
        {
            (hosts, interval) = store is not null ? store.Read(ReadInventory) : ReadInventoryReadOnly(storePath);
        }
        catch (Exception e) when (e is BurninException or SqliteException or IOException or UnauthorizedAccessException)
        {
            checks.Add(new HealthCheck(InventoryFresh, "inventory", false, $"The hosts in the store cannot be read: {e.Message}"));
            return new HealthReport(storePath, now, checks);
        }

        checks.Add(Freshness(hosts, interval, now, storePath));
        if (store is not null) checks.Add(Progressing(store));
        if (store is not null)
        {
            var (delivered, detail) = new Notifications.NotificationService(store).DeliveryHealth();
            checks.Add(new HealthCheck(NotificationsDelivered, "notifications", delivered, detail));
        }
        checks.AddRange(ProbeAll(hosts, probeTimeout, ct));
        return new HealthReport(storePath, now, checks);
    }

    /// <summary>Runs the last refresh found Stalled (no progress for StallHours): a warning that needs a person.</summary>
    private static HealthCheck Progressing(BurninStore store)
    {
        var stalled = new Burnin.RunRepository(store).Query(new Burnin.RunQuery(States: new[] { Burnin.RunState.Stalled }));
        return stalled.Count == 0
            ? new HealthCheck(RunsProgressing, "runs", true, "No run is stalled.")
            : new HealthCheck(RunsProgressing, "runs", false,
                "Stalled (no progress for StallHours): " + string.Join("; ", stalled.Select(r => $"run {r.Id} {r.Device} on {r.HostName} (serial {r.Serial})")));
    }

    /// <summary>
    /// PRAGMA quick_check over the whole file (it reads every page, which is why it runs here and not on
    /// every open). Damage marks the store, so every process stops writing to it. A store marked damaged
    /// earlier that now passes a full integrity_check (repaired or replaced by hand) is unmarked.
    /// </summary>
    private static HealthCheck Intact(BurninStore store, CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        var marked = store.Damage;
        string quick;
        try { quick = store.QuickCheck("Test-BurninHealth (PRAGMA quick_check)", ct); }
        catch (Exception e) when (e is BurninException or SqliteException or IOException)
        {
            return new HealthCheck(StoreIntact, store.Path, false, $"PRAGMA quick_check could not run: {e.Message}");
        }
        if (quick != "ok")
            return new HealthCheck(StoreIntact, store.Path, false,
                $"PRAGMA quick_check found damage: {quick}. " + store.DamageRefusal().Message);
        if (marked is null)
            return new HealthCheck(StoreIntact, store.Path, true,
                $"PRAGMA quick_check: ok ({SqliteFiles.FormatBytes(SqliteFiles.SizeWithWal(store.Path))} checked in {sw.ElapsedMilliseconds} ms).");
        var full = store.IntegrityCheck(ct);
        if (full != "ok")
            return new HealthCheck(StoreIntact, store.Path, false,
                $"PRAGMA quick_check passes, but integrity_check does not: {full}. " + store.DamageRefusal(marked).Message);
        StoreDamage.Clear(store.Path);
        return new HealthCheck(StoreIntact, store.Path, true,
            $"The damage recorded at {StoreTime.Format(marked.FoundAt)} by {marked.FoundBy} ({marked.Finding}) is no longer found: quick_check and integrity_check pass, so the store takes writes again.");
    }

    /// <summary>A real write: upsert a probe row and commit, then read it back.</summary>
    private static HealthCheck ProbeWrite(BurninStore store)
    {
        var sw = Stopwatch.StartNew();
        var stamp = StoreTime.Format(store.Clock.UtcNow);
        var nonce = Guid.NewGuid().ToString("N");
        store.Write((c, tx) =>
        {
            using var cmd = c.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = "INSERT INTO settings(key, value, updated_at) VALUES ($k, $v, $t) " +
                              "ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at";
            cmd.Parameters.AddWithValue("$k", ProbeKey);
            cmd.Parameters.AddWithValue("$v", nonce);
            cmd.Parameters.AddWithValue("$t", stamp);
            cmd.ExecuteNonQuery();
        });
        var back = store.Read(c =>
        {
            using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT value FROM settings WHERE key = $k";
            cmd.Parameters.AddWithValue("$k", ProbeKey);
            return cmd.ExecuteScalar() as string;
        });
        return back == nonce
            ? new HealthCheck(StoreWritable, store.Path, true, $"A probe row was written and committed in {sw.ElapsedMilliseconds} ms.")
            : new HealthCheck(StoreWritable, store.Path, false, "A probe row was committed but did not read back; another process may be replacing the store.");
    }

    private sealed record HostRow(string Name, string Address, int Port, DateTimeOffset? LastSuccess, string? LastError);

    private static (IReadOnlyList<HostRow>, int) ReadInventory(SqliteConnection c)
    {
        var hosts = new List<HostRow>();
        using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = "SELECT name, address, port, last_success_at, last_error FROM hosts ORDER BY name";
            using var r = cmd.ExecuteReader();
            while (r.Read())
                hosts.Add(new HostRow(r.GetString(0), r.GetString(1), r.GetInt32(2), r.NullableTime("last_success_at"), r.NullableString("last_error")));
        }
        string? stored;
        using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = "SELECT value FROM settings WHERE key = $k";
            cmd.Parameters.AddWithValue("$k", SettingDefinitions.PollIntervalMinutes.Name);
            stored = cmd.ExecuteScalar() as string;
        }
        var interval = stored is null ? SettingDefinitions.PollIntervalMinutes.Default : SettingDefinitions.PollIntervalMinutes.Parse(stored);
        return (hosts, (int)interval);
    }

    /// <summary>When the store cannot be opened for writing, the hosts may still be readable.</summary>
    private static (IReadOnlyList<HostRow>, int) ReadInventoryReadOnly(string storePath)
    {
        if (!File.Exists(storePath))
            throw new IOException($"The store '{storePath}' does not exist.");
        using var c = SqliteFiles.OpenUnpooled(storePath, SqliteOpenMode.ReadOnly);
        return ReadInventory(c);
    }

    private static HealthCheck Freshness(IReadOnlyList<HostRow> hosts, int intervalMinutes, DateTimeOffset now, string storePath)
    {
        var limit = TimeSpan.FromMinutes(intervalMinutes * StaleAfterIntervals);
        var rule = $"limit {Age(limit)} = {StaleAfterIntervals} × PollIntervalMinutes {intervalMinutes}";
        if (hosts.Count == 0)
        {
            // Unhealthy on purpose: with no hosts nothing is being watched, and the usual cause is a
            // scheduled task that opened a different (new, empty) store than the one people use.
            return new HealthCheck(InventoryFresh, "inventory", false,
                $"No hosts are registered in '{storePath}', so nothing is being synced. Add a host, or check that the task uses the right store ($env:NASBURNIN_HOME or Use-BurninStore).");
        }
        var stale = hosts.Where(h => h.LastSuccess is not { } t || now - t > limit).ToList();
        if (stale.Count == 0)
        {
            var oldest = hosts.OrderBy(h => h.LastSuccess).First();
            return new HealthCheck(InventoryFresh, "inventory", true,
                $"All {hosts.Count} host(s) synced within {Age(limit)}; the oldest sync ({oldest.Name}) is {Age(now - oldest.LastSuccess!.Value)} old.");
        }
        var parts = stale.Select(h =>
            (h.LastSuccess is { } t ? $"{h.Name} last synced {Age(now - t)} ago" : $"{h.Name} never synced")
            + (string.IsNullOrWhiteSpace(h.LastError) ? "" : $" (last error: {h.LastError})"));
        return new HealthCheck(InventoryFresh, "inventory", false, $"Stale: {string.Join("; ", parts)} ({rule}).");
    }

    private IEnumerable<HealthCheck> ProbeAll(IReadOnlyList<HostRow> hosts, TimeSpan timeout, CancellationToken ct)
    {
        var tasks = hosts.Select(async h =>
        {
            try
            {
                var r = await _probe.ProbeAsync(new HostEndpoint(h.Name, h.Address, h.Port), timeout, ct).ConfigureAwait(false);
                return new HealthCheck(HostReachable, h.Name, r.Reachable, r.Detail);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                return new HealthCheck(HostReachable, h.Name, false, $"{h.Address}:{h.Port}: the probe failed: {e.Message}");
            }
        }).ToArray();
        try
        {
            Task.WaitAll(tasks, ct);
        }
        catch (AggregateException) { /* every task turns its own failure into a row */ }
        return tasks.Select(t => t.Result);
    }

    /// <summary>"2 h 5 min", "45 min", "12 s".</summary>
    internal static string Age(TimeSpan t)
    {
        if (t < TimeSpan.Zero) t = TimeSpan.Zero;
        var inv = CultureInfo.InvariantCulture;
        if (t.TotalDays >= 2) return string.Create(inv, $"{(int)t.TotalDays} d {t.Hours} h");
        if (t.TotalHours >= 1) return string.Create(inv, $"{(int)t.TotalHours} h {t.Minutes} min");
        if (t.TotalMinutes >= 1) return string.Create(inv, $"{(int)t.TotalMinutes} min");
        return string.Create(inv, $"{(int)t.TotalSeconds} s");
    }
}
