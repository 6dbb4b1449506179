using Microsoft.Data.Sqlite;

namespace NasBurnin.Engine.Store;

/// <summary>Column reads by name with NULL as null, so row mappers stay one line per column.</summary>
internal static class ReaderExtensions
{
    public static string? NullableString(this SqliteDataReader r, string column)
    {
        var i = r.GetOrdinal(column);
        return r.IsDBNull(i) ? null : r.GetString(i);
    }

    public static long? NullableInt64(this SqliteDataReader r, string column)
    {
        var i = r.GetOrdinal(column);
        return r.IsDBNull(i) ? null : r.GetInt64(i);
    }

    public static double? NullableDouble(this SqliteDataReader r, string column)
    {
        var i = r.GetOrdinal(column);
        return r.IsDBNull(i) ? null : r.GetDouble(i);
    }

    public static DateTimeOffset? NullableTime(this SqliteDataReader r, string column) =>
        r.NullableString(column) is { } s ? Common.StoreTime.Parse(s) : null;
}
