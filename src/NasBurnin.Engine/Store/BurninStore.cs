using Microsoft.Data.Sqlite;
using NasBurnin.Engine.Common;

namespace NasBurnin.Engine.Store;

/// <summary>
/// The SQLite store: one file shared by interactive sessions, scheduled syncs and nightly retention.
/// Every connection gets WAL, a long busy timeout and foreign keys, and every write runs in an
/// IMMEDIATE transaction, so concurrent writers queue instead of failing with "database is locked".
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
        StoreFile.Prepare(path);
        var store = new BurninStore(path, clock ?? SystemClock.Instance);
        store.Guard(() =>
        {
            using var c = store.Connect();
            using (var wal = c.CreateCommand())
            {
                wal.CommandText = "PRAGMA journal_mode = WAL";
                wal.ExecuteScalar();
            }
            Migrations.Apply(c, path);
        });
        return store;
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

    /// <summary>Runs <paramref name="work"/> in an IMMEDIATE transaction and commits it.</summary>
    internal T Write<T>(Func<SqliteConnection, SqliteTransaction, T> work) => Guard(() =>
    {
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
        catch (SqliteException e) when (e.SqliteErrorCode == 26) // SQLITE_NOTADB
        {
            throw new BurninException("StoreNotSqlite", ErrorKind.InvalidData,
                $"The file '{Path}' is not a NasBurnin store (not an SQLite database).", e) { Target = Path };
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 11) // SQLITE_CORRUPT
        {
            throw new BurninException("StoreCorrupt", ErrorKind.InvalidData,
                $"The store '{Path}' is damaged ({e.Message}). Restore it from a backup with Restore-BurninStore.", e) { Target = Path };
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
