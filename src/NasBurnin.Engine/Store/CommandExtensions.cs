using Microsoft.Data.Sqlite;

namespace NasBurnin.Engine.Store;

/// <summary>Parameterised commands in one line: <c>c.Command(tx, "... $a ...", ("$a", value))</c>; null binds as NULL.</summary>
internal static class CommandExtensions
{
    public static SqliteCommand Command(this SqliteConnection c, SqliteTransaction? tx, string sql, params (string Name, object? Value)[] args)
    {
        var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        foreach (var (name, value) in args)
            cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return cmd;
    }

    public static int Execute(this SqliteConnection c, SqliteTransaction? tx, string sql, params (string Name, object? Value)[] args)
    {
        using var cmd = c.Command(tx, sql, args);
        return cmd.ExecuteNonQuery();
    }

    public static object? Scalar(this SqliteConnection c, SqliteTransaction? tx, string sql, params (string Name, object? Value)[] args)
    {
        using var cmd = c.Command(tx, sql, args);
        var v = cmd.ExecuteScalar();
        return v is DBNull ? null : v;
    }
}
