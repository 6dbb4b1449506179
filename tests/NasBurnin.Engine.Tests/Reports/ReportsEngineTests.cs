using NasBurnin.Engine.Burnin;
using NasBurnin.Engine.Common;
using NasBurnin.Engine.Inventory;
using NasBurnin.Engine.Notifications;
using NasBurnin.Engine.Reports;
using NasBurnin.Engine.Store;
using Xunit;

namespace NasBurnin.Engine.Tests.Reports;

/// <summary>
/// The pieces of reports and notifications that need no browser or server: the runner's temperature lines,
/// what "worse" means, the chart's geometry, channel rules, and that finalizing a run records its change once
/// with its temperatures, however often it is refreshed.
/// </summary>
public sealed class ReportsEngineTests : IDisposable
{
    private readonly string _dir = TestPaths.Temp();

    [Fact]
    public void Temperature_lines_are_parsed_and_half_written_or_sensorless_ones_skipped()
    {
        var w = StageTemperatures.Parse("1700000000 33 36\n1700000600 34\nx 1 2\n1700001200 0 0\n1700001800 35 41\n");
        Assert.Equal(new[] { (33, 36), (35, 41) }, w.Select(x => (x.MinC, x.MaxC)));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1700000000), w[0].At);
    }

    [Theory]
    [InlineData(SmartHealth.Passed, SmartHealth.Warning, true)]
    [InlineData(SmartHealth.Warning, SmartHealth.Failed, true)]
    [InlineData(SmartHealth.Unknown, SmartHealth.Failed, true)]
    [InlineData(SmartHealth.Passed, SmartHealth.Unknown, false)] // asleep or unreadable is no verdict
    [InlineData(SmartHealth.Failed, SmartHealth.Warning, false)]
    [InlineData(SmartHealth.Passed, SmartHealth.Passed, false)]
    public void Worse_means_a_worse_verdict_never_an_unknown_one(SmartHealth before, SmartHealth after, bool worse) =>
        Assert.Equal(worse, HealthHistory.IsWorse(before, after));

    [Fact]
    public void One_window_still_draws_a_line_and_the_limit_is_on_the_chart()
    {
        var chart = TemperatureChartBuilder.Build(new[] { new TemperatureWindow(DateTimeOffset.UnixEpoch, 40, 44) }, 50)!;
        Assert.Equal(2, chart.MaxPoints.Split(' ').Length);
        Assert.NotNull(chart.Limit);
        Assert.Contains(chart.YTicks, t => t.Label == "50 °C");
        Assert.Null(TemperatureChartBuilder.Build(Array.Empty<TemperatureWindow>(), 50));
    }

    [Fact]
    public void Channel_rules_normalize_thumbprints_and_keep_secrets_and_plain_http_out()
    {
        var sha = new string('a', 32) + ":" + new string('B', 32);
        Assert.Equal(new string('A', 32) + new string('B', 32), ChannelRules.Thumbprint(sha, "c"));
        Assert.Equal("NotificationThumbprintInvalid", Assert.Throws<BurninException>(() => ChannelRules.Thumbprint(new string('a', 40), "c")).ErrorId);
        Assert.Equal("http", ChannelRules.CheckUri("http://127.0.0.1:8080/x", "c").Scheme);
        Assert.Equal("NotificationInsecure", Assert.Throws<BurninException>(() => ChannelRules.CheckUri("http://nas.lan/x", "c")).ErrorId);
        var smtp = new NotificationChannel { Name = "m", Kind = ChannelKind.Smtp, SmtpServer = "mail", From = "a@example.com", To = new[] { "b@example.com" }, UserName = "u" };
        Assert.Equal("NotificationSecretMissing", Assert.Throws<BurninException>(() => ChannelRules.Check(smtp)).ErrorId);
        Assert.Equal(587, ChannelRules.Check(smtp with { SecretEnvironmentVariable = "X" }).EffectivePort);
        Assert.Equal(465, (smtp with { Security = SmtpSecurity.Implicit }).EffectivePort);
    }

    [Fact]
    public void A_finished_run_refreshed_twice_records_one_change_and_keeps_its_temperatures()
    {
        var store = BurninStore.Open(Path.Combine(_dir, "b.db"));
        var run = store.Write((c, tx) =>
        {
            var drive = (long)c.Scalar(tx, "INSERT INTO drives(identity, serial, model, device_path, role, first_seen_at, last_seen_at) VALUES ('t:S1', 'S1', 'M1', '/dev/sdx', 'Free', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z') RETURNING id")!;
            c.Execute(tx, "INSERT INTO notification_channels(name, kind, uri, created_at, updated_at, updated_by) VALUES ('hook', 'Webhook', 'http://127.0.0.1:9/', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', 'x')");
            return RunRepository.Insert(c, tx, store.Clock, drive, null, "nas", "/dev/sdx", "S1", "Custom",
                new[] { StageKind.SmartShort }, Actor.OsUser(), "r1", "/var/tmp/nasburnin", null);
        });
        var record = new RunRepository(store).Query(new RunQuery(RunIds: new[] { run })).Single();
        var now = DateTimeOffset.UtcNow;
        var remote = new RemoteRunStatus { RemoteId = "r1", State = "Finished", Started = now, Finished = now, SmartPre = "{}", SmartPost = "{}" };
        remote.Stages[1] = new RemoteStageStatus { State = "Failed", Summary = "overheat: 60 C reached the abort limit", Temperatures = "1700000000 44 61\n" };
        remote.Events.Add(new RunnerEvent(now, 1, "overheat", "61 C"));
        var sync = new RunSynchronizer(store, _ => new SmartEvidence(true, 0, 0, 0, 0, null, null, 35), new SettingsRepository(store).Get());
        sync.Apply(record, remote, Array.Empty<string>());
        sync.Apply(record, remote, Array.Empty<string>());
        var (events, type, deliveries, temps) = store.Read(c => (
            (long)c.Scalar(null, "SELECT count(*) FROM notification_events")!,
            (string)c.Scalar(null, "SELECT type FROM notification_events")!,
            (long)c.Scalar(null, "SELECT count(*) FROM notification_deliveries WHERE state = 'Pending'")!,
            (long)c.Scalar(null, "SELECT max_c FROM stage_temperatures")!));
        Assert.Equal(1, events);
        Assert.Equal(ChangeEventTypes.HeatAbort, type);
        Assert.Equal(1, deliveries);
        Assert.Equal(61, temps);
        var cert = new ReportService(store).Certificates(new[] { run }).Single();
        Assert.Equal("Fail", cert.Verdict);
        Assert.NotNull(cert.Chart);
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }
}
