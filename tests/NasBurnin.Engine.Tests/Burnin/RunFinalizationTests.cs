using Microsoft.Data.Sqlite;
using NasBurnin.Engine.Burnin;
using NasBurnin.Engine.Common;
using NasBurnin.Engine.Store;
using Xunit;

namespace NasBurnin.Engine.Tests.Burnin;

/// <summary>
/// Finalizing a run is idempotent: two refreshes that both read the run while it was still Running
/// (two processes, or two runspaces, asking at the same moment) store one verdict, one pair of SMART
/// snapshots and each runner event once.
/// </summary>
public sealed class RunFinalizationTests : IDisposable
{
    private readonly string _dir = TestPaths.Temp();
    private readonly BurninStore _store;

    public RunFinalizationTests() => _store = BurninStore.Open(Path.Combine(_dir, "b.db"));

    private RunRecord NewRun()
    {
        var id = _store.Write((c, tx) =>
        {
            using var cmd = c.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = "INSERT INTO drives(identity, serial, device_path, role, first_seen_at, last_seen_at) VALUES ('t:S1', 'S1', '/dev/sdx', 'Free', 'x', 'x') RETURNING id";
            var drive = (long)cmd.ExecuteScalar()!;
            return RunRepository.Insert(c, tx, _store.Clock, drive, null, "nas", "/dev/sdx", "S1", "Custom",
                new[] { StageKind.SmartShort, StageKind.SmartPostCheck }, Actor.OsUser(), "r1", "/var/tmp/nasburnin", null);
        });
        return new RunRepository(_store).Query(new RunQuery(RunIds: new[] { id })).Single();
    }

    private static RemoteRunStatus Finished()
    {
        var now = DateTimeOffset.UtcNow;
        var s = new RemoteRunStatus { RemoteId = "r1", State = "Finished", Started = now, Finished = now, SmartPre = "{}", SmartPost = "{}" };
        s.Stages[1] = new RemoteStageStatus { State = "Passed", Summary = "SMART short self-test: Completed without error", Log = "log 1" };
        s.Stages[2] = new RemoteStageStatus { State = "Passed", Summary = "SMART snapshot taken for comparison", Log = "log 2" };
        s.Events.Add(new RunnerEvent(now, 1, "heat_paused", "56 C"));
        return s;
    }

    private long Count(string sql) => _store.Read(c =>
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return (long)cmd.ExecuteScalar()!;
    });

    [Fact]
    public void Two_refreshes_that_both_saw_the_run_running_finalize_it_once()
    {
        var seenByBoth = NewRun(); // both callers read the run before either finalized it
        var sync = new RunSynchronizer(_store, _ => new SmartEvidence(true, 0, 0, 0, 0, null, null, 35), new SettingsRepository(_store).Get());
        sync.Apply(seenByBoth, Finished(), Array.Empty<string>());
        sync.Apply(seenByBoth, Finished(), Array.Empty<string>());
        Assert.Equal(2, Count($"SELECT count(*) FROM smart_snapshots WHERE run_id = {seenByBoth.Id}"));
        Assert.Equal(1, Count("SELECT count(*) FROM audit_events WHERE type = 'heat_paused'"));
        Assert.Equal(RunState.Finished, new RunRepository(_store).Query(new RunQuery(RunIds: new[] { seenByBoth.Id })).Single().State);
    }

    [Fact]
    public void The_store_refuses_a_second_snapshot_of_one_kind_for_a_run()
    {
        var run = NewRun();
        var e = Assert.Throws<SqliteException>(() => _store.Write((c, tx) =>
        {
            using var cmd = c.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = $"INSERT INTO smart_snapshots(drive_id, run_id, kind, taken_at) VALUES ({run.DriveId}, {run.Id}, 'pre', 'x'), ({run.DriveId}, {run.Id}, 'pre', 'x')";
            cmd.ExecuteNonQuery();
        }));
        Assert.Equal(19, e.SqliteErrorCode); // SQLITE_CONSTRAINT
        // Inventory snapshots (no run) are not limited.
        _store.Write((c, tx) =>
        {
            using var cmd = c.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = $"INSERT INTO smart_snapshots(drive_id, kind, taken_at) VALUES ({run.DriveId}, 'inventory', 'x'), ({run.DriveId}, 'inventory', 'x')";
            cmd.ExecuteNonQuery();
        });
    }

    [Fact]
    public void Migrating_a_store_with_duplicate_snapshots_keeps_the_first_of_each()
    {
        var path = Path.Combine(_dir, "old.db");
        using (var c = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = SchemaV1.Sql + """
                PRAGMA user_version = 1;
                INSERT INTO drives(id, identity, first_seen_at, last_seen_at) VALUES (1, 'd', 'x', 'x');
                INSERT INTO burnin_runs(id, drive_id, host_name, device_path, profile, state, operator, created_at) VALUES (7, 1, 'h', '/dev/sdx', 'p', 'Finished', 'o', 'x');
                INSERT INTO smart_snapshots(id, drive_id, run_id, kind, taken_at) VALUES (1, 1, 7, 'pre', 'a'), (2, 1, 7, 'post', 'a'), (3, 1, 7, 'pre', 'b'), (4, 1, 7, 'post', 'b');
                """;
            cmd.ExecuteNonQuery();
        }
        var store = BurninStore.Open(path);
        var ids = store.Read(c =>
        {
            using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT group_concat(id) FROM (SELECT id FROM smart_snapshots ORDER BY id)";
            return (string)cmd.ExecuteScalar()!;
        });
        Assert.Equal("1,2", ids);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, true);
    }
}
