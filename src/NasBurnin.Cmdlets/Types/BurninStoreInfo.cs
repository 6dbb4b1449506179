using System.Collections.Specialized;

namespace NasBurnin;

/// <summary>The store a session uses: where it is, how big, which schema, and how many rows each table holds.</summary>
public sealed class BurninStoreInfo
{
    public string Path { get; init; } = "";
    public int SchemaVersion { get; init; }
    /// <summary>Size of the database file in bytes (the write-ahead log is in <see cref="WalBytes"/>).</summary>
    public long SizeBytes { get; init; }
    public long WalBytes { get; init; }
    public string JournalMode { get; init; } = "";
    /// <summary>Row count per table, ordered by table name.</summary>
    public OrderedDictionary RowCounts { get; init; } = new();

    internal static BurninStoreInfo From(NasBurnin.Engine.Store.StoreInfo info)
    {
        var counts = new OrderedDictionary(StringComparer.Ordinal);
        foreach (var kv in info.RowCounts) counts[kv.Key] = kv.Value;
        return new BurninStoreInfo
        {
            Path = info.Path,
            SchemaVersion = info.SchemaVersion,
            SizeBytes = info.SizeBytes,
            WalBytes = info.WalBytes,
            JournalMode = info.JournalMode,
            RowCounts = counts,
        };
    }
}
