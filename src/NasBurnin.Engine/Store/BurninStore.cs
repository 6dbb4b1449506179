using Microsoft.Data.Sqlite;
using NasBurnin.Engine.Common;

namespace NasBurnin.Engine.Store;

/// <summary>
/// The SQLite store: one file shared by interactive sessions, scheduled syncs and nightly retention.
/// Every connection gets WAL, a long busy timeout and foreign keys, and every write runs in an
/// IMMEDIATE transaction, so concurrent writers queue instead of failing with "database is locked".
/// A damaged store takes no writes: <see cref="Write{T}"/> is the one door for writes, and it refuses
/// with StoreCorrupt while the store is marked damaged (<see cref="StoreDamage"/>). The mark is set
/// the moment SQLite reports SQLITE_CORRUPT on any operation, and by the checks that run
/// <c>PRAGMA quick_check</c>. quick_check reads every page, so it is not run on open (a sync every few
/// minutes on a large store would pay for it each time): opening checks the header, parses the schema
/// and reads the mark, which costs microseconds; Test-BurninHealth, retention and backups run quick_check.
/// </summary>
public sealed class BurninStore
{
    /// <summary>How long a statement waits for another process's write lock before giving up.</summary>
    public const int BusyTimeoutSeconds = 60;

    private readonly string _connectionString;

