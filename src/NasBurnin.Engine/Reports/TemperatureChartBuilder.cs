using System.Globalization;
using System.Text;
using NasBurnin.Engine.Burnin;

namespace NasBurnin.Engine.Reports;

/// <summary>
/// Lays out the certificate's temperature chart: the max and the min of every 10-minute window over the run,
/// and the heat limit. Pure geometry in viewBox units; the template draws it as inline SVG, so the chart is
/// part of the file and needs no script.
/// </summary>
internal static class TemperatureChartBuilder
{
    private const int Width = 720, Height = 240, Left = 44, Right = 12, Top = 12, Bottom = 28;

    public static TemperatureChart? Build(IReadOnlyList<TemperatureWindow> windows, int? limitC)
    {
        if (windows.Count == 0) return null;
        var ordered = windows.OrderBy(w => w.At).ToList();
        var t0 = ordered[0].At;
        var t1 = ordered[^1].At.AddMinutes(10);
        var lo = ordered.Min(w => w.MinC);
        var hi = ordered.Max(w => w.MaxC);
        if (limitC is { } lim && lim - hi <= 10) hi = Math.Max(hi, lim);
        var yMin = (int)Math.Floor((lo - 2) / 5.0) * 5;
        var yMax = (int)Math.Ceiling((hi + 2) / 5.0) * 5;
        if (yMax - yMin < 10) yMax = yMin + 10;
        double span = Math.Max(1, (t1 - t0).TotalSeconds);
        double plotW = Width - Left - Right, plotH = Height - Top - Bottom;
        double X(DateTimeOffset t) => Left + (t - t0).TotalSeconds / span * plotW;
        double Y(double c) => Top + (yMax - c) / (yMax - yMin) * plotH;

        // Each window is drawn across its 10 minutes (a step), so one window still shows as a line.
        string Points(Func<TemperatureWindow, int> value)
        {
            var sb = new StringBuilder();
            foreach (var w in ordered)
            {
                var y = Y(value(w));
                sb.Append(F(X(w.At))).Append(',').Append(F(y)).Append(' ');
                sb.Append(F(X(w.At.AddMinutes(10)))).Append(',').Append(F(y)).Append(' ');
            }
            return sb.ToString().TrimEnd();
        }

        var step = (yMax - yMin) <= 20 ? 5 : 10;
        var yTicks = new List<ChartTick>();
        for (var c = yMin; c <= yMax; c += step)
            yTicks.Add(new ChartTick(Left, Y(c), c.ToString(CultureInfo.InvariantCulture) + " °C"));
        var xTicks = new List<ChartTick>();
        for (var i = 0; i <= 4; i++)
        {
            var t = t0.AddSeconds(span * i / 4);
            xTicks.Add(new ChartTick(X(t), Height - 8, ReportFormat.ShortTime(t), i == 0 ? "start" : i == 4 ? "end" : "middle"));
        }
        ChartLine? limitLine = limitC is { } l && l >= yMin && l <= yMax ? new ChartLine(Y(l), $"limit {l} °C") : null;
        var summary = string.Create(CultureInfo.InvariantCulture,
            $"Temperature from {ReportFormat.Time(t0)} to {ReportFormat.Time(t1)}: lowest {lo} °C, highest {ordered.Max(w => w.MaxC)} °C ({ordered.Count} ten-minute windows).");
        return new TemperatureChart(Width, Height, Points(w => w.MaxC), Points(w => w.MinC), yTicks, xTicks, limitLine, summary,
            Left, Top, Width - Right, Height - Bottom);
    }

    private static string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);
}
