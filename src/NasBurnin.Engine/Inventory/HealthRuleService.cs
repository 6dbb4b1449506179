using Microsoft.Data.Sqlite;
using NasBurnin.Engine.Common;
using NasBurnin.Engine.Remote;
using NasBurnin.Engine.Store;

namespace NasBurnin.Engine.Inventory;

/// <summary>
/// One override to set. A limit that is not <c>Given</c> keeps what the rule has now (the existing override's,
/// else the default's); a given null means never.
/// </summary>
public sealed record HealthRuleChange(
    SmartCounter Counter, HealthRuleScope Scope, string Match, bool WarnGiven, long? WarnAt, bool FailGiven, long? FailAt, string Reason);

/// <summary>
/// The health rules (DESIGN §5): the defaults are <see cref="HealthThresholds"/>; overrides per model or per
/// serial live in the <c>health_rules</c> table, each with a reason, and every change is audited in the same
/// transaction (<see cref="ChangedEvent"/>, <see cref="RemovedEvent"/>). What a run judges (growth over its
/// baseline) is fixed and listed alongside (<see cref="HealthRules.RunGrowth"/>).
/// </summary>
public sealed class HealthRuleService
{
    /// <summary>Audit event types: stable, notifications key on them.</summary>
    public const string ChangedEvent = "health_rule_changed";
    public const string RemovedEvent = "health_rule_removed";

    private const int MaxText = 500;
    private readonly BurninStore _store;

    public HealthRuleService(BurninStore store) => _store = store;

    /// <summary>Every override, by counter, scope and match.</summary>
    public IReadOnlyList<HealthRuleOverride> Overrides() => _store.Read(c => ReadOverrides(c, null));

    /// <summary>The defaults (with the temperature limit from the settings), then every override.</summary>
    public IReadOnlyList<HealthRule> List(BurninSettings settings)
    {
        var defaults = Defaults(settings);
        return defaults.Concat(Overrides().Select(o => Row(o))).ToList();
    }

    /// <summary>The rule in force for each counter of one drive (its serial's override, else its model's, else the default).</summary>
    public IReadOnlyList<HealthRule> EffectiveFor(BurninSettings settings, string? model, string? serial)
    {
        var overrides = Overrides();
        return Defaults(settings).Select(d =>
            HealthRules.OverrideFor(overrides, d.Counter, model, serial) is { } o ? Row(o) : d).ToList();
    }

    /// <summary>
    /// The rule a change would make, checked but not written (for -WhatIf, and the confirmation text); throws
    /// HealthRuleInvalid, HealthRuleReasonRequired or HealthRuleNotSettable like <see cref="Set"/> would.
    /// </summary>
    public HealthRule Preview(HealthRuleChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return _store.Read(c => Row(Resolve(c, null, change, "", _store.Clock.UtcNow).Rule));
    }

