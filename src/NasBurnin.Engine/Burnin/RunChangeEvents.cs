using Microsoft.Data.Sqlite;
using NasBurnin.Engine.Store;

namespace NasBurnin.Engine.Burnin;

/// <summary>
/// The notification events of a run, recorded by <see cref="RunSynchronizer"/> in the transaction that
/// changes the run, so each happens once however many processes refresh it: the run ended (passed, failed,
/// aborted for heat, interrupted) and the run stalled. A run stopped by its operator sends nothing.
/// </summary>
internal static class RunChangeEvents
{
    public static void Ended(SqliteConnection c, SqliteTransaction tx, RunRecord run, string result, IReadOnlyList<string> reasons, bool heatAbort, DateTimeOffset at)
    {
        var (type, verb) = result switch
        {
            RunResults.Pass => (ChangeEventTypes.RunPassed, "passed"),
            RunResults.Fail when heatAbort => (ChangeEventTypes.HeatAbort, "was aborted for heat"),
            RunResults.Fail => (ChangeEventTypes.RunFailed, "failed"),
            RunResults.Interrupted => (ChangeEventTypes.RunInterrupted, "was interrupted"),
            _ => (null, null),
        };
        if (type is null) return;
        ChangeEvents.Record(c, tx, new ChangeEvent($"run:{run.Id}:ended", type, at,
            $"Burn-in {verb}: {Describe(c, tx, run)}", string.Join("\n", reasons), run.HostName, run.Serial, run.Id, run.DriveId));
    }

    public static void Stalled(SqliteConnection c, SqliteTransaction tx, RunRecord run, double stallHours, DateTimeOffset at) =>
        ChangeEvents.Record(c, tx, new ChangeEvent($"run:{run.Id}:stalled", ChangeEventTypes.RunStalled, at,
            $"Burn-in stalled: {Describe(c, tx, run)}",
            $"No progress for more than {stallHours:0.#} hours (StallHours). Check the drive and the host; Stop-BurninRun ends the run.",
            run.HostName, run.Serial, run.Id, run.DriveId));

    /// <summary>"model serial X on host (/dev/sdb), run N".</summary>
    private static string Describe(SqliteConnection c, SqliteTransaction tx, RunRecord run)
    {
        var model = c.Scalar(tx, "SELECT model FROM drives WHERE id = $d", ("$d", run.DriveId)) as string;
        return $"{(model is null ? "" : model + " ")}serial {run.Serial ?? "(none)"} on {run.HostName} ({run.Device}), run {run.Id}";
    }
}
