using Microsoft.Data.Sqlite;
using NasBurnin.Engine.Common;
using NasBurnin.Engine.Store;

namespace NasBurnin.Engine.Tests.Maintenance;

/// <summary>A clock the test moves by hand.</summary>
internal sealed class FixedClock : IClock
{
    public DateTimeOffset UtcNow { get; set; } = new(2026, 3, 10, 2, 0, 0, TimeSpan.Zero);
}

/// <summary>A store in a temp folder with a settable clock and helpers to add burn-in stages; Dispose removes it all.</summary>
internal sealed class TestStore : IDisposable
{
    public TestStore()
    {
        Dir = TestPaths.Temp();
        Store = BurninStore.Open(System.IO.Path.Combine(Dir, "burnin.db"), Clock);
        Store.Write((c, tx) =>
        {
            Exec(c, tx, "INSERT INTO drives(id, identity, serial, first_seen_at, last_seen_at) VALUES (1, 'M|S1|W', 'S1', 't', 't')");
            Exec(c, tx, "INSERT INTO burnin_runs(id, drive_id, host_name, device_path, profile, state, operator, created_at) VALUES (1, 1, 'nas1', '/dev/sdb', 'Full', 'Finished', 'ann', 't')");
        });
    }

    public FixedClock Clock { get; } = new();
    public string Dir { get; }
    public BurninStore Store { get; }
    public string Path => Store.Path;
    public Actor Actor { get; } = new("ann", "local:test\\ann");

    private int _ordinal;

    /// <summary>Adds a stage with <paramref name="logBytes"/> of log text; finished that long ago, or still running when null.</summary>
    public long AddStage(TimeSpan? finishedAgo, int logBytes = 4096)
    {
        var log = RandomText(logBytes);
        return Store.Write((c, tx) =>
        {
            using var cmd = c.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = """
                INSERT INTO burnin_stages(run_id, ordinal, stage, state, log_text, operator, started_at, finished_at)
                VALUES (1, $o, 'badblocks', $state, $log, 'ann', $start, $fin) RETURNING id
                """;
            cmd.Parameters.AddWithValue("$o", ++_ordinal);
            cmd.Parameters.AddWithValue("$state", finishedAgo is null ? "Running" : "Passed");
            cmd.Parameters.AddWithValue("$log", log);
            cmd.Parameters.AddWithValue("$start", StoreTime.Format(Clock.UtcNow.AddDays(-100)));
            cmd.Parameters.AddWithValue("$fin", finishedAgo is { } ago ? StoreTime.Format(Clock.UtcNow - ago) : DBNull.Value);
            return (long)cmd.ExecuteScalar()!;
        });
    }

    public bool HasLog(long stageId) => Store.Read(c =>
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT log_text IS NOT NULL FROM burnin_stages WHERE id = $id";
        cmd.Parameters.AddWithValue("$id", stageId);
        return Convert.ToInt64(cmd.ExecuteScalar()) == 1;
    });

    public T Scalar<T>(string sql) => Store.Read(c =>
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return (T)Convert.ChangeType(cmd.ExecuteScalar()!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    });

    /// <summary>
    /// What the store holds (stages, settings, audit events), read through SQLite. Tests compare this,
    /// not the file's bytes: a checkpoint when another test clears the connection pools may rewrite
    /// the file without changing its content.
    /// </summary>
    public string Fingerprint() => Scalar<string>("""
        SELECT (SELECT count(*) FROM burnin_stages) || '|' || (SELECT count(*) FROM audit_events) || '|' ||
               coalesce((SELECT group_concat(key || '=' || value, ',') FROM (SELECT key, value FROM settings ORDER BY key)), '')
        """);

    public void Exec(string sql) => Store.Write((c, tx) => Exec(c, tx, sql));

    private static void Exec(SqliteConnection c, SqliteTransaction tx, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    /// <summary>Text that does not compress, so VACUUM and backups move real bytes.</summary>
    public static string RandomText(int length)
    {
        var bytes = new byte[(length + 1) / 2];
        Random.Shared.NextBytes(bytes);
        return Convert.ToHexString(bytes)[..length];
    }

    /// <summary>Reads one value from any SQLite file, read-only and unpooled.</summary>
    public static object? Query(string file, string sql)
    {
        using var c = new SqliteConnection($"Data Source={file};Mode=ReadOnly;Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return cmd.ExecuteScalar();
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(Dir, true); } catch (IOException) { }
    }
}
