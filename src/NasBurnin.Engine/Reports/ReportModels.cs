namespace NasBurnin.Engine.Reports;

// What the templates see. Every value is ready to print (formatted text, or numbers for the SVG chart), so the
// templates hold no logic beyond if/each; every string goes through the template engine's escaping.

/// <summary>One burn-in certificate: a run, its drive, its evidence and its verdict.</summary>
public sealed class Certificate
{
    public required long RunId { get; init; }
    public required string Serial { get; init; }
    public string? Model { get; init; }
    public string? Wwn { get; init; }
    public string? Firmware { get; init; }
    public string? Capacity { get; init; }
    public string? Transport { get; init; }
    public required string Host { get; init; }
    public required string Device { get; init; }
    public required string Operators { get; init; }
    public required string Profile { get; init; }
    public string? Started { get; init; }
    public string? Finished { get; init; }
    public string? Duration { get; init; }
    /// <summary>Pass, Fail, Interrupted, Aborted or Running.</summary>
    public required string Verdict { get; init; }
    public required string VerdictStyle { get; init; }
    public required IReadOnlyList<string> Reasons { get; init; }
    public required IReadOnlyList<CertificateStage> Stages { get; init; }
    public required IReadOnlyList<AttributeRow> Attributes { get; init; }
    public string? AttributesNote { get; init; }
    public TemperatureChart? Chart { get; init; }
    public string? ChartNote { get; init; }
    /// <summary>The run failed (its certificate is attached to the digest).</summary>
    public bool Failed => Verdict == Burnin.RunResults.Fail;
}

public sealed record CertificateStage(int Ordinal, string Name, string State, string StateStyle, string? Started, string? Duration, string? Summary, string BadBlocks);

/// <summary>One SMART attribute or counter at the baseline and at the end; <see cref="Changed"/> rows are highlighted.</summary>
public sealed record AttributeRow(string Id, string Name, string Baseline, string End, string Change, bool Changed, bool Worse, string RowStyle);

/// <summary>An inline SVG line chart: the max and min of each 10-minute window, in viewBox units.</summary>
public sealed record TemperatureChart(
    int Width, int Height, string MaxPoints, string MinPoints, IReadOnlyList<ChartTick> YTicks, IReadOnlyList<ChartTick> XTicks,
    ChartLine? Limit, string Summary, int PlotLeft, int PlotTop, int PlotRight, int PlotBottom)
{
    public int PlotWidth => PlotRight - PlotLeft;
    public int PlotHeight => PlotBottom - PlotTop;
}

public sealed record ChartTick(double X, double Y, string Label, string Anchor = "middle");

public sealed record ChartLine(double Y, string Label);

/// <summary>The fleet status page (and the daily digest's body).</summary>
public sealed class FleetStatus
{
    public required string GeneratedAt { get; init; }
    public required string Since { get; init; }
    public required string StorePath { get; init; }
    public required IReadOnlyList<BannerItem> Banner { get; init; }
    public required IReadOnlyList<FleetRun> InProgress { get; init; }
    public required IReadOnlyList<FleetRun> Finished { get; init; }
    public required IReadOnlyList<AttentionDrive> Attention { get; init; }
    public required IReadOnlyList<HostSummary> Hosts { get; init; }
    public required int DriveCount { get; init; }
    public int InProgressCount => InProgress.Count;
    public int PassedCount => Finished.Count(r => r.Result == Burnin.RunResults.Pass);
    public int FailedCount => Finished.Count(r => r.Result == Burnin.RunResults.Fail);
    /// <summary>Run ids of the finished runs that failed: their certificates go with the digest.</summary>
    public required IReadOnlyList<long> FailedRunIds { get; init; }
}

public sealed record BannerItem(string Kind, string Text);

public sealed record FleetRun(
    long RunId, string Host, string Device, string Serial, string Model, string Profile, string State, string Result, string ResultStyle,
    string? Stage, string Progress, double ProgressPercent, string? Eta, string? QueuePosition, string? Started, string? Finished, string? Duration, string Reasons);

public sealed record AttentionDrive(string Host, string Device, string Serial, string Model, string Role, string Health, string HealthStyle, string Why);

public sealed record HostSummary(string Name, int Drives, int Running, int Queued, string? LastSync, string? LastError);
