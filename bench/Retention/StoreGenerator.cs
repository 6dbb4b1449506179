using Microsoft.Data.Sqlite;
using NasBurnin.Engine.Common;
using NasBurnin.Engine.Store;

namespace NasBurnin.Bench.Retention;

/// <summary>
/// Builds a store like the field report's: burn-in stages with large logs (badblocks and SMART
/// output of multi-day runs), most of them finished long ago and never pruned.
/// </summary>
internal static class StoreGenerator
{
    public sealed record Shape(long Bytes, int Stages, int Prunable);

    public static Shape Generate(string path, long targetBytes, int logBytes, double prunableShare, DateTimeOffset now)
    {
        BurninStore.Open(path); // schema
        var stages = (int)(targetBytes / logBytes);
        var prunable = (int)(stages * prunableShare);
        var rng = new Random(12345);
        using (var c = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            c.Open();
            Exec(c, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;");
            Exec(c, "INSERT INTO drives(id, identity, serial, first_seen_at, last_seen_at) VALUES (1, 'ST8000|ZA1|W', 'ZA1', 't', 't')");
            var payload = new byte[logBytes / 2];
            const int perTransaction = 250;
            for (var done = 0; done < stages; done += perTransaction)
            {
                using var tx = c.BeginTransaction();
                using var run = c.CreateCommand();
                run.Transaction = tx;
                run.CommandText = "INSERT INTO burnin_runs(drive_id, host_name, device_path, profile, state, operator, created_at) VALUES (1, 'nas1', '/dev/sdb', 'Full', 'Finished', 'field', 't') RETURNING id";
                var runId = (long)run.ExecuteScalar()!;
                using var cmd = c.CreateCommand();
                cmd.Transaction = tx;
                cmd.CommandText = """
                    INSERT INTO burnin_stages(run_id, ordinal, stage, state, log_text, operator, started_at, finished_at)
                    VALUES ($run, $ord, 'badblocks', 'Passed', $log, 'field', $fin, $fin)
                    """;
                var pRun = cmd.Parameters.Add("$run", SqliteType.Integer);
                var pOrd = cmd.Parameters.Add("$ord", SqliteType.Integer);
                var pLog = cmd.Parameters.Add("$log", SqliteType.Text);
                var pFin = cmd.Parameters.Add("$fin", SqliteType.Text);
                for (var i = done; i < Math.Min(stages, done + perTransaction); i++)
                {
                    rng.NextBytes(payload);
                    var ago = i < prunable ? TimeSpan.FromDays(60 + rng.Next(300)) : TimeSpan.FromDays(rng.Next(30));
                    pRun.Value = runId;
                    pOrd.Value = i - done + 1;
                    pLog.Value = Convert.ToHexString(payload);
                    pFin.Value = StoreTime.Format(now - ago);
                    cmd.ExecuteNonQuery();
                }
                tx.Commit();
            }
            Exec(c, "PRAGMA wal_checkpoint(TRUNCATE)");
        }
        SqliteConnection.ClearAllPools();
        return new Shape(new FileInfo(path).Length, stages, prunable);
    }

    private static void Exec(SqliteConnection c, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }
}
