using Microsoft.Data.Sqlite;
using NasBurnin.Engine.Store;
using Xunit;

namespace NasBurnin.Engine.Tests.Store;

public class SqliteInterruptTests
{
    // A statement that never ends on its own: only the interrupt can stop it, so the test cannot pass by timing.
    private const string Endless = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c";

    [Fact]
    public void Cancelling_the_token_stops_a_running_statement_and_leaves_the_connection_usable()
    {
        using var c = new SqliteConnection("Data Source=:memory:");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = Endless;
        cmd.CommandTimeout = 0;
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        var e = Assert.Throws<OperationCanceledException>(() => SqliteInterrupt.Run(c, cts.Token, cmd.ExecuteScalar));
        Assert.Equal(cts.Token, e.CancellationToken);

        cmd.CommandText = "SELECT 42";
        Assert.Equal(42L, SqliteInterrupt.Run(c, CancellationToken.None, cmd.ExecuteScalar));
    }

    [Fact]
    public void A_cancelled_store_check_is_not_taken_for_damage()
    {
        var dir = TestPaths.Temp();
        try
        {
            var store = BurninStore.Open(Path.Combine(dir, "s.db"));
            using var cts = new CancellationTokenSource();
            cts.Cancel();
            Assert.Throws<OperationCanceledException>(() => store.QuickCheck("test", cts.Token));
            Assert.Throws<OperationCanceledException>(() => store.IntegrityCheck(cts.Token));
            Assert.Null(store.Damage);
            Assert.Equal("ok", store.QuickCheck("test"));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(dir, true);
        }
    }
}
