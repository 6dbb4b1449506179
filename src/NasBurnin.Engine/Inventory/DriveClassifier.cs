using System.Text.RegularExpressions;

namespace NasBurnin.Engine.Inventory;

/// <summary>What the classifier needs to know about a host's block devices. A null <see cref="Zpool"/> means pool membership is unknown.</summary>
public sealed record BlockState
{
    public required LsblkResult Lsblk { get; init; }
    public MountTable? Mounts { get; init; }
    public IReadOnlyList<string> Swaps { get; init; } = Array.Empty<string>();
    public IReadOnlyList<DeviceLinksParser.DeviceLink> Links { get; init; } = Array.Empty<DeviceLinksParser.DeviceLink>();
    public ZpoolStatus? Zpool { get; init; }
    public bool IncludeLoop { get; init; }
}

/// <summary>A whole disk's role with the evidence.</summary>
public sealed record DriveClassification(
    DriveRole Role, IReadOnlyList<string> Reasons, IReadOnlyList<string> Mountpoints, IReadOnlyList<PoolMembership> Pools)
{
    /// <summary>The most significant membership: a data member before special, dedup, log, cache, spare.</summary>
    public PoolMembership? PrimaryPool => Pools.OrderBy(p => p.Role).ThenBy(p => p.Pool, StringComparer.Ordinal).FirstOrDefault();
}

public sealed record ClassificationResult(IReadOnlyDictionary<string, DriveClassification> Drives, IReadOnlyList<string> Warnings);

/// <summary>
/// Classifies every whole disk (DESIGN §6), most protected role first:
/// <c>System</c> (it or anything on it holds /, /boot, /boot/efi, /efi, /boot/firmware, /usr or /var, active swap,
/// an EFI system or BIOS boot partition, or it is in a pool that holds one of those or is named boot-pool /
/// freenas-boot); <c>PoolMember</c> (member, spare, cache, log, special or dedup device of an imported pool);
/// <c>Mounted</c> (a mounted filesystem on it or below it, or an active holder: md, LVM, dm-crypt, multipath);
/// <c>Stale</c> (filesystem, RAID, LVM or ZFS signatures or a partition table, not in use); <c>Free</c>.
/// Anything below the disk counts: partitions, and dm/md devices stacked on them.
/// </summary>
public static class DriveClassifier
{
    /// <summary>Mount targets without which the host does not run or boot.</summary>
    public static readonly IReadOnlySet<string> SystemMountpoints = new HashSet<string>(StringComparer.Ordinal)
    {
        "/", "/boot", "/boot/efi", "/efi", "/boot/firmware", "/usr", "/var",
    };

