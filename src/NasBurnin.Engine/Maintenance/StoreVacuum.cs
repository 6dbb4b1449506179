using System.Globalization;
using Microsoft.Data.Sqlite;
using NasBurnin.Engine.Store;

namespace NasBurnin.Engine.Maintenance;

/// <summary>What a reclaim did: pages returned, in how many write transactions, and the longest of them.</summary>
internal sealed record ReclaimOutcome(long Pages, int Transactions, TimeSpan LongestTransaction);

/// <summary>
/// Returns a store's free pages to the file system. The usual way is <c>PRAGMA incremental_vacuum(N)</c>
/// in short IMMEDIATE transactions with a pause after each, so a concurrent writer (a sync, a runner
/// update) waits for one short step at most instead of a whole VACUUM. A full VACUUM stays available,
/// and is what converts an older store to incremental auto-vacuum once.
/// </summary>
internal sealed class StoreVacuum
{
    /// <summary>Bounds of N (pages per step; N follows the measured pace, <see cref="WriteLockPacer"/>). The upper bound keeps a step short even on a fast, idle disk.</summary>
    internal const int MinPages = 32;
    internal const int MaxPages = 1024;

    private readonly BurninStore _store;

    public StoreVacuum(BurninStore store) => _store = store;

    /// <summary>True when the store reclaims incrementally (<c>PRAGMA auto_vacuum</c> = 2).</summary>
    public bool IsIncremental() => Pragma("auto_vacuum") == SchemaIncrementalVacuum.Incremental;

    /// <summary>Pages on the free list (what a vacuum can return).</summary>
    public long FreePages() => Pragma("freelist_count");

    public long PageSize() => Pragma("page_size");

    private long Pragma(string name) => _store.Read(c =>
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = "PRAGMA " + name;
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    });

    /// <summary>
    /// Returns the free pages found at the start in steps of N pages, each its own write transaction,
    /// pausing between steps; then folds the WAL back into the file (<see cref="Checkpoint"/>). Pages
    /// other writers free meanwhile are left for the next run, so the loop always ends.
    /// </summary>
    /// <param name="progress">(pages returned so far, pages to return), after each step, on this thread.</param>
    public ReclaimOutcome Incremental(Action<long, long> progress, CancellationToken ct)
    {
        var total = FreePages();
        long done = 0;
        var pacer = new WriteLockPacer();
        var pages = MinPages * 4;
        while (done < total)
        {
            ct.ThrowIfCancellationRequested();
            var n = (int)Math.Min(pages, total - done);
            // A moved page rewrites itself, its parent or predecessor, and a pointer-map page.
            var left = pacer.Write(_store, 2L * n, (c, tx) =>
            {
                using var cmd = c.CreateCommand();
                cmd.Transaction = tx;
                cmd.CommandTimeout = 0;
                cmd.CommandText = $"PRAGMA incremental_vacuum({n.ToString(CultureInfo.InvariantCulture)})";
                cmd.ExecuteNonQuery();
                cmd.CommandText = "PRAGMA freelist_count";
                return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
            });
            var held = pacer.LastHeld;
            done += n;
            progress(Math.Min(done, total), total);
            if (left == 0) break;
            pages = (int)Math.Clamp(pages * WriteLockPacer.Scale(held), MinPages, MaxPages);
            WriteLockPacer.Pause(held, ct);
        }
        Checkpoint();
        return new ReclaimOutcome(Math.Min(done, total), pacer.Transactions, pacer.Longest);
    }

    /// <summary>
    /// A full VACUUM (writers wait for the whole rewrite); with <paramref name="convert"/> it also turns
    /// the store into an incremental one (auto_vacuum only changes through a VACUUM). Then the WAL is
    /// folded back into the file.
    /// </summary>
    public void Full(bool convert, CancellationToken ct = default)
    {
        _store.Read(c =>
        {
            _store.RequireUndamaged(); // VACUUM rewrites the whole file: a write like any other
            using var cmd = c.CreateCommand();
            cmd.CommandTimeout = 0;
            // The pragma only takes effect through the VACUUM that follows on this connection.
            cmd.CommandText = (convert ? SchemaIncrementalVacuum.Sql + " " : "") + "VACUUM";
            return SqliteInterrupt.Run(c, ct, cmd.ExecuteNonQuery);
        });
        Checkpoint();
    }

    /// <summary>
    /// Folds the WAL back into the file and truncates it, so the disk space is really returned. The
    /// PASSIVE checkpoint does the bulk of the copy while writers carry on; the TRUNCATE one, which
    /// holds writers off while it runs, is then left with only what they committed meanwhile.
    /// </summary>
    public void Checkpoint() => _store.Read(c =>
    {
        using var cmd = c.CreateCommand();
        cmd.CommandTimeout = 0;
        foreach (var sql in new[] { "PRAGMA wal_checkpoint(PASSIVE)", "PRAGMA wal_checkpoint(TRUNCATE)" })
        {
            cmd.CommandText = sql;
            cmd.ExecuteNonQuery();
        }
        return 0;
    });
}
