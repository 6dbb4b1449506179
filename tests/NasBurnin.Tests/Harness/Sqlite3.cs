namespace NasBurnin.Tests.Harness;

/// <summary>
/// The sqlite3 command-line tool, for looking at store and backup files from outside the module (the
/// way an administrator would) and for filling stores with bulk test data quickly.
/// </summary>
public static class Sqlite3
{
    public static bool Available => File.Exists("/usr/bin/sqlite3") || File.Exists("/usr/local/bin/sqlite3");

    /// <summary>Runs SQL (with a busy timeout) and returns stdout; fails the test on a non-zero exit.</summary>
    public static string Exec(string db, string sql, TimeSpan? timeout = null)
    {
        var r = ChildProcess.Run("sqlite3", new[] { "-batch", "-cmd", ".timeout 60000", db, sql }, timeout);
        if (r.ExitCode != 0)
            throw new Xunit.Sdk.XunitException($"sqlite3 {db} failed ({r.ExitCode}): {r.StdErr}\nSQL: {sql}");
        return r.StdOut.TrimEnd('\n', '\r');
    }

    public static string IntegrityCheck(string db) => Exec(db, "PRAGMA integrity_check;");

    /// <summary>
    /// Adds one burn-in run with <paramref name="count"/> finished stages, each with
    /// <paramref name="logBytes"/> of incompressible log text, finished <paramref name="daysAgo"/> days ago.
    /// </summary>
    public static void AddStages(string db, int count, int logBytes, double daysAgo)
    {
        var when = $"strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-{daysAgo.ToString(System.Globalization.CultureInfo.InvariantCulture)} days')";
        Exec(db, $"""
            INSERT OR IGNORE INTO drives(id, identity, serial, first_seen_at, last_seen_at) VALUES (1, 'M|GEN1|W', 'GEN1', 't', 't');
            INSERT INTO burnin_runs(drive_id, host_name, device_path, profile, state, operator, created_at) VALUES (1, 'nas1', '/dev/sdb', 'Full', 'Finished', 'gen', {when});
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {count})
            INSERT INTO burnin_stages(run_id, ordinal, stage, state, log_text, operator, started_at, finished_at)
            SELECT (SELECT max(id) FROM burnin_runs), i, 'badblocks', 'Passed', substr(hex(randomblob({(logBytes + 1) / 2})), 1, {logBytes}), 'gen', {when}, {when} FROM n;
            """, TimeSpan.FromMinutes(5));
    }
}
