using System.Diagnostics;
using Microsoft.Data.Sqlite;
using NasBurnin.Engine.Store;

namespace NasBurnin.Engine.Maintenance;

/// <summary>
/// Paces maintenance that takes the store's write lock again and again (pruning, incremental vacuum):
/// each transaction aims to hold the lock about <see cref="Target"/>, and after each one it pauses
/// long enough for a writer that queued meanwhile to get the lock first. SQLite's busy handler
/// retries a waiting writer 1, 3, 8, 18, 33, 53 and 78 ms after it began waiting, then every 25 ms; a
/// writer that queued during a transaction of length H has waited less than H, so its next retry
/// comes within the gap at H, and a pause one millisecond longer than that gap lets it in. Its wait
/// is then at most H plus that gap (about 60 ms at the target).
/// </summary>
internal sealed class WriteLockPacer
{
    internal static readonly TimeSpan Target = TimeSpan.FromMilliseconds(25);

    /// <summary>Frames written to the WAL after which a checkpoint folds them back (SQLite's own automatic threshold).</summary>
    internal const long CheckpointFrames = 1000;

    private long _framesSinceCheckpoint;

    private static readonly (double WaitedMs, double GapMs)[] RetryGaps =
        { (1, 1), (3, 2), (8, 5), (18, 10), (33, 15), (53, 20) };

    private readonly Stopwatch _held = new();

    public int Transactions { get; private set; }

    /// <summary>The longest time one transaction held the write lock (BEGIN IMMEDIATE to COMMIT).</summary>
    public TimeSpan Longest { get; private set; }

    /// <summary>What the last <see cref="Write{T}"/> held the lock for.</summary>
    public TimeSpan LastHeld { get; private set; }

    /// <summary>
    /// Runs <paramref name="work"/> in its own IMMEDIATE transaction (refused while the store is marked
    /// damaged, like every write), timing how long the write lock is held. Once about
    /// <see cref="CheckpointFrames"/> frames have gone to the WAL (<paramref name="frames"/>: the
    /// caller's estimate for this step), a PASSIVE checkpoint folds them back after the lock is
    /// released. The connection's automatic checkpoint is off during the commit, where it would run
    /// inside the step and make it look longer than the lock was held; left to the writers' own
    /// connections, it would run inside their commits instead, and they would wait for it.
    /// </summary>
    public T Write<T>(BurninStore store, long frames, Func<SqliteConnection, SqliteTransaction, T> work) => store.Read(c =>
    {
        store.RequireUndamaged();
        T result;
        Exec(c, "PRAGMA wal_autocheckpoint = 0");
        try
        {
            using var tx = c.BeginTransaction(deferred: false);
            _held.Restart();
            result = work(c, tx);
            tx.Commit();
            LastHeld = _held.Elapsed;
        }
        finally
        {
            Exec(c, "PRAGMA wal_autocheckpoint = 1000"); // SQLite's default, for whoever gets this pooled connection next
        }
        Transactions++;
        if (LastHeld > Longest) Longest = LastHeld;
        _framesSinceCheckpoint += frames;
        if (_framesSinceCheckpoint >= CheckpointFrames)
        {
            Exec(c, "PRAGMA wal_checkpoint(PASSIVE)");
            _framesSinceCheckpoint = 0;
        }
        return result;
    });

    private static void Exec(SqliteConnection c, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.CommandTimeout = 0;
        cmd.ExecuteNonQuery();
    }

    /// <summary>The factor to size the next transaction by, to get near the target (at most ×2 or ×½ a step).</summary>
    public static double Scale(TimeSpan held) =>
        Math.Clamp(Target.TotalMilliseconds / Math.Max(held.TotalMilliseconds, 0.1), 0.5, 2.0);

    /// <summary>The pause after holding the lock for <paramref name="held"/> (see the class remarks).</summary>
    public static TimeSpan PauseAfter(TimeSpan held)
    {
        var gap = 25.0;
        foreach (var (waited, g) in RetryGaps)
            if (held.TotalMilliseconds < waited) { gap = g; break; }
        return TimeSpan.FromMilliseconds(gap + 1);
    }

    /// <summary>Pauses after a transaction that held the lock for <paramref name="held"/>; cancellable.</summary>
    public static void Pause(TimeSpan held, CancellationToken ct)
    {
        if (ct.WaitHandle.WaitOne(PauseAfter(held))) ct.ThrowIfCancellationRequested();
    }
}