    /// <summary>Sets (adds or replaces) one override and audits it; returns the rule as it now is.</summary>
    public HealthRule Set(HealthRuleChange change, Actor actor)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(actor);
        return _store.Write((c, tx) =>
        {
            var now = _store.Clock.UtcNow;
            var (rule, current) = Resolve(c, tx, change, actor.Operator, now);
            var (match, warn, fail, reason) = (rule.Match, rule.WarnAt, rule.FailAt, rule.Reason);
            var fallback = HealthThresholds.DefaultCounters.First(d => d.Counter == change.Counter);
            c.Execute(tx, """
                INSERT INTO health_rules(counter, scope, match, warn_at, fail_at, reason, set_by, set_at)
                VALUES ($c, $s, $m, $w, $f, $r, $by, $at)
                ON CONFLICT(counter, scope, match) DO UPDATE SET warn_at = excluded.warn_at, fail_at = excluded.fail_at,
                    reason = excluded.reason, set_by = excluded.set_by, set_at = excluded.set_at
                """, ("$c", change.Counter.ToString()), ("$s", change.Scope.ToString()), ("$m", match), ("$w", warn), ("$f", fail),
                ("$r", reason), ("$by", actor.Operator), ("$at", StoreTime.Format(now)));
            var was = current is null ? $"default: {Limits(fallback.WarnAt, fallback.FailAt)}" : $"override: {Limits(current.WarnAt, current.FailAt)}";
            AuditLog.Record(c, tx, _store.Clock, ChangedEvent, actor,
                $"{change.Counter} for {Target(change.Scope, match)}: {Limits(warn, fail)} (was the {was}); reason: {reason}",
                serial: change.Scope == HealthRuleScope.Serial ? match : null);
            return Row(rule);
        });
    }

    /// <summary>The override a change makes (limits not given keep the current override's, else the default's), checked.</summary>
    private static (HealthRuleOverride Rule, HealthRuleOverride? Current) Resolve(SqliteConnection c, SqliteTransaction? tx, HealthRuleChange change, string by, DateTimeOffset now)
    {
        var match = CheckTarget(change.Counter, change.Scope, change.Match);
        var reason = CheckReason(change.Reason);
        if (!change.WarnGiven && !change.FailGiven)
            throw Invalid("Give -WarnAt, -FailAt or both: the limits to use instead of the default ($null for never).", change.Counter);
        var current = ReadOverrides(c, tx).FirstOrDefault(o => o.Counter == change.Counter && o.Scope == change.Scope && HealthRuleOverride.Same(o.Match, match));
        var fallback = HealthThresholds.DefaultCounters.First(d => d.Counter == change.Counter);
        var warn = change.WarnGiven ? change.WarnAt : current is null ? fallback.WarnAt : current.WarnAt;
        var fail = change.FailGiven ? change.FailAt : current is null ? fallback.FailAt : current.FailAt;
        CheckLimits(change.Counter, warn, fail);
        return (new HealthRuleOverride(change.Counter, change.Scope, current?.Match ?? match, warn, fail, reason, by, now), current);
    }

    /// <summary>Removes one override (the default applies again) and audits it; returns the removed rule.</summary>
    public HealthRule Remove(SmartCounter counter, HealthRuleScope scope, string match, string reason, Actor actor)
    {
        match = CheckTarget(counter, scope, match);
        reason = CheckReason(reason);
        return _store.Write((c, tx) =>
        {
            var current = ReadOverrides(c, tx).FirstOrDefault(o => o.Counter == counter && o.Scope == scope && HealthRuleOverride.Same(o.Match, match))
                ?? throw new BurninException("HealthRuleNotFound", ErrorKind.NotFound,
                    $"There is no {counter} override for {Target(scope, match)}. Get-BurninHealthRule lists the overrides.") { Target = match };
            c.Execute(tx, "DELETE FROM health_rules WHERE counter = $c AND scope = $s AND match = $m",
                ("$c", counter.ToString()), ("$s", scope.ToString()), ("$m", current.Match));
            var fallback = HealthThresholds.DefaultCounters.First(d => d.Counter == counter);
            AuditLog.Record(c, tx, _store.Clock, RemovedEvent, actor,
                $"{counter} for {Target(scope, current.Match)}: override {Limits(current.WarnAt, current.FailAt)} removed, the default {Limits(fallback.WarnAt, fallback.FailAt)} applies; reason: {reason}",
                serial: scope == HealthRuleScope.Serial ? current.Match : null);
            return Row(current);
        });
    }

    // ------------------------------------------------------------------ rows

    private static IEnumerable<HealthRule> Defaults(BurninSettings settings)
    {
        foreach (var d in HealthThresholds.DefaultCounters)
            yield return new HealthRule(d.Counter, HealthRules.AttributeOf(d.Counter), d.WarnAt, d.FailAt, DuringRun(d.Counter),
                HealthRuleScope.Default, null, null, null, null);
        yield return new HealthRule(SmartCounter.Temperature, HealthRules.AttributeOf(SmartCounter.Temperature), settings.TemperatureLimitC, null,
            $"surface stage pauses at {settings.TemperatureLimitC} °C, fails at {settings.TemperatureLimitC + 5} °C",
            HealthRuleScope.Default, null, "the TemperatureLimitC setting (Set-BurninConfig)", null, null);
    }

    private static HealthRule Row(HealthRuleOverride o) =>
        new(o.Counter, HealthRules.AttributeOf(o.Counter), o.WarnAt, o.FailAt, DuringRun(o.Counter), o.Scope, o.Match, o.Reason, o.SetBy, o.SetAt);

    private static string DuringRun(SmartCounter counter) => HealthRules.RunGrowthFor(counter)?.Describe ?? "";

    private static List<HealthRuleOverride> ReadOverrides(SqliteConnection c, SqliteTransaction? tx)
    {
        using var cmd = c.Command(tx, "SELECT counter, scope, match, warn_at, fail_at, reason, set_by, set_at FROM health_rules ORDER BY counter, scope, match");
        using var r = cmd.ExecuteReader();
        var list = new List<HealthRuleOverride>();
        while (r.Read())
        {
            // A row a newer version wrote with a counter this one does not know is left alone.
            if (!Enum.TryParse<SmartCounter>(r.GetString(0), out var counter) || !Enum.TryParse<HealthRuleScope>(r.GetString(1), out var scope)) continue;
            list.Add(new HealthRuleOverride(counter, scope, r.GetString(2), r.NullableInt64("warn_at"), r.NullableInt64("fail_at"),
                r.GetString(5), r.GetString(6), StoreTime.Parse(r.GetString(7))));
        }
        return list;
    }

    // ------------------------------------------------------------------ checks and words

    private static string CheckTarget(SmartCounter counter, HealthRuleScope scope, string? match)
    {
        if (counter == SmartCounter.Temperature)
            throw new BurninException("HealthRuleNotSettable", ErrorKind.InvalidArgument,
                "The temperature limit is the TemperatureLimitC setting, for every drive: change it with Set-BurninConfig -TemperatureLimitC.") { Target = counter.ToString() };
        if (scope == HealthRuleScope.Default)
            throw Invalid("The default rules are built in and cannot be changed or removed; override them for a model (-Model) or a serial (-Serial).", counter);
        var m = match?.Trim() ?? "";
        if (m.Length == 0 || m.Length > 200 || m.Any(char.IsControl))
            throw Invalid($"The {scope.ToString().ToLowerInvariant()} '{RemoteNames.Printable(match ?? "")}' is not accepted: give the drive's {scope.ToString().ToLowerInvariant()} as Get-BurninDrive shows it (1 to 200 printable characters).", counter);
        return m;
    }

    private static string CheckReason(string? reason)
    {
        var r = reason?.Trim() ?? "";
        if (r.Length == 0 || r.Length > MaxText || r.Any(char.IsControl))
            throw new BurninException("HealthRuleReasonRequired", ErrorKind.InvalidArgument,
                $"Every change of a health rule needs a -Reason (1 to {MaxText} printable characters) saying why, for the audit trail.") { Target = reason ?? "" };
        return r;
    }

    private static void CheckLimits(SmartCounter counter, long? warn, long? fail)
    {
        if (warn is < 1 || fail is < 1)
            throw Invalid($"{counter} limits must be 1 or more (a counter at 0 is a healthy drive); give $null for never. Got {Limits(warn, fail)}.", counter);
        if (warn is { } w && fail is { } f && w > f)
            throw Invalid($"{counter}: WarnAt {w} is above FailAt {f}; a drive must warn before it fails.", counter);
    }

    private static BurninException Invalid(string message, SmartCounter counter) =>
        new("HealthRuleInvalid", ErrorKind.InvalidArgument, message) { Target = counter.ToString() };

    private static string Limits(long? warn, long? fail) => $"WarnAt {warn?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "never"}, FailAt {fail?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "never"}";

    private static string Target(HealthRuleScope scope, string match) => $"{scope.ToString().ToLowerInvariant()} '{match}'";
}
