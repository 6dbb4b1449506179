using Microsoft.Data.Sqlite;

namespace NasBurnin.Engine.Store;

/// <summary>
/// Ctrl+C for one long SQLite statement. Microsoft.Data.Sqlite looks at a CancellationToken only before a
/// statement starts, so a quick_check or a full VACUUM of a large store would run to its end after the
/// user gave up. While <see cref="Run{T}"/> works, cancelling the token calls <c>sqlite3_interrupt</c> on the
/// connection: SQLite stops the statement at its next step (a VACUUM rolls back, nothing half-written),
/// and the SQLITE_INTERRUPT it reports is raised as <see cref="OperationCanceledException"/>.
/// </summary>
internal static class SqliteInterrupt
{
    private const int SqliteInterrupted = 9;

    public static T Run<T>(SqliteConnection connection, CancellationToken ct, Func<T> statement)
    {
        ct.ThrowIfCancellationRequested();
        if (!ct.CanBeCanceled) return statement();
        try
        {
            using (ct.Register(() => SQLitePCL.raw.sqlite3_interrupt(connection.Handle)))
                return statement();
        }
        catch (SqliteException e) when (e.SqliteErrorCode == SqliteInterrupted && ct.IsCancellationRequested)
        {
            throw new OperationCanceledException("The SQLite statement was interrupted.", e, ct);
        }
    }
}
