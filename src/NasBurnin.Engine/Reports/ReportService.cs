using Microsoft.Data.Sqlite;
using NasBurnin.Engine.Burnin;
using NasBurnin.Engine.Common;
using NasBurnin.Engine.Inventory;
using NasBurnin.Engine.Remote;
using NasBurnin.Engine.Store;

namespace NasBurnin.Engine.Reports;

/// <summary>A report as rendered: its HTML and, for a fleet page, the run ids whose certificates go with a digest.</summary>
public sealed record RenderedReport(string Title, string Html, IReadOnlyList<long> FailedRunIds);

/// <summary>
/// The Reports area's façade (DESIGN §9): burn-in certificates and the fleet status page, read from the store and
/// rendered to one self-contained HTML file each. It reads only; writing the page is atomic.
/// </summary>
public sealed class ReportService
{
    public const string FleetTitle = "NasBurnin fleet status";

    private readonly BurninStore _store;

    public ReportService(BurninStore store) => _store = store;

    /// <summary>Certificates for these runs, in the order given. An id the store does not have is RunNotFound.</summary>
    public IReadOnlyList<Certificate> Certificates(IReadOnlyList<long> runIds)
    {
        var settings = new SettingsRepository(_store).Get();
        var now = _store.Clock.UtcNow;
        var evidence = _store.Read(c => ReadEvidence(c, runIds));
        return runIds.Distinct().Select(id => evidence.TryGetValue(id, out var e)
            ? CertificateBuilder.Build(e, settings.TemperatureLimitC, now)
            : throw new BurninException("RunNotFound", ErrorKind.NotFound, $"There is no run {id} in the store '{_store.Path}'. Get-BurninRun lists the runs.") { Target = id }).ToList();
    }

    public RenderedReport RenderCertificates(IReadOnlyList<long> runIds)
    {
        var certs = Certificates(runIds);
        var html = HtmlRenderer.Certificates(certs, ReportFormat.Time(_store.Clock.UtcNow)!);
        return new RenderedReport(certs.Count == 1 ? $"Burn-in certificate {certs[0].Serial}" : $"Burn-in certificates ({certs.Count})", html,
            certs.Where(c => c.Failed).Select(c => c.RunId).ToList());
    }

    /// <summary>The fleet status for the period since <paramref name="since"/>.</summary>
    public FleetStatus Fleet(DateTimeOffset since)
    {
        var now = _store.Clock.UtcNow;
        var drives = new DriveRepository(_store).Query();
        var hosts = new HostRepository(_store).List();
        var data = _store.Read(c =>
        {
            var runs = RunRepository.Query(c, null, new RunQuery());
            var shown = runs.Where(r => !RunStates.IsFinal(r.State) || r.FinishedAt >= since).Select(r => r.Id).ToList();
            return (Runs: runs.Where(r => shown.Contains(r.Id)).ToList(), Unlocks: OpenUnlocks(c, now), HealthAtSince: HealthHistory.At(c, since), Shown: shown);
        });
        var stages = data.Shown.Count == 0 ? Array.Empty<StageRecord>() : new RunRepository(_store).Stages(data.Shown, includeLog: false);
        var events = new AuditLog(_store).Query(new AuditQuery(FleetBuilder.UnlockEvents.Concat(FleetBuilder.OverrideEvents).ToList(), since));
        return FleetBuilder.Build(new FleetData(data.Runs, stages, drives, hosts, data.Unlocks, events, data.HealthAtSince), since, now, _store.Path);
    }

    public RenderedReport RenderFleet(DateTimeOffset since, int? refreshSeconds = null)
    {
        var fleet = Fleet(since);
        return new RenderedReport(FleetTitle, HtmlRenderer.Fleet(fleet, refreshSeconds, FleetTitle), fleet.FailedRunIds);
    }

    /// <summary>Writes a rendered report to <paramref name="path"/>, replacing any file there atomically.</summary>
    public static FileInfo Write(string path, RenderedReport report) => AtomicFile.Write(path, report.Html);