    private BurninStore(string path, IClock clock)
    {
        Path = path;
        Clock = clock;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWrite,
            Pooling = true,
            DefaultTimeout = BusyTimeoutSeconds,
        }.ToString();
    }

    public string Path { get; }

    public IClock Clock { get; }

    /// <summary>Opens (creating when missing) and migrates the store at <paramref name="path"/>.</summary>
    public static BurninStore Open(string path, IClock? clock = null)
    {
        path = System.IO.Path.GetFullPath(path);
        StoreFile.Validate(path);
        StoreFile.CreateIfMissing(path);
        var store = new BurninStore(path, clock ?? SystemClock.Instance);
        StoreFile.MarkOpenedBySqlite(path);
        store.Guard(() =>
        {
            using var c = store.Connect();
            // Parses the whole schema: a damaged schema page shows here, on every open, for almost nothing.
            using (var schema = c.CreateCommand())
            {
                schema.CommandText = "SELECT count(*) FROM sqlite_schema";
                schema.ExecuteScalar();
            }
            if (StoreDamage.Read(path) is { } damage)
            {
                // Readable as it is; nothing may be written to it, not even a migration.
                if (Migrations.ReadVersion(c) < Migrations.Latest) throw StoreDamage.Refusal(path, damage);
                return;
            }
            using (var wal = c.CreateCommand())
            {
                wal.CommandText = "PRAGMA journal_mode = WAL";
                wal.ExecuteScalar();
            }
            Migrations.Apply(c, path);
        });
        store._opened = true;
        return store;
    }

    private bool _opened;

    /// <summary>What was found wrong with this store, or null while it is not marked damaged.</summary>
    public StoreDamageRecord? Damage => StoreDamage.Read(Path);

    /// <summary>Marks the store damaged: from now on every process refuses to write to it.</summary>
    public StoreDamageRecord RecordDamage(string foundBy, string finding) => StoreDamage.Record(Path, foundBy, finding, Clock.UtcNow);

    /// <summary>The StoreCorrupt refusal for this store, naming the newest good backup.</summary>
    public BurninException DamageRefusal(StoreDamageRecord? damage = null) =>
        StoreDamage.Refusal(Path, damage ?? Damage ?? new StoreDamageRecord(Clock.UtcNow, "a check of the store", "damage was found"));

    /// <summary>Throws StoreCorrupt when the store is marked damaged. Every write passes here first.</summary>
    internal void RequireUndamaged()
    {
        if (Damage is { } damage) throw DamageRefusal(damage);
    }

    /// <summary>
    /// <c>PRAGMA quick_check</c>: "ok", or its first findings. Reads every page (O(size)), so it is for
    /// health checks, retention and backups, not for every open. A failure marks the store damaged.
    /// </summary>
    public string QuickCheck(string foundBy, CancellationToken ct = default)
    {
        var result = Check("PRAGMA quick_check(20)", ct);
        if (result != "ok") RecordDamage(foundBy, "PRAGMA quick_check: " + result);
        return result;
    }

    /// <summary><c>PRAGMA integrity_check</c> (also compares every index with its table): "ok" or its first findings.</summary>
    public string IntegrityCheck(CancellationToken ct = default) => Check("PRAGMA integrity_check(20)", ct);

    /// <summary>Runs a check pragma on its own connection; Ctrl+C interrupts it (it reads every page of the file).</summary>
    private string Check(string pragma, CancellationToken ct)
    {
        try
        {
            using var c = new SqliteConnection(_connectionString);
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = pragma;
            cmd.CommandTimeout = 0;
            return SqliteInterrupt.Run(c, ct, () =>
            {
                var lines = new List<string>();
                using (var r = cmd.ExecuteReader())
                    while (r.Read()) lines.Add(r.GetString(0));
                return string.Join("; ", lines);
            });
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 11 or 26)
        {
            return e.Message;
        }
    }

    /// <summary>A new pooled connection with the store's pragmas applied. Callers dispose it.</summary>
    internal SqliteConnection Connect()
    {
        var c = new SqliteConnection(_connectionString);
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"PRAGMA busy_timeout = {BusyTimeoutSeconds * 1000}; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;";
        cmd.ExecuteNonQuery();
        return c;
    }

    /// <summary>Runs <paramref name="work"/> in an IMMEDIATE transaction and commits it; refused while the store is marked damaged.</summary>
    internal T Write<T>(Func<SqliteConnection, SqliteTransaction, T> work) => Guard(() =>
    {
        RequireUndamaged();
        using var c = Connect();
        using var tx = c.BeginTransaction(deferred: false);
        var result = work(c, tx);
        tx.Commit();
        return result;
    });

    internal void Write(Action<SqliteConnection, SqliteTransaction> work) =>
        Write<object?>((c, tx) => { work(c, tx); return null; });

    internal T Read<T>(Func<SqliteConnection, T> work) => Guard(() =>
    {
        using var c = Connect();
        return work(c);
    });

    /// <summary>Size, schema version, journal mode and row counts, for Get-BurninStore.</summary>
    public StoreInfo GetInfo() => Read(c =>
    {
        var tables = new List<string>();
        using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name";
            using var r = cmd.ExecuteReader();
            while (r.Read()) tables.Add(r.GetString(0));
        }
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var t in tables)
        {
            using var cmd = c.CreateCommand();
            cmd.CommandText = $"SELECT count(*) FROM \"{t.Replace("\"", "\"\"")}\"";
            counts[t] = Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }
        using var jm = c.CreateCommand();
        jm.CommandText = "PRAGMA journal_mode";
        var journal = Convert.ToString(jm.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) ?? "";
        return new StoreInfo(Path, Migrations.ReadVersion(c), FileSize(Path), FileSize(Path + "-wal"), journal, counts);
    });

    private static long FileSize(string p) => File.Exists(p) ? new FileInfo(p).Length : 0;

    private void Guard(Action work) => Guard<object?>(() => { work(); return null; });

    /// <summary>Turns SQLite's errors about the file itself into messages that name the store and say what to do.</summary>
    private T Guard<T>(Func<T> work)
    {
        try
        {
            return work();
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 26 && !_opened) // SQLITE_NOTADB, on first open: some other file
        {
            throw new BurninException("StoreNotSqlite", ErrorKind.InvalidData,
                $"The file '{Path}' is not a NasBurnin store (not an SQLite database).", e) { Target = Path };
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 11 or 26) // SQLITE_CORRUPT, or a store whose header was overwritten
        {
            // Every process refuses writes from now on, not just this operation.
            throw StoreDamage.Refusal(Path, RecordDamage("SQLite, during an operation on the store", e.Message), e);
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 8 or 14 or 23) // READONLY, CANTOPEN, AUTH
        {
            throw new BurninException("StoreNotWritable", ErrorKind.PermissionDenied,
                $"The store '{Path}' cannot be opened for writing ({e.Message}). Check that the file and its folder are writable by this user.", e) { Target = Path };
        }
    }
}

/// <summary>What Get-BurninStore reports.</summary>
public sealed record StoreInfo(
    string Path, int SchemaVersion, long SizeBytes, long WalBytes, string JournalMode,
    IReadOnlyDictionary<string, long> RowCounts);
