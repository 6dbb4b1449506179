using NasBurnin.Engine.Common;
using NasBurnin.Engine.Inventory;
using NasBurnin.Engine.Store;
using Xunit;

namespace NasBurnin.Engine.Tests.Inventory;

/// <summary>Health rules as data: defaults, overrides per model and serial with a reason, audited; the inventory judges with them.</summary>
public sealed class HealthRuleServiceTests : IDisposable
{
    private readonly string _dir = TestPaths.Temp();
    private readonly BurninStore _store;
    private readonly HealthRuleService _rules;
    private static readonly Actor Admin = new("alice", "test");

    private BurninSettings Settings => new SettingsRepository(_store).Get();

    public HealthRuleServiceTests()
    {
        _store = BurninStore.Open(Path.Combine(_dir, "burnin.db"));
        _rules = new HealthRuleService(_store);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, true);
    }

    private static HealthRuleChange Change(SmartCounter c, HealthRuleScope scope, string match, long? warn = null, long? fail = null,
        bool warnGiven = true, bool failGiven = true, string reason = "known batch") => new(c, scope, match, warnGiven, warn, failGiven, fail, reason);

    [Fact]
    public void Lists_every_default_with_what_a_run_judges_and_the_temperature_setting()
    {
        var list = _rules.List(Settings);
        Assert.All(list, r => Assert.Equal(HealthRuleScope.Default, r.Scope));
        var pending = list.Single(r => r.Counter == SmartCounter.PendingSectors);
        Assert.Equal((null, 1L), (pending.WarnAt, pending.FailAt));
        Assert.Equal("fails on any increase or any at the end", pending.DuringRun);
        Assert.Equal("fails on any increase", list.Single(r => r.Counter == SmartCounter.ReportedUncorrect).DuringRun);
        Assert.StartsWith("warns on any increase", list.Single(r => r.Counter == SmartCounter.CrcErrors).DuringRun);
        Assert.Equal(55L, list.Single(r => r.Counter == SmartCounter.Temperature).WarnAt);
        Assert.Equal(list.Single(r => r.Counter == SmartCounter.ReallocatedSectors).DuringRun, list.Single(r => r.Counter == SmartCounter.GrownDefects).DuringRun);
    }

    [Fact]
    public void A_serial_override_beats_the_model_override_which_beats_the_default_and_each_change_is_audited()
    {
        _rules.Set(Change(SmartCounter.ReallocatedSectors, HealthRuleScope.Model, "ST4000VN008-2DR166", warn: 20, fail: 100), Admin);
        _rules.Set(Change(SmartCounter.ReallocatedSectors, HealthRuleScope.Serial, "ZGY0TEST", warn: null, failGiven: false, reason: "RMA refused, watched"), Admin);

        var forSerial = _rules.EffectiveFor(Settings, "ST4000VN008-2DR166", "zgy0test").Single(r => r.Counter == SmartCounter.ReallocatedSectors);
        // WarnAt set to never; FailAt not given, so it is the default's (never), not the model override's.
        Assert.Equal((HealthRuleScope.Serial, (long?)null, (long?)null), (forSerial.Scope, forSerial.WarnAt, forSerial.FailAt));
        var forModel = _rules.EffectiveFor(Settings, " st4000vn008-2dr166 ", "OTHER").Single(r => r.Counter == SmartCounter.ReallocatedSectors);
        Assert.Equal((HealthRuleScope.Model, 20L, 100L), (forModel.Scope, forModel.WarnAt!.Value, forModel.FailAt!.Value));
        var other = _rules.EffectiveFor(Settings, "WDC WD40EFRX", "X").Single(r => r.Counter == SmartCounter.ReallocatedSectors);
        Assert.Equal(HealthRuleScope.Default, other.Scope);

        var audit = new AuditLog(_store).Query(new AuditQuery(Types: new[] { HealthRuleService.ChangedEvent }));
        Assert.Equal(2, audit.Count);
        Assert.Contains("ReallocatedSectors for model 'ST4000VN008-2DR166': WarnAt 20, FailAt 100 (was the default: WarnAt 1, FailAt never); reason: known batch", audit[0].Detail);
        Assert.Equal(("alice", "ZGY0TEST"), (audit[1].Operator, audit[1].Serial));

        var removed = _rules.Remove(SmartCounter.ReallocatedSectors, HealthRuleScope.Serial, "ZGY0TEST", "drive replaced", Admin);
        Assert.Equal("ZGY0TEST", removed.Match);
        Assert.Equal(HealthRuleScope.Model, _rules.EffectiveFor(Settings, "ST4000VN008-2DR166", "ZGY0TEST").Single(r => r.Counter == SmartCounter.ReallocatedSectors).Scope);
        Assert.Contains("reason: drive replaced", Assert.Single(new AuditLog(_store).Query(new AuditQuery(Types: new[] { HealthRuleService.RemovedEvent }))).Detail);
        Assert.Equal("HealthRuleNotFound", Assert.Throws<BurninException>(() => _rules.Remove(SmartCounter.ReallocatedSectors, HealthRuleScope.Serial, "ZGY0TEST", "again", Admin)).ErrorId);
    }

    [Theory]
    [InlineData(SmartCounter.PendingSectors, 10L, 5L, "HealthRuleInvalid")]   // warns after it fails
    [InlineData(SmartCounter.PendingSectors, 0L, 5L, "HealthRuleInvalid")]    // 0 fires on every healthy drive
    [InlineData(SmartCounter.Temperature, 50L, null, "HealthRuleNotSettable")]
    public void Bad_limits_are_refused_and_nothing_is_written(SmartCounter counter, long? warn, long? fail, string errorId)
    {
        var e = Assert.Throws<BurninException>(() => _rules.Set(Change(counter, HealthRuleScope.Model, "M", warn, fail), Admin));
        Assert.Equal(errorId, e.ErrorId);
        Assert.Equal(errorId, Assert.Throws<BurninException>(() => _rules.Preview(Change(counter, HealthRuleScope.Model, "M", warn, fail))).ErrorId);
        Assert.Empty(_rules.Overrides());
        Assert.Empty(new AuditLog(_store).Query(new AuditQuery(Types: new[] { HealthRuleService.ChangedEvent })));
    }

    [Fact]
    public void A_reason_is_required_and_a_limit_must_be_given()
    {
        Assert.Equal("HealthRuleReasonRequired", Assert.Throws<BurninException>(() => _rules.Set(Change(SmartCounter.CrcErrors, HealthRuleScope.Model, "M", 5, null, reason: "  "), Admin)).ErrorId);
        Assert.Equal("HealthRuleInvalid", Assert.Throws<BurninException>(() => _rules.Set(Change(SmartCounter.CrcErrors, HealthRuleScope.Model, "M", warnGiven: false, failGiven: false), Admin)).ErrorId);
    }

    [Fact]
    public void The_inventory_judges_each_drive_with_the_rules_for_its_model_and_serial_and_names_the_override()
    {
        _rules.Set(Change(SmartCounter.PendingSectors, HealthRuleScope.Serial, "WD-WCC7K0PENDING", warn: 1, fail: 50, reason: "pending sectors known, under watch"), Admin);
        var options = new InventoryOptions { HealthOverrides = _rules.Overrides() };
        var report = SmartctlParser.Parse(InventoryFixtures.Read("smart-sata-pending-passed.json"));
        var loose = HealthEvaluator.Evaluate(report, options.ThresholdsFor(report.Model, report.Serial));
        var strict = HealthEvaluator.Evaluate(report, options.ThresholdsFor(report.Model, "ANOTHER"));
        Assert.Contains(strict.Reasons, r => r.StartsWith("8 pending sectors", StringComparison.Ordinal) && !r.Contains("override", StringComparison.Ordinal));
        var pending = Assert.Single(loose.Reasons, r => r.StartsWith("8 pending sectors", StringComparison.Ordinal));
        Assert.Contains("the override for serial 'WD-WCC7K0PENDING': pending sectors known, under watch", pending);
    }
}