    /// <summary>GPT type GUIDs (and the MBR type) of boot partitions: EFI system, BIOS boot.</summary>
    private static readonly IReadOnlySet<string> BootPartitionTypes = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "c12a7328-f81f-11d2-ba4b-00a0c93ec93b", "21686148-6e69-6f6d-6570-6f726b696e67", "0xef",
    };

    /// <summary>Pools that are the boot pool by name (TrueNAS SCALE, FreeNAS/TrueNAS CORE).</summary>
    private static readonly IReadOnlySet<string> BootPoolNames = new HashSet<string>(StringComparer.Ordinal) { "boot-pool", "freenas-boot" };

    /// <summary>Conventional root pools, treated as System when the mount table cannot tell.</summary>
    private static readonly IReadOnlySet<string> RootPoolNames = new HashSet<string>(StringComparer.Ordinal) { "rpool", "bpool" };

    // Virtual or non-drive block devices that are never drives (mirrored by InventoryScript's shell filter).
    private static readonly Regex NotADrive = new(@"^(zram|ram[0-9]|nbd[0-9]|mmcblk[0-9]+boot|.*rpmb$)", RegexOptions.CultureInvariant);

    /// <summary>Is this top-level lsblk device a drive the inventory reports?</summary>
    public static bool IsCandidateDisk(LsblkDevice d, bool includeLoop) =>
        (d.Type == "disk" || (includeLoop && d.Type == "loop")) &&
        !NotADrive.IsMatch(d.KernelName) &&
        d.SizeBytes is not 0;

    public static ClassificationResult Classify(BlockState state)
    {
        var warnings = new List<string>();
        var disks = state.Lsblk.Devices.Where(d => IsCandidateDisk(d, state.IncludeLoop)).ToList();
        var resolver = new DeviceResolver(state.Lsblk.Devices, state.Links);
        var mounts = state.Mounts?.Mounts ?? Array.Empty<MountEntry>();

        // Mounts by kernel name, from lsblk's own mountpoints and from findmnt's sources.
        var mountsOf = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        void AddMount(string kname, string target)
        {
            if (!mountsOf.TryGetValue(kname, out var set)) mountsOf[kname] = set = new SortedSet<string>(StringComparer.Ordinal);
            set.Add(target);
        }
        foreach (var d in state.Lsblk.All)
            foreach (var mp in d.Mountpoints)
                AddMount(d.KernelName, mp);
        foreach (var m in mounts.Where(m => m.SourceDevice.StartsWith('/'))) // not tmpfs, proc, ZFS datasets
        {
            var targets = resolver.Resolve(m.SourceDevice);
            if (targets.Count == 0) targets = resolver.ByMajMin(m.MajMin);
            foreach (var k in targets) AddMount(k, m.Target);
        }
        foreach (var swap in state.Swaps)
            foreach (var k in resolver.Resolve(swap))
                AddMount(k, "[SWAP]");

        // Multi-device btrfs: lsblk shows the mountpoint on one member only; the others share its UUID.
        var all = state.Lsblk.All.ToList();
        var mountedBtrfs = all.Where(d => d.FsType == "btrfs" && d.Uuid is not null && mountsOf.ContainsKey(d.KernelName))
            .GroupBy(d => d.Uuid!).ToDictionary(g => g.Key, g => mountsOf[g.First().KernelName]);
        foreach (var d in all.Where(d => d.FsType == "btrfs" && d.Uuid is not null && mountedBtrfs.ContainsKey(d.Uuid!)))
            foreach (var mp in mountedBtrfs[d.Uuid!])
                AddMount(d.KernelName, mp);

        // Pools: which hold the system, and which kernel names are members of what.
        var systemPools = new HashSet<string>(BootPoolNames, StringComparer.Ordinal);
        foreach (var m in mounts.Where(m => m.ZfsPool is not null && SystemMountpoints.Contains(m.Target)))
            systemPools.Add(m.ZfsPool!);
        if (state.Mounts is null || !state.Mounts.Ok) systemPools.UnionWith(RootPoolNames);

        var membership = new Dictionary<string, List<PoolMembership>>(StringComparer.Ordinal);
        if (state.Zpool is { } zpool)
        {
            foreach (var p in zpool.Pools.Where(p => p.State is not null && p.State != "ONLINE"))
                warnings.Add($"Pool '{p.Name}' is {p.State}.");
            foreach (var member in zpool.Members)
            {
                var knames = resolver.Resolve(member.Device);
                if (knames.Count == 0)
                {
                    // A missing device is listed by GUID ("was /dev/sdz1"): nothing on this host to protect.
                    if (!Regex.IsMatch(member.Device, "^[0-9]+$"))
                        warnings.Add($"Pool '{member.Pool}' lists '{member.Device}', which matches no block device here; its disk cannot be protected by name.");
                    continue;
                }
                if (knames.Count > 1)
                    warnings.Add($"Pool '{member.Pool}' lists '{member.Device}', which matches several devices ({string.Join(", ", knames.Order())}); all are treated as members.");
                foreach (var k in knames)
                {
                    if (!membership.TryGetValue(k, out var list)) membership[k] = list = new List<PoolMembership>();
                    list.Add(new PoolMembership(member.Pool, member.Role, member.Device, member.Vdev, member.State));
                }
            }
        }
        var importedPools = state.Zpool?.Pools.Select(p => p.Name).ToHashSet(StringComparer.Ordinal) ?? new HashSet<string>();
        var zfsMounted = mounts.Any(m => m.ZfsPool is not null);

        var result = new Dictionary<string, DriveClassification>(StringComparer.Ordinal);
        foreach (var disk in disks)
        {
            var nodes = disk.SelfAndDescendants().ToList();
            var system = new List<string>();
            var used = new List<string>();
            var stale = new List<string>();
            var pools = new List<PoolMembership>();
            var mps = new SortedSet<string>(StringComparer.Ordinal);

            foreach (var n in nodes)
            {
                var where = n.KernelName == disk.KernelName ? "the disk itself" : n.Path ?? "/dev/" + n.KernelName;
                if (mountsOf.TryGetValue(n.KernelName, out var targets))
                {
                    foreach (var t in targets)
                    {
                        mps.Add(t);
                        if (t == "[SWAP]") system.Add($"active swap on {where}");
                        else if (SystemMountpoints.Contains(t)) system.Add($"holds {t} on {where}");
                        else used.Add($"{t} is mounted from {where}");
                    }
                }
                if (n.PartType is not null && BootPartitionTypes.Contains(n.PartType))
                    system.Add(n.PartType.StartsWith("2168", StringComparison.Ordinal) ? $"BIOS boot partition {where}" : $"EFI system partition {where}");
                if (membership.TryGetValue(n.KernelName, out var ms)) pools.AddRange(ms);
                if (n != disk && n.Type is not ("part" or "disk" or "loop") && n.Type is not null)
                    used.Add($"in use by {n.Type} device {n.Name}");
                if (n.FsType is { } fs)
                {
                    var label = n.Label is null ? "" : $" '{n.Label}'";
                    if (fs == "zfs_member")
                    {
                        var note = state.Zpool is null ? " (pool membership unknown: zpool is unavailable)"
                            : n.Label is not null && importedPools.Contains(n.Label) ? $" (pool '{n.Label}' is imported here but zpool status did not list this device: check with zpool status -P -L before unlocking)"
                            : " (not an imported pool)";
                        if (!membership.ContainsKey(n.KernelName)) stale.Add($"ZFS label of pool{label} on {where}{note}");
                    }
                    else stale.Add($"{fs} signature{label} on {where}");
                }
            }
            if (disk.PartTableType is { } pt) stale.Add($"{pt} partition table");
            else if (disk.Children.Any(c => c.Type == "part")) stale.Add("partitions");

            foreach (var p in pools.Where(p => systemPools.Contains(p.Pool)).Select(p => p.Pool).Distinct())
                system.Add($"member of the system pool '{p}'");

            DriveRole role;
            List<string> reasons;
            if (system.Count > 0) (role, reasons) = (DriveRole.System, system);
            else if (pools.Count > 0) (role, reasons) = (DriveRole.PoolMember, pools.Select(Describe).ToList());
            else if (used.Count > 0) (role, reasons) = (DriveRole.Mounted, used);
            else if (stale.Count > 0) (role, reasons) = (DriveRole.Stale, stale);
            else (role, reasons) = (DriveRole.Free, new List<string>());
            if (role == DriveRole.Stale && state.Zpool is null && zfsMounted && stale.Any(s => s.StartsWith("ZFS", StringComparison.Ordinal)))
                reasons.Add("ZFS datasets are mounted on this host: this drive may belong to an imported pool");
            result[disk.KernelName] = new DriveClassification(role, reasons.Distinct().ToList(), mps.ToList(), pools.Distinct().ToList());
        }
        if (state.Zpool is null && disks.Any(d => d.SelfAndDescendants().Any(n => n.FsType == "zfs_member")))
            warnings.Add("zpool is unavailable, so drives with ZFS labels are reported Stale rather than PoolMember or Free.");
        return new ClassificationResult(result, warnings);
    }

    private static string Describe(PoolMembership p)
    {
        var role = p.Role switch
        {
            PoolRole.Member => "member",
            PoolRole.Spare => "spare",
            PoolRole.Cache => "cache device",
            PoolRole.Log => "log device",
            PoolRole.Special => "special device",
            _ => "dedup device",
        };
        return $"{role} of pool '{p.Pool}'" + (p.Vdev is null ? "" : $" in {p.Vdev}") + $" as {p.Device}" + (p.State is null ? "" : $" ({p.State})");
    }
}
