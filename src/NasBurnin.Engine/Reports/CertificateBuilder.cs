using System.Text.RegularExpressions;
using NasBurnin.Engine.Burnin;
using NasBurnin.Engine.Inventory;
using DriveInfo = NasBurnin.Engine.Inventory.DriveInfo;

namespace NasBurnin.Engine.Reports;

/// <summary>Everything the store holds about one run, read in one go for its certificate.</summary>
internal sealed record RunEvidence(
    RunRecord Run, IReadOnlyList<StageRecord> Stages, DriveInfo? Drive, string? SmartPre, string? SmartPost,
    IReadOnlyList<TemperatureWindow> Temperatures, IReadOnlyList<string> Operators);

/// <summary>Turns a run's evidence into its certificate: identity, stages, verdict with reasons, SMART before and after, temperature.</summary>
internal static partial class CertificateBuilder
{
    public static Certificate Build(RunEvidence e, int temperatureLimitC, DateTimeOffset now)
    {
        var run = e.Run;
        var post = e.SmartPost is null ? null : SmartctlParser.Parse(e.SmartPost);
        var pre = e.SmartPre is null ? null : SmartctlParser.Parse(e.SmartPre);
        var identity = post?.HasDeviceData == true ? post : pre;
        var (rows, note) = SmartComparison.Rows(e.SmartPre, e.SmartPost);
        var chart = TemperatureChartBuilder.Build(e.Temperatures, temperatureLimitC);
        var verdict = RunStates.IsFinal(run.State) ? run.Result.ToString() : run.State.ToString();
        return new Certificate
        {
            RunId = run.Id,
            Serial = run.Serial ?? e.Drive?.Serial ?? identity?.Serial ?? "(no serial)",
            Model = e.Drive?.Model ?? identity?.Model,
            Wwn = e.Drive?.Wwn ?? identity?.Wwn,
            Firmware = e.Drive?.Firmware ?? identity?.Firmware,
            Capacity = ReportFormat.Bytes(e.Drive?.CapacityBytes ?? identity?.CapacityBytes),
            Transport = e.Drive?.Transport.ToString() ?? identity?.Transport?.ToString(),
            Host = run.HostName,
            Device = run.Device,
            Operators = string.Join(", ", e.Operators),
            Profile = run.Profile,
            Started = ReportFormat.Time(run.StartedAt ?? run.CreatedAt),
            Finished = ReportFormat.Time(run.FinishedAt),
            Duration = ReportFormat.Duration((run.FinishedAt ?? now) - (run.StartedAt ?? run.CreatedAt)),
            Verdict = verdict,
            VerdictStyle = ReportStyles.ForResult(verdict),
            Reasons = run.Reasons.Count > 0 ? run.Reasons
                : RunStates.IsFinal(run.State) ? new[] { "No reason was recorded." } : new[] { $"The run is {run.State.ToString().ToLowerInvariant()}; the verdict comes when it ends." },
            Stages = e.Stages.OrderBy(s => s.Ordinal).Select(s => new CertificateStage(
                s.Ordinal, s.Stage.ToString(), s.State.ToString(), ReportStyles.ForResult(s.State.ToString()), ReportFormat.Time(s.StartedAt),
                ReportFormat.Duration(s.StartedAt is { } st ? (s.FinishedAt ?? now) - st : null), s.Summary, BadBlocks(s))).ToList(),
            Attributes = rows,
            AttributesNote = note,
            Chart = chart,
            ChartNote = chart is null ? "No temperature was recorded during this run (the drive reports none, or the run ended before its first reading)." : null,
        };
    }

    /// <summary>The surface stages' bad block count, from the runner's summary ("N bad blocks: ..." or "no bad blocks").</summary>
    private static string BadBlocks(StageRecord s)
    {
        if (s.Stage is not (StageKind.SurfaceValidate or StageKind.NvmeFormat) || s.Summary is null) return "—";
        if (s.Summary.Contains("no bad blocks", StringComparison.Ordinal)) return "0";
        var m = BadBlockCount().Match(s.Summary);
        return m.Success ? m.Groups[1].Value : "—";
    }

    [GeneratedRegex(@"(\d+) bad blocks")]
    private static partial Regex BadBlockCount();
}
