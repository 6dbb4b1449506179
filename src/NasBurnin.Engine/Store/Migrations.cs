using Microsoft.Data.Sqlite;
using NasBurnin.Engine.Common;

namespace NasBurnin.Engine.Store;

/// <summary>
/// Forward-only schema migrations keyed by <c>PRAGMA user_version</c>. Step N brings a store from
/// version N-1 to N; steps are appended, never edited.
/// </summary>
internal static class Migrations
{
    private static readonly string[] Steps = { SchemaV1.Sql, SchemaSnapshotsOncePerRun.Sql, SchemaPowerModeAndHealthRules.Sql, SchemaReportsAndNotifications.Sql, SchemaResumeCount.Sql, SchemaIncrementalVacuum.Sql };

    public static int Latest => Steps.Length;

    /// <summary>
    /// Applies the missing steps in one IMMEDIATE transaction, so two processes opening a new store at
    /// once serialise here and the second one finds the work done.
    /// </summary>
    public static void Apply(SqliteConnection connection, string path)
    {
        if (IsEmpty(connection))
        {
            // auto_vacuum can only be chosen before the first page is written (SchemaIncrementalVacuum).
            using var av = connection.CreateCommand();
            av.CommandText = SchemaIncrementalVacuum.Sql;
            av.ExecuteNonQuery();
        }
        using var tx = connection.BeginTransaction(deferred: false);
        var current = ReadVersion(connection, tx);
        if (current > Latest)
        {
            throw new BurninException("StoreSchemaTooNew", ErrorKind.InvalidData,
                $"The store '{path}' has schema version {current}, but this NasBurnin understands up to version {Latest}. " +
                "Update the NasBurnin module, or use a store made by this version.") { Target = path };
        }
        for (var v = current + 1; v <= Latest; v++)
        {
            using var cmd = connection.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = Steps[v - 1];
            cmd.ExecuteNonQuery();
        }
        if (current != Latest)
        {
            using var set = connection.CreateCommand();
            set.Transaction = tx;
            set.CommandText = $"PRAGMA user_version = {Latest}";
            set.ExecuteNonQuery();
        }
        tx.Commit();
    }

    private static bool IsEmpty(SqliteConnection connection)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "PRAGMA page_count";
        return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0;
    }

    public static int ReadVersion(SqliteConnection connection, SqliteTransaction? tx = null)
    {
        using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "PRAGMA user_version";
        return Convert.ToInt32(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
