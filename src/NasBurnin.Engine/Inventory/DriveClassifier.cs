using System.Text.RegularExpressions;

namespace NasBurnin.Engine.Inventory;

/// <summary>What the classifier needs to know about a host's block devices. A null <see cref="Zpool"/> means pool membership is unknown.</summary>
public sealed record BlockState
{
    public required LsblkResult Lsblk { get; init; }
    public MountTable? Mounts { get; init; }
    public IReadOnlyList<string> Swaps { get; init; } = Array.Empty<string>();
    public IReadOnlyList<DeviceLinksParser.DeviceLink> Links { get; init; } = Array.Empty<DeviceLinksParser.DeviceLink>();
    /// <summary>Partition parents from sysfs and what the paths zpool printed resolve to on the host.</summary>
    public DeviceNames Names { get; init; } = DeviceNames.Empty;
    public ZpoolStatus? Zpool { get; init; }
    public bool IncludeLoop { get; init; }
}

/// <summary>A whole disk's role with the evidence.</summary>
public sealed record DriveClassification(
    DriveRole Role, IReadOnlyList<string> Reasons, IReadOnlyList<string> Mountpoints, IReadOnlyList<PoolMembership> Pools)
{
    /// <summary>The most significant membership: a data member before special, dedup, log, cache, spare, faulted.</summary>
    public PoolMembership? PrimaryPool => Pools.OrderBy(p => p.Role).ThenBy(p => p.Pool, StringComparer.Ordinal).FirstOrDefault();
}

public sealed record ClassificationResult(IReadOnlyDictionary<string, DriveClassification> Drives, IReadOnlyList<string> Warnings);

