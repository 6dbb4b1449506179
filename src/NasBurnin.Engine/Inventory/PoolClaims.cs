using System.Text.RegularExpressions;

namespace NasBurnin.Engine.Inventory;

/// <summary>
/// What the imported pools claim on this host, by kernel name. Every device <c>zpool status</c> names is resolved
/// (<see cref="DeviceResolver"/>) and claimed in its role: a device listed by GUID with "was &lt;path&gt;" is
/// resolved by that path and is <see cref="PoolRole.Faulted"/>; a spare's leg under spare-N is the spare in use.
/// A name nothing matches is never dropped: it gets a warning naming it, and a disk carrying that pool's ZFS
/// label is claimed instead (<see cref="ClaimLabels"/>).
/// </summary>
internal sealed class PoolClaims
{
    private static readonly Regex Guid = new("^[0-9]{5,20}$", RegexOptions.CultureInvariant);

    private readonly Dictionary<string, List<PoolMembership>> _byKname = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<ZpoolMember>> _unresolved = new(StringComparer.Ordinal);
    private readonly IReadOnlyList<ZpoolPool> _pools;

    private PoolClaims(IReadOnlyList<ZpoolPool> pools) => _pools = pools;

    public List<string> Warnings { get; } = new();

    /// <summary>The claims on one kernel name (a disk, a partition, a dm device).</summary>
    public IReadOnlyList<PoolMembership> Of(string kname) =>
        _byKname.TryGetValue(kname, out var list) ? list : Array.Empty<PoolMembership>();

    public static PoolClaims Resolve(ZpoolStatus zpool, DeviceResolver resolver)
    {
        var claims = new PoolClaims(zpool.Pools);
        foreach (var pool in zpool.Pools)
        {
            if (pool.State is not null && pool.State != "ONLINE") claims.Warnings.Add($"Pool '{pool.Name}' is {pool.State}.");
            var members = pool.Members.ToList();
            var spares = members.Where(m => m.Role == PoolRole.Spare).Select(m => m.Device).ToHashSet(StringComparer.Ordinal);
            foreach (var m in members)
                claims.Claim(m, Membership(m, spares), resolver);
        }
        return claims;
    }

    private static PoolMembership Membership(ZpoolMember m, IReadOnlySet<string> spares)
    {
        if (m.Was is not null)
            return new PoolMembership(m.Pool, PoolRole.Faulted, m.Device, m.Vdev, m.State) { Detail = "was " + m.Was };
        if (m.Role == PoolRole.Member && m.Parent is { } p && p.StartsWith("spare-", StringComparison.Ordinal) && spares.Contains(m.Device))
            return new PoolMembership(m.Pool, PoolRole.Spare, m.Device, m.Vdev, m.State) { Detail = "in use in " + p };
        return new PoolMembership(m.Pool, m.Role, m.Device, m.Vdev, m.State);
    }

    private void Claim(ZpoolMember m, PoolMembership membership, DeviceResolver resolver)
    {
        var name = m.Was ?? m.Device;
        if (resolver.HostPath(name) is { Kind: ResolvedPathKind.File }) return; // a file vdev: no disk to protect
        var knames = m.Was is null && Guid.IsMatch(name) ? new HashSet<string>() : resolver.Resolve(name);
        // A name only sysfs knows (lsblk does not list it) counts for the disk it is on, when lsblk lists that.
        var listed = knames.Select(k => resolver.IsListed(k) ? k : resolver.DiskOf(k)).Where(resolver.IsListed).ToHashSet(StringComparer.Ordinal);
        if (listed.Count == 0)
        {
            Unresolved(m, knames.Count > 0);
            return;
        }
        if (listed.Count > 1)
            Warnings.Add($"Pool '{m.Pool}' lists '{name}', which matches several devices ({string.Join(", ", listed.Order(StringComparer.Ordinal))}); all are treated as members.");
        foreach (var k in listed)
        {
            if (!_byKname.TryGetValue(k, out var list)) _byKname[k] = list = new List<PoolMembership>();
            list.Add(membership);
        }
    }

    private void Unresolved(ZpoolMember m, bool sysfsOnly)
    {
        if (!_unresolved.TryGetValue(m.Pool, out var list)) _unresolved[m.Pool] = list = new List<ZpoolMember>();
        list.Add(m);
        var named = m.Was is null ? $"'{m.Device}'" : $"'{m.Device}' (was {m.Was})";
        var state = m.State is null ? "" : $", {m.State}";
        var why = sysfsOnly ? "which lsblk does not list" : "which matches no block device on this host";
        Warnings.Add($"Pool '{m.Pool}' names {named}{state}, {why}: the pool is degraded here, or names the device in a form " +
                     "NasBurnin cannot resolve. Disks that carry this pool's ZFS label are kept as its members.");
    }

    /// <summary>
    /// Claims every zfs_member signature of an imported pool that has names nothing matched: its disk stays a
    /// PoolMember even though the name zpool used could not be resolved. The pool is recognised by its GUID
    /// (lsblk's UUID of a ZFS label); by name only when the GUID is unknown, so an old pool's label that merely
    /// shares a common name ("tank") is not taken for the imported one.
    /// </summary>
    public void ClaimLabels(IEnumerable<LsblkDevice> nodes)
    {
        foreach (var n in nodes.Where(n => n.FsType == "zfs_member" && Of(n.KernelName).Count == 0))
        {
            if (LabelPool(n) is not { } pool || !_unresolved.TryGetValue(pool.Name, out var missing)) continue;
            var roles = missing.Select(m => m.Was is null ? m.Role : PoolRole.Faulted).Distinct().ToList();
            _byKname[n.KernelName] = new List<PoolMembership>
            {
                new(pool.Name, roles.Count == 1 ? roles[0] : PoolRole.Member, n.Path ?? "/dev/" + n.KernelName, null, null)
                {
                    Detail = $"found by its ZFS label: zpool names {string.Join(", ", missing.Select(m => $"'{m.Was ?? m.Device}'"))}, which could not be resolved",
                },
            };
        }
    }

    /// <summary>The imported pool a zfs_member signature belongs to, or null.</summary>
    public ZpoolPool? LabelPool(LsblkDevice n) =>
        _pools.FirstOrDefault(p => p.Guid is not null ? p.Guid == n.Uuid : p.Name == n.Label);

    /// <summary>Why an unclaimed ZFS label is only Stale, for its reason text.</summary>
    public string LabelNote(LsblkDevice n)
    {
        if (LabelPool(n) is { } p)
            return $" (pool '{p.Name}' is imported here but zpool status did not list this device: check with zpool status -P -L before unlocking)";
        if (n.Label is not null && _pools.Any(p => p.Name == n.Label))
            return $" (not the imported pool '{n.Label}', whose GUID differs: the label of an older or another host's pool of that name)";
        return " (not an imported pool)";
    }
}
