using System.Text.RegularExpressions;

namespace NasBurnin.Engine.Inventory;

/// <summary>
/// Maps the names other tools use for a block device (full paths, kernel names, /dev/mapper names, by-id
/// and by-partuuid links, FreeBSD gptid/ labels, wwn-0x… names) to lsblk kernel names. Matching is exact;
/// a name that could mean several devices resolves to all of them (the caller protects them all).
/// </summary>
internal sealed class DeviceResolver
{
    private static readonly Regex WwnLink = new(@"^wwn-(?<w>0x[0-9a-f]+|eui\.[0-9a-f]+|nvme\.[0-9a-f.-]+)(?:-part(?<p>[0-9]+))?$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

    private readonly Dictionary<string, HashSet<string>> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _byPartUuid = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, HashSet<string>> _byMajMin = new(StringComparer.Ordinal);
    private readonly List<LsblkDevice> _disks;

    public DeviceResolver(IEnumerable<LsblkDevice> roots, IEnumerable<DeviceLinksParser.DeviceLink> links)
    {
        _disks = roots.ToList();
        foreach (var d in _disks.SelectMany(r => r.SelfAndDescendants()))
        {
            Add(_byName, d.KernelName, d.KernelName);
            Add(_byName, "/dev/" + d.KernelName, d.KernelName);
            Add(_byName, d.Name, d.KernelName);
            if (d.Path is not null) Add(_byName, d.Path, d.KernelName);
            if (d.Type is "lvm" or "crypt" or "dm" or "mpath" || d.KernelName.StartsWith("dm-", StringComparison.Ordinal))
                Add(_byName, "/dev/mapper/" + d.Name, d.KernelName);
            if (d.PartUuid is not null) Add(_byPartUuid, d.PartUuid, d.KernelName);
            if (d.MajMin is not null) Add(_byMajMin, d.MajMin, d.KernelName);
        }
        foreach (var l in links)
        {
            if (l.Kind == "by-id") Add(_byId, l.Name, l.KernelName);
            else if (l.Kind == "by-partuuid") Add(_byPartUuid, l.Name, l.KernelName);
        }
    }

    private static void Add(Dictionary<string, HashSet<string>> map, string key, string kname)
    {
        if (!map.TryGetValue(key, out var set)) map[key] = set = new HashSet<string>(StringComparer.Ordinal);
        set.Add(kname);
    }

    public IReadOnlySet<string> ByMajMin(string? majMin) =>
        majMin is not null && _byMajMin.TryGetValue(majMin, out var s) ? s : Empty;

    private static readonly HashSet<string> Empty = new();

    /// <summary>Kernel names the given name refers to; empty when nothing matches.</summary>
    public IReadOnlySet<string> Resolve(string name)
    {
        if (string.IsNullOrWhiteSpace(name)) return Empty;
        if (_byName.TryGetValue(name, out var direct)) return direct;
        const string byId = "/dev/disk/by-id/", byPartUuid = "/dev/disk/by-partuuid/";
        if (name.StartsWith(byId, StringComparison.Ordinal)) return ById(name[byId.Length..]);
        if (name.StartsWith(byPartUuid, StringComparison.Ordinal)) return PartUuid(name[byPartUuid.Length..]);
        if (name.StartsWith("gptid/", StringComparison.Ordinal)) return PartUuid(name["gptid/".Length..]);
        if (name.StartsWith("/dev/", StringComparison.Ordinal)) return Empty; // another /dev path we have no map for
        var id = ById(name);
        return id.Count > 0 ? id : PartUuid(name);
    }

    private IReadOnlySet<string> PartUuid(string uuid) => _byPartUuid.TryGetValue(uuid, out var s) ? s : Empty;

    private IReadOnlySet<string> ById(string id)
    {
        if (_byId.TryGetValue(id, out var s)) return s;
        // No by-id links (containers, minimal hosts): a wwn- name still names the disk with that WWN.
        var m = WwnLink.Match(id);
        if (!m.Success) return Empty;
        var wwn = SmartctlParser.NormalizeWwn(m.Groups["w"].Value);
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (var disk in _disks.Where(d => d.Wwn == wwn))
        {
            if (!m.Groups["p"].Success) { found.Add(disk.KernelName); continue; }
            var suffix = (char.IsDigit(disk.KernelName[^1]) ? "p" : "") + m.Groups["p"].Value;
            foreach (var part in disk.Children.Where(c => c.KernelName == disk.KernelName + suffix))
                found.Add(part.KernelName);
        }
        return found;
    }
}
