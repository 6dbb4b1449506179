namespace NasBurnin.Engine.Store;

/// <summary>
/// Schema step: a run has at most one SMART snapshot of each kind (pre, post). Finalizing a run
/// re-checks its state inside the write transaction; this index is the backstop, so two processes
/// finishing the same run can never both store its snapshots. Duplicates left by older versions
/// (the oldest row of each pair is kept) are removed first, or the index could not be created.
/// </summary>
internal static class SchemaSnapshotsOncePerRun
{
    public const string Sql = """
        DELETE FROM smart_snapshots
        WHERE run_id IS NOT NULL
          AND id NOT IN (SELECT min(id) FROM smart_snapshots WHERE run_id IS NOT NULL GROUP BY run_id, kind);
        CREATE UNIQUE INDEX smart_snapshots_run_kind ON smart_snapshots(run_id, kind) WHERE run_id IS NOT NULL;
        """;
}
