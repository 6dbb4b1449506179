using System.Globalization;
using NasBurnin.Engine.Inventory;

namespace NasBurnin.Engine.Reports;

/// <summary>
/// The certificate's SMART table: the run's baseline snapshot beside its final one. ATA drives list every
/// attribute (normalized value and decoded raw counter); NVMe and SAS drives their named counters. A row whose
/// value moved is highlighted; growth in a counter the verdict judges (reallocated, pending, uncorrectable,
/// CRC, media errors, grown defects) is marked worse.
/// </summary>
internal static class SmartComparison
{
    /// <summary>ATA attributes whose growth the verdict judges (5, 187, 188, 197, 198, 199).</summary>
    private static readonly HashSet<int> JudgedAttributes = new() { 5, 187, 188, 197, 198, 199 };

    public static (IReadOnlyList<AttributeRow> Rows, string? Note) Rows(string? preJson, string? postJson)
    {
        var pre = preJson is null ? null : SmartctlParser.Parse(preJson);
        var post = postJson is null ? null : SmartctlParser.Parse(postJson);
        if (pre?.HasDeviceData != true && post?.HasDeviceData != true)
            return (Array.Empty<AttributeRow>(), "No SMART snapshot was stored for this run.");
        var rows = new List<AttributeRow>
        {
            Row("—", "Overall health", Health(pre), Health(post), judged: true, higherIsWorse: false,
                worse: pre?.SmartPassed != false && post?.SmartPassed == false),
        };
        var note = pre is null ? "No baseline snapshot: only the final values are shown."
            : post is null ? "No final snapshot (the run did not reach its post-check): only the baseline is shown." : null;
        if ((pre?.Attributes.Count ?? 0) + (post?.Attributes.Count ?? 0) > 0)
        {
            var before = (pre?.Attributes ?? Array.Empty<SmartAttribute>()).ToDictionary(a => a.Id);
            var after = (post?.Attributes ?? Array.Empty<SmartAttribute>()).ToDictionary(a => a.Id);
            foreach (var id in before.Keys.Union(after.Keys).Order())
            {
                before.TryGetValue(id, out var a);
                after.TryGetValue(id, out var b);
                var changed = a is not null && b is not null && (a.Value != b.Value || (a.Counter ?? a.Raw) != (b.Counter ?? b.Raw));
                var grew = a is not null && b is not null && (b.Counter ?? b.Raw) > (a.Counter ?? a.Raw);
                rows.Add(Make(id.ToString(CultureInfo.InvariantCulture), (a ?? b)!.Name, Attr(a), Attr(b),
                    Delta(a?.Counter ?? a?.Raw, b?.Counter ?? b?.Raw), changed, JudgedAttributes.Contains(id) && grew));
            }
            return (rows, note);
        }
        // NVMe and SCSI/SAS: the counters smartctl names.
        void Counter(string name, Func<SmartReport, long?> get, bool judged)
        {
            var x = pre is null ? null : get(pre);
            var y = post is null ? null : get(post);
            if (x is null && y is null) return;
            rows.Add(Row("—", name, ReportFormat.Number(x), ReportFormat.Number(y), judged, higherIsWorse: true, worse: judged && x is { } p && y is { } q && q > p, x, y));
        }
        Counter("Temperature (°C)", r => r.TemperatureC, false);
        Counter("Power-on hours", r => r.PowerOnHours, false);
        Counter("Power cycles", r => r.PowerCycles, false);
        Counter("Critical warning", r => r.NvmeCriticalWarning, true);
        Counter("Media and data integrity errors", r => r.NvmeMediaErrors, true);
        Counter("Error log entries", r => r.NvmeErrorLogEntries, false);
        Counter("Percentage used", r => r.PercentUsed, false);
        Counter("Available spare (%)", r => r.AvailableSparePercent, false);
        Counter("Grown defects", r => r.GrownDefects, true);
        Counter("Uncorrected errors", r => r.UncorrectedErrors, true);
        Counter("Reallocated sectors", r => r.ReallocatedSectors, true);
        Counter("Pending sectors", r => r.PendingSectors, true);
        return (rows, note);
    }

    private static AttributeRow Row(string id, string name, string baseline, string end, bool judged, bool higherIsWorse, bool worse, long? x = null, long? y = null)
    {
        var changed = baseline != end && baseline != "—" && end != "—";
        return Make(id, name, baseline, end, higherIsWorse ? Delta(x, y) : "", changed, worse);
    }

    private static AttributeRow Make(string id, string name, string baseline, string end, string change, bool changed, bool worse) =>
        new(id, name, baseline, end, change, changed || worse, worse,
            worse ? ReportStyles.RowWorse : changed ? ReportStyles.RowChanged : "");

    private static string Health(SmartReport? r) => r?.SmartPassed switch { true => "PASSED", false => "FAILED", _ => "—" };

    private static string Attr(SmartAttribute? a) =>
        a is null ? "—" : $"{(a.Value is { } v ? v.ToString(CultureInfo.InvariantCulture) : "—")} / raw {ReportFormat.Number(a.Counter ?? a.Raw)}";

    private static string Delta(long? x, long? y)
    {
        if (x is not { } a || y is not { } b || a == b) return "";
        return (b > a ? "+" : "") + (b - a).ToString(CultureInfo.InvariantCulture);
    }
}
