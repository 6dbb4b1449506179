using NasBurnin.Tests.Harness;
using Xunit;

namespace NasBurnin.Tests;

/// <summary>Sharing the store file with other processes while this one has it open.</summary>
public class StoreLockTests
{
    [Fact]
    public void Opening_the_store_again_keeps_this_process_visible_to_others_and_seeing_their_writes()
    {
        using var dir = new TempDir();
        var db = dir.File("burnin.db");
        using var s = new PsSession(storePath: db);
        s.Run("Get-BurninStore").AssertClean();

        // Opening again must not drop this process's SQLite locks (closing any handle of the file would):
        // without them the sqlite3 tool, closing last, deletes the WAL under this process's connections,
        // which then keep reading their old snapshot.
        s.Run($"Use-BurninStore -Path '{PsSession.Quote(db)}'").AssertClean();
        Sqlite3.AddStages(db, count: 2, logBytes: 100, daysAgo: 1);
        Assert.True(File.Exists(db + "-wal"), "the WAL was deleted while this process had the store open");
        Sqlite3.AddStages(db, count: 3, logBytes: 100, daysAgo: 1);

        var rows = s.Run("(Get-BurninStore).RowCounts['burnin_stages']").AssertClean().Output.Single().BaseObject;
        Assert.Equal(5L, rows);
    }
}
