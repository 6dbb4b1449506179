namespace NasBurnin.Engine.Inventory;

/// <summary>
/// Reads the script's <c>links</c> section: "KIND/NAME\tTARGET" lines for the links in /dev/disk/by-id, by-path,
/// by-partuuid, by-uuid, by-partlabel, by-label, by-vdev and /dev/gptid ("by-id/ata-X-part1\t../../sdb1").
/// </summary>
public static class DeviceLinksParser
{
    public sealed record DeviceLink(string Kind, string Name, string KernelName);

    public static IReadOnlyList<DeviceLink> Parse(string? text)
    {
        var list = new List<DeviceLink>();
        foreach (var line in (text ?? "").Split('\n'))
        {
            var tab = line.IndexOf('\t');
            if (tab <= 0) continue;
            var left = line[..tab];
            var target = line[(tab + 1)..].Trim();
            var slash = left.IndexOf('/');
            if (slash <= 0 || target.Length == 0) continue;
            var kname = target[(target.LastIndexOf('/') + 1)..];
            if (kname.Length == 0) continue;
            list.Add(new DeviceLink(left[..slash], left[(slash + 1)..], kname));
        }
        return list;
    }
}

/// <summary>What an absolute path named by zpool is on the host: where it leads and what is there.</summary>
public sealed record ResolvedPath(string Target, ResolvedPathKind Kind);

public enum ResolvedPathKind
{
    /// <summary>Nothing there (a link whose device is gone, or a path that never existed).</summary>
    Missing,
    BlockDevice,
    /// <summary>A regular file: a file vdev, not a disk.</summary>
    File,
    Other,
}

/// <summary>
/// The script's <c>devnames</c> section: partitions' parent disks as sysfs sees them ("part\tsdb1\tsdb", for
/// names lsblk may not list) and what every absolute path in the zpool output resolves to on the host
/// ("path\t/dev/disk/by-id/ata-X-part1\t/dev/sdb1\tb"; b block device, f file, - missing, o other).
/// </summary>
public sealed record DeviceNames
{
    public static readonly DeviceNames Empty = new();

    /// <summary>Parent kernel name by partition kernel name.</summary>
    public IReadOnlyDictionary<string, string> Parents { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>What each path resolves to, by the path as zpool printed it.</summary>
    public IReadOnlyDictionary<string, ResolvedPath> Paths { get; init; } = new Dictionary<string, ResolvedPath>(StringComparer.Ordinal);

    public static DeviceNames Parse(string? text)
    {
        var parents = new Dictionary<string, string>(StringComparer.Ordinal);
        var paths = new Dictionary<string, ResolvedPath>(StringComparer.Ordinal);
        foreach (var line in (text ?? "").Split('\n'))
        {
            var f = line.Split('\t');
            if (f.Length == 3 && f[0] == "part" && f[1].Length > 0 && f[2].Length > 0) parents[f[1]] = f[2];
            else if (f.Length == 4 && f[0] == "path" && f[1].StartsWith('/')) paths[f[1]] = new ResolvedPath(f[2], KindOf(f[3]));
        }
        return new DeviceNames { Parents = parents, Paths = paths };
    }

    private static ResolvedPathKind KindOf(string code) => code switch
    {
        "b" => ResolvedPathKind.BlockDevice,
        "f" => ResolvedPathKind.File,
        "-" => ResolvedPathKind.Missing,
        _ => ResolvedPathKind.Other,
    };
}
