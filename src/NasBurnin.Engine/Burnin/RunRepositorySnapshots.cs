using Microsoft.Data.Sqlite;
using NasBurnin.Engine.Common;
using NasBurnin.Engine.Store;

namespace NasBurnin.Engine.Burnin;

/// <summary>
/// The writes to <c>smart_snapshots</c> (a run's SMART before and after), inside a caller's transaction: a
/// refresh stores them when the run ends (<see cref="RunSynchronizer"/>), a resume drops them (<see cref="RunResumer"/>).
/// </summary>
public sealed partial class RunRepository
{
    /// <summary>Stores one snapshot of the run's drive ("pre" or "post"): the raw smartctl JSON and the values read from it.</summary>
    internal static void SaveSnapshot(SqliteConnection c, SqliteTransaction tx, RunRecord run, string kind, string json, SmartEvidence? e, DateTimeOffset takenAt) =>
        c.Execute(tx, """
            INSERT INTO smart_snapshots(drive_id, run_id, kind, taken_at, health, temperature_c, reallocated, pending, offline_uncorrectable,
                crc_errors, nvme_critical_warning, nvme_media_errors, raw_json)
            VALUES ($d, $r, $k, $t, $h, $temp, $re, $pe, $ou, $crc, $cw, $me, $raw)
            """,
            ("$d", run.DriveId),
            ("$r", run.Id),
            ("$k", kind),
            ("$t", StoreTime.Format(takenAt)),
            ("$h", e?.HealthPassed is { } h ? (h ? nameof(Inventory.SmartHealth.Passed) : nameof(Inventory.SmartHealth.Failed)) : null),
            ("$temp", e?.TemperatureC),
            ("$re", e?.Reallocated),
            ("$pe", e?.Pending),
            ("$ou", e?.OfflineUncorrectable),
            ("$crc", e?.CrcErrors),
            ("$cw", e?.NvmeCriticalWarning),
            ("$me", e?.NvmeMediaErrors),
            ("$raw", json));

    /// <summary>Drops the run's snapshots: a resumed run stores them again when it ends (the host keeps smart-pre.json).</summary>
    internal static void DeleteSnapshots(SqliteConnection c, SqliteTransaction tx, long runId) =>
        c.Execute(tx, "DELETE FROM smart_snapshots WHERE run_id = $id", ("$id", runId));
}
