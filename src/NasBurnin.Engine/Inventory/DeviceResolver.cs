using System.Text.RegularExpressions;

namespace NasBurnin.Engine.Inventory;

/// <summary>
/// Maps the names other tools use for a block device to kernel names, and kernel names to the disk they are on.
/// Names: kernel names and /dev paths of disks and partitions (lsblk's, and sysfs's for what lsblk does not list),
/// /dev/mapper names, /dev/disk/by-id, by-path, by-partuuid, by-uuid, by-partlabel, by-label and by-vdev links,
/// gptid/ labels, wwn-… names on hosts without links, the bare link names zpool prints without -P, the "…/old"
/// name of a device being replaced, and any path the host resolved itself (<see cref="DeviceNames.Paths"/>).
/// Matching is exact; a name that could mean several devices resolves to all of them (the caller protects them all).
/// </summary>
internal sealed class DeviceResolver
{
    private static readonly Regex WwnLink = new(@"^wwn-(?<w>0x[0-9a-f]+|eui\.[0-9a-f]+|nvme\.[0-9a-f.-]+)(?:-part(?<p>[0-9]+))?$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

    /// <summary>Link kinds a bare name (zpool without -P) can come from. by-uuid and by-label name filesystems, not devices.</summary>
    private static readonly string[] BareKinds = { "by-id", "by-vdev", "by-partuuid", "by-partlabel", "by-path", "gptid" };

    private static readonly HashSet<string> Empty = new();

    private readonly Dictionary<string, HashSet<string>> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _links = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _byMajMin = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _parentOf = new(StringComparer.Ordinal);
    private readonly HashSet<string> _listed = new(StringComparer.Ordinal);
    private readonly IReadOnlyDictionary<string, ResolvedPath> _paths;
    private readonly List<LsblkDevice> _disks;

    public DeviceResolver(IEnumerable<LsblkDevice> roots, IEnumerable<DeviceLinksParser.DeviceLink> links, DeviceNames? names = null)
    {
        _disks = roots.ToList();
        names ??= DeviceNames.Empty;
        _paths = names.Paths;
        foreach (var d in _disks)
            AddTree(d, null);
        foreach (var (part, parent) in names.Parents)
        {
            // sysfs knows partitions lsblk may not list (a partition table lsblk could not read, an old lsblk).
            _parentOf.TryAdd(part, parent);
            AddKernelName(part);
        }
        foreach (var l in links)
            AddLink(l.Kind, l.Name, l.KernelName);
    }

    private void AddTree(LsblkDevice d, string? parent)
    {
        _listed.Add(d.KernelName);
        if (parent is not null) _parentOf.TryAdd(d.KernelName, parent);
        AddKernelName(d.KernelName);
        Add(_byName, d.Name, d.KernelName);
        if (d.Path is not null) Add(_byName, d.Path, d.KernelName);
        if (d.Type is "lvm" or "crypt" or "dm" or "mpath" || d.KernelName.StartsWith("dm-", StringComparison.Ordinal))
            Add(_byName, "/dev/mapper/" + d.Name, d.KernelName);
        // What udev's links would say, for hosts without them (containers, minimal systems).
        if (d.PartUuid is not null) { AddLink("by-partuuid", d.PartUuid, d.KernelName); AddLink("gptid", d.PartUuid, d.KernelName); }
        if (d.PartLabel is not null) AddLink("by-partlabel", d.PartLabel, d.KernelName);
        if (d.Uuid is not null) AddLink("by-uuid", d.Uuid, d.KernelName);
        if (d.Label is not null) AddLink("by-label", d.Label, d.KernelName);
        if (d.MajMin is not null) Add(_byMajMin, d.MajMin, d.KernelName);
        foreach (var c in d.Children)
            AddTree(c, d.KernelName);
    }

    private void AddKernelName(string kname)
    {
        Add(_byName, kname, kname);
        Add(_byName, "/dev/" + kname, kname);
    }

    // UUIDs are compared without case (lsblk prints them lower case, FreeBSD's gptid and some links upper case).
    private static string LinkKey(string kind, string name) =>
        kind + "/" + (kind is "by-partuuid" or "by-uuid" or "gptid" ? name.ToLowerInvariant() : name);

    private void AddLink(string kind, string name, string kname) => Add(_links, LinkKey(kind, name), kname);

    private static void Add(Dictionary<string, HashSet<string>> map, string key, string kname)
    {
        if (!map.TryGetValue(key, out var set)) map[key] = set = new HashSet<string>(StringComparer.Ordinal);
        set.Add(kname);
    }

    public IReadOnlySet<string> ByMajMin(string? majMin) =>
        majMin is not null && _byMajMin.TryGetValue(majMin, out var s) ? s : Empty;

    /// <summary>Does lsblk list this kernel name?</summary>
    public bool IsListed(string kname) => _listed.Contains(kname);

    /// <summary>The top of the device tree this kernel name sits in: the disk of a partition (lsblk's or sysfs's parent).</summary>
    public string DiskOf(string kname)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal) { kname };
        while (_parentOf.TryGetValue(kname, out var parent) && seen.Add(parent)) kname = parent;
        return kname;
    }

    /// <summary>What the host said this absolute path is, when the inventory asked (paths zpool printed).</summary>
    public ResolvedPath? HostPath(string path) => _paths.TryGetValue(path, out var p) ? p : null;

    /// <summary>Kernel names the given name refers to; empty when nothing matches.</summary>
    public IReadOnlySet<string> Resolve(string name)
    {
        if (string.IsNullOrWhiteSpace(name)) return Empty;
        // zpool shows the device being replaced as "<name>/old".
        if (name.EndsWith("/old", StringComparison.Ordinal) && name.Length > 4) name = name[..^4];
        if (_byName.TryGetValue(name, out var direct)) return direct;
        if (HostResolved(name) is { Count: > 0 } resolved) return resolved;
        if (LinkPath(name) is { } linked) return linked;
        if (name.StartsWith('/')) return Empty; // another path we have no map for
        return Bare(name);
    }

    /// <summary>A path the host resolved to a device node (a link in /dev/disk, or anywhere else).</summary>
    private IReadOnlySet<string>? HostResolved(string name) =>
        _paths.TryGetValue(name, out var p) && p.Kind == ResolvedPathKind.BlockDevice && p.Target != name &&
        _byName.TryGetValue(p.Target, out var set) ? set : null;

    /// <summary>/dev/disk/KIND/NAME and gptid/NAME (FreeBSD's /dev/gptid); null for any other name.</summary>
    private IReadOnlySet<string>? LinkPath(string name)
    {
        const string disk = "/dev/disk/";
        if (name.StartsWith(disk, StringComparison.Ordinal) && name.IndexOf('/', disk.Length) is var slash and > 0)
        {
            var (kind, rest) = (name[disk.Length..slash], name[(slash + 1)..]);
            var found = Link(kind, rest);
            return found.Count > 0 || kind != "by-id" ? found : Wwn(rest);
        }
        foreach (var prefix in new[] { "/dev/gptid/", "gptid/" })
            if (name.StartsWith(prefix, StringComparison.Ordinal)) return Link("gptid", name[prefix.Length..]);
        return null;
    }

    /// <summary>A name without a directory, as zpool prints it without -P: a link name of any device kind.</summary>
    private IReadOnlySet<string> Bare(string name)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (var kind in BareKinds) found.UnionWith(Link(kind, name));
        return found.Count > 0 ? found : Wwn(name);
    }

    private IReadOnlySet<string> Link(string kind, string name) =>
        _links.TryGetValue(LinkKey(kind, name), out var s) ? s : Empty;

    /// <summary>No by-id links (containers, minimal hosts): a wwn- name still names the disk with that WWN.</summary>
    private IReadOnlySet<string> Wwn(string id)
    {
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
