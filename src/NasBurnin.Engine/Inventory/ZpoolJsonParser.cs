using System.Text.Json;

namespace NasBurnin.Engine.Inventory;

public static partial class ZpoolStatusParser
{
    /// <summary><c>zpool status -j</c> (OpenZFS 2.3+): pools by name, each with a root vdev and class sections beside it.</summary>
    private static ZpoolStatus ParseJson(string text)
    {
        using var doc = JsonRead.TryParse(text, out var problem);
        if (doc is null) return new ZpoolStatus(Array.Empty<ZpoolPool>(), new[] { $"zpool: {problem}." });
        var pools = new List<ZpoolPool>();
        if (doc.RootElement.Get("pools") is { ValueKind: JsonValueKind.Object } map)
            foreach (var p in map.EnumerateObject())
                pools.Add(JsonPool(p.Name, p.Value));
        return new ZpoolStatus(pools, Array.Empty<string>());
    }

    private static ZpoolPool JsonPool(string key, JsonElement p)
    {
        var vdevs = new List<ZpoolVdev>();
        // The root vdev's children are the top-level vdevs; spares, l2cache, logs may sit beside it.
        foreach (var root in Objects(p.Get("vdevs")))
        {
            if (root.Get("vdev_type").Text() == "root") vdevs.AddRange(Objects(root.Get("vdevs")).Select(v => JsonVdev(v, null)));
            else vdevs.Add(JsonVdev(root, null));
        }
        foreach (var (section, r) in new[] { ("spares", PoolRole.Spare), ("l2cache", PoolRole.Cache), ("logs", PoolRole.Log), ("special", PoolRole.Special), ("dedup", PoolRole.Dedup) })
            vdevs.AddRange(Objects(p.Get(section)).Select(v => JsonVdev(v, r)));
        return new ZpoolPool(p.Get("name").Text() ?? key, p.Get("state").Text(), p.Get("status").Text(), p.Get("error_count").Str(), vdevs)
        {
            Guid = p.Get("pool_guid").Text(),
        };
    }

    private static IEnumerable<JsonElement> Objects(JsonElement? e) =>
        e is { ValueKind: JsonValueKind.Object } o ? o.EnumerateObject().Select(p => p.Value) : Enumerable.Empty<JsonElement>();

    private static PoolRole JsonRole(string? cls) => cls switch
    {
        "special" => PoolRole.Special,
        "dedup" => PoolRole.Dedup,
        "log" or "logs" => PoolRole.Log,
        "l2cache" or "cache" => PoolRole.Cache,
        "spare" or "spares" => PoolRole.Spare,
        _ => PoolRole.Member,
    };

    private static ZpoolVdev JsonVdev(JsonElement v, PoolRole? role)
    {
        var type = v.Get("vdev_type").Text() ?? "disk";
        var r = role ?? JsonRole(v.Get("class").Text());
        var children = Objects(v.Get("vdevs")).Select(c => JsonVdev(c, r)).ToList();
        var kind = type switch
        {
            "disk" or "file" => "disk",
            "raidz" => "raidz" + (v.Get("nparity").Text() ?? "1"),
            _ => type,
        };
        // A device that is not present is named by its GUID, with the path it had in "was" (and "path").
        var was = v.Get("was").Text();
        var name = was is not null ? v.Get("name").Text() ?? v.Get("guid").Text() : v.Get("path").Text() ?? v.Get("name").Text();
        return new ZpoolVdev
        {
            Name = name ?? "?",
            Kind = children.Count > 0 && kind == "disk" ? "group" : kind,
            Role = r,
            State = v.Get("state").Text(),
            ReadErrors = v.Get("read_errors").Long(),
            WriteErrors = v.Get("write_errors").Long(),
            ChecksumErrors = v.Get("checksum_errors").Long(),
            Note = v.Get("aux").Text() ?? (was is null ? null : "was " + was),
            Was = was,
            Children = children,
        };
    }
}
