using System.Globalization;
using System.Text.Json;

namespace NasBurnin.Engine.Inventory;

/// <summary>One block device from <c>lsblk -J</c>, with its children (partitions, dm, md, LVM).</summary>
public sealed record LsblkDevice
{
    public required string Name { get; init; }
    /// <summary>Kernel name (sdb1, dm-0); lsblk's NAME for dm devices is the mapper name instead.</summary>
    public required string KernelName { get; init; }
    public string? Path { get; init; }
    public string? Type { get; init; }
    public long? SizeBytes { get; init; }
    public bool? Rotational { get; init; }
    public bool? Removable { get; init; }
    public string? Transport { get; init; }
    public string? Serial { get; init; }
    public string? Wwn { get; init; }
    public string? Model { get; init; }
    public string? Vendor { get; init; }
    public string? Revision { get; init; }
    public string? FsType { get; init; }
    public string? Label { get; init; }
    public string? Uuid { get; init; }
    public string? PartType { get; init; }
    public string? PartUuid { get; init; }
    public string? PartLabel { get; init; }
    public string? PartTableType { get; init; }
    public string? ParentKernelName { get; init; }
    public string? MajMin { get; init; }
    public IReadOnlyList<string> Mountpoints { get; init; } = Array.Empty<string>();
    public IReadOnlyList<LsblkDevice> Children { get; init; } = Array.Empty<LsblkDevice>();

    /// <summary>This device and everything below it, depth first.</summary>
    public IEnumerable<LsblkDevice> SelfAndDescendants()
    {
        yield return this;
        foreach (var c in Children)
            foreach (var d in c.SelfAndDescendants())
                yield return d;
    }
}

/// <summary>The device tree, or why there is none.</summary>
public sealed record LsblkResult(IReadOnlyList<LsblkDevice> Devices, IReadOnlyList<string> Warnings)
{
    public bool Ok => Devices.Count > 0 || Warnings.Count == 0;

    public IEnumerable<LsblkDevice> All => Devices.SelectMany(d => d.SelfAndDescendants());
}

/// <summary>
/// Reads <c>lsblk -J</c> in any util-linux flavour: <c>-b</c> sizes as numbers or strings (human sizes like
/// "223.6G" are converted approximately), booleans as true/"1", <c>mountpoints</c> arrays or a single
/// <c>mountpoint</c>. A device without a name is skipped with a warning; nothing throws.
/// </summary>
public static class LsblkParser
{
    public static LsblkResult Parse(string? json)
    {
        var warnings = new List<string>();
        using var doc = JsonRead.TryParse(json, out var problem);
        if (doc is null)
        {
            warnings.Add($"lsblk: {problem}.");
            return new LsblkResult(Array.Empty<LsblkDevice>(), warnings);
        }
        var list = doc.RootElement.Get("blockdevices");
        if (list is not { ValueKind: JsonValueKind.Array })
        {
            warnings.Add("lsblk: the JSON has no 'blockdevices' list.");
            return new LsblkResult(Array.Empty<LsblkDevice>(), warnings);
        }
        var devices = list.Items().Select(e => Read(e, null, warnings)).OfType<LsblkDevice>().ToList();
        return new LsblkResult(devices, warnings);
    }

    private static LsblkDevice? Read(JsonElement e, string? parent, List<string> warnings)
    {
        var name = e.Get("name").Text();
        var kname = e.Get("kname").Text() ?? name;
        if (name is null || kname is null)
        {
            warnings.Add("lsblk: a device without a name was skipped.");
            return null;
        }
        var children = e.Get("children").Items().Select(c => Read(c, kname, warnings)).OfType<LsblkDevice>().ToList();
        return new LsblkDevice
        {
            Name = name,
            KernelName = kname,
            Path = e.Get("path").Text(),
            Type = e.Get("type").Text()?.ToLowerInvariant(),
            SizeBytes = Size(e.Get("size")),
            Rotational = e.Get("rota").Bool(),
            Removable = e.Get("rm").Bool(),
            Transport = e.Get("tran").Text()?.ToLowerInvariant(),
            Serial = e.Get("serial").Text(),
            Wwn = e.Get("wwn").Text()?.ToLowerInvariant(),
            Model = e.Get("model").Text(),
            Vendor = e.Get("vendor").Text(),
            Revision = e.Get("rev").Text(),
            FsType = e.Get("fstype").Text(),
            Label = e.Get("label").Text(),
            Uuid = e.Get("uuid").Text(),
            PartType = e.Get("parttype").Text()?.ToLowerInvariant(),
            PartUuid = e.Get("partuuid").Text()?.ToLowerInvariant(),
            PartLabel = e.Get("partlabel").Text(),
            PartTableType = e.Get("pttype").Text(),
            ParentKernelName = e.Get("pkname").Text() ?? parent,
            MajMin = e.Get("maj:min").Text(),
            Mountpoints = Mountpoints(e),
            Children = children,
        };
    }

    private static IReadOnlyList<string> Mountpoints(JsonElement e)
    {
        var list = e.Get("mountpoints").Items().Select(m => ((JsonElement?)m).Text()).OfType<string>().ToList();
        if (list.Count == 0 && e.Get("mountpoint").Text() is { } single) list.Add(single);
        return list.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>Bytes from a number, a digit string, or a human size ("223.6G", binary units as lsblk prints them).</summary>
    internal static long? Size(JsonElement? e)
    {
        if (e.Long() is { } exact) return exact;
        var s = e.Text();
        if (s is null) return null;
        var unit = char.ToUpperInvariant(s[^1]);
        var power = "BKMGTPE".IndexOf(unit);
        var number = power >= 0 ? s[..^1] : s;
        if (!double.TryParse(number.Replace(',', '.'), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || d < 0)
            return null;
        var bytes = d * Math.Pow(1024, Math.Max(power, 0));
        return bytes < long.MaxValue ? (long)Math.Round(bytes) : null;
    }
}
