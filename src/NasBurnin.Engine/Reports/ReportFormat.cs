using System.Globalization;

namespace NasBurnin.Engine.Reports;

/// <summary>How reports print times, durations and sizes: UTC, invariant culture, the same in every locale.</summary>
internal static class ReportFormat
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string? Time(DateTimeOffset? t) => t?.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", Inv);

    public static string ShortTime(DateTimeOffset t) => t.UtcDateTime.ToString("MM-dd HH:mm", Inv);

    public static string? Duration(TimeSpan? d)
    {
        if (d is not { } t) return null;
        if (t < TimeSpan.Zero) t = TimeSpan.Zero;
        if (t.TotalDays >= 1) return string.Create(Inv, $"{(int)t.TotalDays} d {t.Hours} h {t.Minutes} min");
        if (t.TotalHours >= 1) return string.Create(Inv, $"{(int)t.TotalHours} h {t.Minutes} min");
        if (t.TotalMinutes >= 1) return string.Create(Inv, $"{(int)t.TotalMinutes} min {t.Seconds} s");
        return string.Create(Inv, $"{(int)t.TotalSeconds} s");
    }

    /// <summary>Decimal units, as drive labels use them: "4.00 TB", "536.87 MB".</summary>
    public static string? Bytes(long? bytes)
    {
        if (bytes is not { } b) return null;
        string[] units = { "B", "kB", "MB", "GB", "TB", "PB" };
        double v = b;
        var i = 0;
        while (v >= 1000 && i < units.Length - 1) { v /= 1000; i++; }
        return i == 0 ? string.Create(Inv, $"{b} B") : string.Create(Inv, $"{v:0.00} {units[i]}");
    }

    public static string Number(long? v) => v is { } n ? n.ToString(Inv) : "—";

    public static string Percent(double v) => v.ToString("0.0", Inv) + " %";
}

/// <summary>
/// Inline styles: mail clients drop style sheets (Outlook ignores most of them), so every element carries its
/// own style attribute, in the page and in the digest alike.
/// </summary>
internal static class ReportStyles
{
    public static readonly IReadOnlyDictionary<string, string> All = new Dictionary<string, string>
    {
        ["body"] = "margin:0;padding:24px;background:#f4f5f7;color:#1f2328;font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;font-size:14px;line-height:1.45",
        ["card"] = "background:#ffffff;border:1px solid #d0d7de;border-radius:6px;padding:16px 20px;margin:0 0 20px 0",
        ["h1"] = "font-size:22px;margin:0 0 4px 0",
        ["h2"] = "font-size:17px;margin:18px 0 8px 0",
        ["muted"] = "color:#57606a;font-size:12px",
        ["table"] = "border-collapse:collapse;width:100%;margin:4px 0 8px 0",
        ["th"] = "text-align:left;border-bottom:2px solid #d0d7de;padding:4px 8px;font-size:12px;color:#57606a;white-space:nowrap",
        ["td"] = "border-bottom:1px solid #eaeef2;padding:4px 8px;vertical-align:top",
        ["tdnum"] = "border-bottom:1px solid #eaeef2;padding:4px 8px;vertical-align:top;text-align:right;font-variant-numeric:tabular-nums",
        ["mono"] = "font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px",
        ["key"] = "color:#57606a;padding:2px 12px 2px 0;white-space:nowrap;vertical-align:top",
        ["banner"] = "background:#fff8c5;border:1px solid #d4a72c;border-radius:6px;padding:10px 16px;margin:0 0 20px 0",
        ["bar"] = "background:#eaeef2;border-radius:3px;height:8px;width:120px",
        ["barfill"] = "background:#0969da;border-radius:3px;height:8px",
    };

    public const string Pass = "background:#dafbe1;color:#116329;font-weight:bold;padding:2px 8px;border-radius:4px";
    public const string Fail = "background:#ffebe9;color:#a40e26;font-weight:bold;padding:2px 8px;border-radius:4px";
    public const string Warn = "background:#fff8c5;color:#7d4e00;font-weight:bold;padding:2px 8px;border-radius:4px";
    public const string Neutral = "background:#eaeef2;color:#24292f;font-weight:bold;padding:2px 8px;border-radius:4px";
    public const string RowWorse = "background:#ffebe9";
    public const string RowChanged = "background:#fff8c5";

    public static string ForResult(string result) => result switch
    {
        "Pass" or "Passed" => Pass,
        "Fail" or "Failed" => Fail,
        "Interrupted" or "Aborted" or "Stalled" or "Warning" => Warn,
        _ => Neutral,
    };
}