/// <summary>
/// Classifies every whole disk (DESIGN §6), most protected role first:
/// <c>System</c> (it or anything on it holds /, /boot, /boot/efi, /efi, /boot/firmware, /usr or /var, active swap,
/// an EFI system or BIOS boot partition, or it is in a pool that holds one of those or is named boot-pool /
/// freenas-boot); <c>PoolMember</c> (member, spare, cache, log, special, dedup or faulted device of an imported pool,
/// whatever name zpool uses for it: see <see cref="PoolClaims"/>);
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

    /// <summary>What every disk is judged against: the host's mounts, system pools and pool claims.</summary>
    private sealed record HostFacts(
        BlockState State, IReadOnlyDictionary<string, SortedSet<string>> MountsOf, IReadOnlySet<string> SystemPools,
        PoolClaims? Claims, bool ZfsMounted);

    public static ClassificationResult Classify(BlockState state)
    {
        var warnings = new List<string>();
        var resolver = new DeviceResolver(state.Lsblk.Devices, state.Links, state.Names);
        var claims = state.Zpool is { } zpool ? PoolClaims.Resolve(zpool, resolver) : null;
        claims?.ClaimLabels(state.Lsblk.All);
        if (claims is not null) warnings.AddRange(claims.Warnings);
        var mounts = state.Mounts?.Mounts ?? Array.Empty<MountEntry>();
        var host = new HostFacts(state, MountIndex.Build(state, resolver), SystemPools(state), claims, mounts.Any(m => m.ZfsPool is not null));

        var disks = state.Lsblk.Devices.Where(d => IsCandidateDisk(d, state.IncludeLoop)).ToList();
        var result = disks.ToDictionary(d => d.KernelName, d => ClassifyDisk(d, host), StringComparer.Ordinal);
        if (state.Zpool is null && disks.Any(d => d.SelfAndDescendants().Any(n => n.FsType == "zfs_member")))
            warnings.Add("zpool is unavailable, so drives with ZFS labels are reported Stale rather than PoolMember or Free.");
        return new ClassificationResult(result, warnings);
    }

    /// <summary>Pools that hold the system: the boot pools, pools mounted on system mountpoints, and rpool/bpool when mounts are unknown.</summary>
    private static IReadOnlySet<string> SystemPools(BlockState state)
    {
        var pools = new HashSet<string>(BootPoolNames, StringComparer.Ordinal);
        foreach (var m in (state.Mounts?.Mounts ?? Array.Empty<MountEntry>()).Where(m => m.ZfsPool is not null && SystemMountpoints.Contains(m.Target)))
            pools.Add(m.ZfsPool!);
        if (state.Mounts is null || !state.Mounts.Ok) pools.UnionWith(RootPoolNames);
        return pools;
    }

    /// <summary>The evidence gathered from a disk and everything below it.</summary>
    private sealed class Evidence
    {
        public readonly List<string> System = new(), Used = new(), Stale = new();
        public readonly List<PoolMembership> Pools = new();
        public readonly SortedSet<string> Mountpoints = new(StringComparer.Ordinal);
    }

    private static DriveClassification ClassifyDisk(LsblkDevice disk, HostFacts host)
    {
        var e = new Evidence();
        foreach (var n in disk.SelfAndDescendants())
            Inspect(n, n == disk ? "the disk itself" : n.Path ?? "/dev/" + n.KernelName, disk, host, e);
        if (disk.PartTableType is { } pt) e.Stale.Add($"{pt} partition table");
        else if (disk.Children.Any(c => c.Type == "part")) e.Stale.Add("partitions");
        foreach (var p in e.Pools.Where(p => host.SystemPools.Contains(p.Pool)).Select(p => p.Pool).Distinct())
            e.System.Add($"member of the system pool '{p}'");
        var (role, reasons) = Decide(e);
        if (role == DriveRole.Stale && host.State.Zpool is null && host.ZfsMounted && reasons.Any(s => s.StartsWith("ZFS", StringComparison.Ordinal)))
            reasons.Add("ZFS datasets are mounted on this host: this drive may belong to an imported pool");
        return new DriveClassification(role, reasons.Distinct().ToList(), e.Mountpoints.ToList(), e.Pools.Distinct().ToList());
    }

    private static (DriveRole, List<string>) Decide(Evidence e)
    {
        if (e.System.Count > 0) return (DriveRole.System, e.System);
        if (e.Pools.Count > 0) return (DriveRole.PoolMember, e.Pools.Select(Describe).ToList());
        if (e.Used.Count > 0) return (DriveRole.Mounted, e.Used);
        if (e.Stale.Count > 0) return (DriveRole.Stale, e.Stale);
        return (DriveRole.Free, new List<string>());
    }

    /// <summary>One node of the disk's tree: its mounts, boot partition type, pool claims, holders and signatures.</summary>
    private static void Inspect(LsblkDevice n, string where, LsblkDevice disk, HostFacts host, Evidence e)
    {
        if (host.MountsOf.TryGetValue(n.KernelName, out var targets))
        {
            foreach (var t in targets)
            {
                e.Mountpoints.Add(t);
                if (t == "[SWAP]") e.System.Add($"active swap on {where}");
                else if (SystemMountpoints.Contains(t)) e.System.Add($"holds {t} on {where}");
                else e.Used.Add($"{t} is mounted from {where}");
            }
        }
        if (n.PartType is not null && BootPartitionTypes.Contains(n.PartType))
            e.System.Add(n.PartType.StartsWith("2168", StringComparison.Ordinal) ? $"BIOS boot partition {where}" : $"EFI system partition {where}");
        var claimed = host.Claims?.Of(n.KernelName) ?? Array.Empty<PoolMembership>();
        e.Pools.AddRange(claimed);
        if (n != disk && n.Type is not ("part" or "disk" or "loop") && n.Type is not null)
            e.Used.Add($"in use by {n.Type} device {n.Name}");
        if (n.FsType is not { } fs) return;
        var label = n.Label is null ? "" : $" '{n.Label}'";
        if (fs != "zfs_member") e.Stale.Add($"{fs} signature{label} on {where}");
        else if (claimed.Count == 0)
            e.Stale.Add($"ZFS label of pool{label} on {where}" + (host.Claims?.LabelNote(n) ?? " (pool membership unknown: zpool is unavailable)"));
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
            PoolRole.Dedup => "dedup device",
            _ => "faulted device",
        };
        return $"{role} of pool '{p.Pool}'" + (p.Vdev is null ? "" : $" in {p.Vdev}") + $" as {p.Device}" +
               (p.State is null ? "" : $" ({p.State})") + (p.Detail is null ? "" : $", {p.Detail}");
    }
}