    /// <summary>The HTML part of a notification message (inline styles, for mail clients).</summary>
    public static string RenderMessage(string title, string? detail, IReadOnlyList<(string Key, string Value)> facts) =>
        HtmlRenderer.Message(title, detail, facts);

    /// <summary>
    /// Records drives whose health changed since the last look and returns those that got worse, in the caller's
    /// write transaction (the notification outbox records them with it).
    /// </summary>
    internal static IReadOnlyList<HealthChange> TrackHealth(SqliteConnection c, SqliteTransaction tx, DateTimeOffset now) => HealthHistory.Track(c, tx, now);

    // ------------------------------------------------------------------ reads

    private Dictionary<long, RunEvidence> ReadEvidence(SqliteConnection c, IReadOnlyList<long> runIds)
    {
        var runs = RunRepository.Query(c, null, new RunQuery(RunIds: runIds.Distinct().ToList()));
        var result = new Dictionary<long, RunEvidence>();
        if (runs.Count == 0) return result;
        var ids = runs.Select(r => r.Id).ToList();
        var stages = new RunRepository(_store).Stages(ids, includeLog: false);
        var drives = new DriveRepository(_store);
        foreach (var run in runs)
        {
            string? pre = null, post = null;
            using (var cmd = c.Command(null, "SELECT kind, raw_json FROM smart_snapshots WHERE run_id = $r ORDER BY id", ("$r", run.Id)))
            using (var r = cmd.ExecuteReader())
                while (r.Read())
                {
                    if (r.GetString(0) == "pre") pre ??= r.NullableString("raw_json");
                    else if (r.GetString(0) == "post") post ??= r.NullableString("raw_json");
                }
            var temps = new List<TemperatureWindow>();
            using (var cmd = c.Command(null, """
                SELECT t.window_at, min(t.min_c), max(t.max_c) FROM stage_temperatures t JOIN burnin_stages s ON s.id = t.stage_id
                WHERE s.run_id = $r GROUP BY t.window_at ORDER BY t.window_at
                """, ("$r", run.Id)))
            using (var r = cmd.ExecuteReader())
                while (r.Read())
                    temps.Add(new TemperatureWindow(StoreTime.Parse(r.GetString(0)), r.GetInt32(1), r.GetInt32(2)));
            var operators = new List<string> { run.Operator };
            operators.AddRange(stages.Where(s => s.RunId == run.Id).Select(s => s.Operator));
            using (var cmd = c.Command(null, "SELECT DISTINCT operator FROM audit_events WHERE run_id = $r AND source NOT LIKE 'runner@%' ORDER BY id", ("$r", run.Id)))
            using (var r = cmd.ExecuteReader())
                while (r.Read()) operators.Add(r.GetString(0));
            result[run.Id] = new RunEvidence(run, stages.Where(s => s.RunId == run.Id).ToList(), drives.Get(run.DriveId), pre, post, temps,
                operators.Distinct(StringComparer.OrdinalIgnoreCase).ToList());
        }
        return result;
    }

    private static List<OpenUnlock> OpenUnlocks(SqliteConnection c, DateTimeOffset now)
    {
        using var cmd = c.Command(null, """
            SELECT u.drive_id, u.serial, u.role, u.operator, u.created_at, u.expires_at, d.host_name, d.device_path, d.model
            FROM drive_unlocks u LEFT JOIN drives d ON d.id = u.drive_id
            WHERE u.consumed_at IS NULL AND u.revoked_at IS NULL AND u.expires_at > $now ORDER BY u.expires_at
            """, ("$now", StoreTime.Format(now)));
        var list = new List<OpenUnlock>();
        using var r = cmd.ExecuteReader();
        while (r.Read())
            list.Add(new OpenUnlock(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), StoreTime.Parse(r.GetString(4)),
                StoreTime.Parse(r.GetString(5)), r.NullableString("host_name"), r.NullableString("device_path"), r.NullableString("model")));
        return list;
    }
}
