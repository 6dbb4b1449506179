using System.Globalization;
using Microsoft.Data.Sqlite;
using NasBurnin.Engine.Common;
using NasBurnin.Engine.Store;

namespace NasBurnin.Engine.Burnin;

/// <summary>One 10-minute window of a stage's temperature readings.</summary>
public sealed record TemperatureWindow(DateTimeOffset At, int MinC, int MaxC);

/// <summary>
/// The temperature samples the runner keeps per stage (runner.sh <c>temperature</c>: "epoch min max" per
/// 10-minute window), stored with the stage when the run is finalized, for the certificate's chart.
/// </summary>
public static class StageTemperatures
{
    /// <summary>Parses the runner's lines; anything malformed (a half-written line) is skipped.</summary>
    public static IReadOnlyList<TemperatureWindow> Parse(string? text)
    {
        var list = new List<TemperatureWindow>();
        if (string.IsNullOrEmpty(text)) return list;
        foreach (var line in text.Split('\n'))
        {
            var p = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (p.Length != 3
                || !long.TryParse(p[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var epoch)
                || !int.TryParse(p[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var min)
                || !int.TryParse(p[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var max)
                || min <= 0 || max < min || max > 200) continue;
            list.Add(new TemperatureWindow(DateTimeOffset.FromUnixTimeSeconds(epoch), min, max));
        }
        return list;
    }

    internal static void Store(SqliteConnection c, SqliteTransaction tx, long runId, int ordinal, IReadOnlyList<TemperatureWindow> windows)
    {
        foreach (var w in windows)
        {
            c.Execute(tx, """
                INSERT INTO stage_temperatures(stage_id, window_at, min_c, max_c)
                SELECT id, $at, $min, $max FROM burnin_stages WHERE run_id = $r AND ordinal = $o
                ON CONFLICT(stage_id, window_at) DO UPDATE SET min_c = min(min_c, excluded.min_c), max_c = max(max_c, excluded.max_c)
                """, ("$at", StoreTime.Format(w.At)), ("$min", w.MinC), ("$max", w.MaxC), ("$r", runId), ("$o", ordinal));
        }
    }
}
