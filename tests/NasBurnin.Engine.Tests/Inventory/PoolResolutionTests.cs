using System.Text;
using System.Text.Json.Nodes;
using NasBurnin.Engine.Inventory;
using Xunit;
using DriveInfo = NasBurnin.Engine.Inventory.DriveInfo;

namespace NasBurnin.Engine.Tests.Inventory;

/// <summary>
/// Every name <c>zpool status</c> can give a device resolves to the whole disk it is on, which is then PoolMember
/// in the right role: kernel names of disks and partitions, /dev/disk/by-* links with and without -P, gptid/ labels,
/// GUIDs with "was &lt;path&gt;", names only sysfs or the host's own readlink knows; and a name nothing matches is
/// warned about and never drops the pool's claim on a disk that carries the pool's label. Small fixtures of our
/// own, fed through the inventory builder the way the script's sections arrive.
/// </summary>
public class PoolResolutionTests
{
    // ------------------------------------------------------------------ fixture helpers

    private static JsonObject Disk(string kname, params JsonObject[] parts) => new()
    {
        ["name"] = kname, ["kname"] = kname, ["path"] = "/dev/" + kname, ["type"] = "disk", ["size"] = 4_000_000_000_000,
        ["serial"] = "SN-" + kname, ["model"] = "WDC WD40EFZX", ["pttype"] = parts.Length > 0 ? "gpt" : null,
        ["children"] = new JsonArray(parts.Select(p => (JsonNode)p).ToArray()),
    };

    private static JsonObject Part(string kname, string? partuuid = null, string? partlabel = null, string? fstype = null, string? label = null, string? uuid = null) => new()
    {
        ["name"] = kname, ["kname"] = kname, ["path"] = "/dev/" + kname, ["type"] = "part", ["size"] = 1_000_000_000,
        ["partuuid"] = partuuid, ["partlabel"] = partlabel, ["fstype"] = fstype, ["label"] = label, ["uuid"] = uuid,
    };

    private static string Lsblk(params JsonObject[] disks) => new JsonObject { ["blockdevices"] = new JsonArray(disks.Select(d => (JsonNode)d).ToArray()) }.ToJsonString();

    /// <summary>
    /// A <c>zpool status</c> text: rows are "INDENT NAME STATE [note…]" with two spaces per level below the pool,
    /// or a section heading (logs, cache, spares…); spare rows (AVAIL, INUSE) have no counters, like zpool's.
    /// </summary>
    private static string Status(string pool, string state, params string[] rows)
    {
        var sb = new StringBuilder($"  pool: {pool}\n state: {state}\nconfig:\n\n\t{"NAME",-60}  STATE     READ WRITE CKSUM\n\t{pool,-60}  {state,-8}     0     0     0\n");
        foreach (var row in rows)
        {
            var name = row.TrimStart();
            var indent = row[..(row.Length - name.Length)];
            var t = name.Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
            if (t.Length == 1) sb.Append('\t').Append(t[0]).Append('\n');
            else if (t[1] is "AVAIL" or "INUSE") sb.Append($"\t{indent + t[0],-60}  {t[1]}{(t.Length > 2 ? "     " + t[2] : "")}\n");
            else sb.Append($"\t{indent + t[0],-60}  {t[1],-8}     0     0     0{(t.Length > 2 ? "  " + t[2] : "")}\n");
        }
        return sb.Append("\nerrors: No known data errors\n").ToString();
    }

    private static HostInventory Inventory(string lsblk, string zpool, string links = "", string devnames = "", string? guids = null)
    {
        var o = new InventoryFixtures.ScriptOutput()
            .Section("lsblk", lsblk).Section("links", links).Section("zpool", zpool).Section("devnames", devnames);
        if (guids is not null) o = o.Section("zpoolguid", guids);
        return InventoryBuilder.Build("nas01", InventoryOutput.Parse(o.Done()));
    }

    /// <summary>The inventory's warnings about pools (the fixtures have no mount table or SMART data, which warn too).</summary>
    private static List<string> PoolWarnings(HostInventory inv) => inv.Warnings.Where(w => w.StartsWith("Pool ", StringComparison.Ordinal)).ToList();

    private static DriveInfo Drive(HostInventory inv, string kname) => Assert.Single(inv.Drives, d => d.KernelName == kname);

    private static void AssertPool(HostInventory inv, string kname, string pool, PoolRole role)
    {
        var d = Drive(inv, kname);
        Assert.True(d.Role == DriveRole.PoolMember, $"{kname} is {d.Role}: {string.Join("; ", d.RoleReasons)}");
        Assert.Equal((pool, role), (d.PoolName!, d.PoolRole!.Value));
    }

    // ------------------------------------------------------------------ kernel names

    [Theory]
    [InlineData("/dev/sdb1", "/dev/nvme0n1p2")]   // -P, or -P -L
    [InlineData("sdb1", "nvme0n1p2")]             // plain zpool status of a pool built on partitions
    [InlineData("sdb", "nvme0n1")]                // plain zpool status of a whole-disk vdev shows the disk
    [InlineData("/dev/sdb1/old", "nvme0n1p2")]    // the device being replaced
    public void A_pool_on_partitions_makes_the_whole_disks_members(string first, string second)
    {
        var lsblk = Lsblk(Disk("sdb", Part("sdb1"), Part("sdb9")), Disk("nvme0n1", Part("nvme0n1p1"), Part("nvme0n1p2")), Disk("sdc"));
        var inv = Inventory(lsblk, Status("tank", "ONLINE", "  mirror-0 ONLINE", $"    {first} ONLINE", $"    {second} ONLINE"));
        AssertPool(inv, "sdb", "tank", PoolRole.Member);
        AssertPool(inv, "nvme0n1", "tank", PoolRole.Member);
        Assert.Contains(Drive(inv, "sdb").RoleReasons, r => r.StartsWith($"member of pool 'tank' in mirror-0 as {first} (ONLINE)", StringComparison.Ordinal));
        Assert.Equal(DriveRole.Free, Drive(inv, "sdc").Role);
        Assert.Empty(PoolWarnings(inv));
    }

    [Fact]
    public void A_partition_lsblk_does_not_list_counts_for_its_disk_through_sysfs()
    {
        // lsblk could not read sdb's partition table; sysfs knows sdb1 is on sdb.
        var inv = Inventory(Lsblk(Disk("sdb"), Disk("sdc")), Status("tank", "ONLINE", "  /dev/sdb1 ONLINE"), devnames: "part\tsdb1\tsdb\n");
        AssertPool(inv, "sdb", "tank", PoolRole.Member);
        Assert.Equal(DriveRole.Free, Drive(inv, "sdc").Role);
    }

    // ------------------------------------------------------------------ links and labels

    private const string Uuid1 = "6a1f0c2e-8d3b-4c55-9e0e-1b2c3d4e5f01", Uuid2 = "6a1f0c2e-8d3b-4c55-9e0e-1b2c3d4e5f02";

    private static readonly string LinkedHost = Lsblk(
        Disk("sdb", Part("sdb1", partuuid: Uuid1, partlabel: "zfs-5a1b2c3d4e5f6071")),
        Disk("sdc", Part("sdc1", partuuid: Uuid2, partlabel: "zfs-5a1b2c3d4e5f6072")),
        Disk("sdd"));

    private const string Links =
        "by-id/ata-WDC_WD40EFZX_SN-sdb\t../../sdb\nby-id/ata-WDC_WD40EFZX_SN-sdb-part1\t../../sdb1\n" +
        "by-path/pci-0000:00:17.0-ata-3-part1\t../../sdc1\nby-vdev/bay7-part1\t../../sdc1\n" +
        "by-partuuid/" + Uuid1 + "\t../../sdb1\nby-partlabel/zfs-5a1b2c3d4e5f6072\t../../sdc1\n";

    [Theory]
    [InlineData("/dev/disk/by-id/ata-WDC_WD40EFZX_SN-sdb-part1", "/dev/disk/by-path/pci-0000:00:17.0-ata-3-part1", true)]
    [InlineData("ata-WDC_WD40EFZX_SN-sdb-part1", "pci-0000:00:17.0-ata-3-part1", true)]  // without -P
    [InlineData("ata-WDC_WD40EFZX_SN-sdb", "bay7-part1", true)]                          // whole-disk vdev without -P; a vdev_id.conf alias
    [InlineData("/dev/disk/by-partuuid/" + Uuid1, "/dev/disk/by-partlabel/zfs-5a1b2c3d4e5f6072", true)]
    [InlineData(Uuid1, "zfs-5a1b2c3d4e5f6072", true)]                                       // TrueNAS SCALE prints bare PARTUUIDs
    [InlineData("/dev/disk/by-partuuid/" + Uuid1, "/dev/disk/by-partuuid/" + Uuid2, false)] // no udev links: lsblk's PARTUUID
    [InlineData("gptid/" + Uuid1, "gptid/6A1F0C2E-8D3B-4C55-9E0E-1B2C3D4E5F02", false)]    // a pool moved from FreeBSD
    public void Link_names_with_and_without_P_resolve_to_the_disk(string first, string second, bool withLinks)
    {
        var inv = Inventory(LinkedHost, Status("tank", "ONLINE", "  mirror-0 ONLINE", $"    {first} ONLINE", $"    {second} ONLINE"), withLinks ? Links : "");
        AssertPool(inv, "sdb", "tank", PoolRole.Member);
        AssertPool(inv, "sdc", "tank", PoolRole.Member);
        Assert.Equal(DriveRole.Free, Drive(inv, "sdd").Role);
        Assert.Empty(PoolWarnings(inv));
    }

    [Fact]
    public void A_by_uuid_name_protects_every_device_with_that_filesystem_UUID()
    {
        // A ZFS label's UUID is the pool GUID, shared by all members: udev's one link points at one of them,
        // so the name is taken to mean all of them (protecting more, never fewer).
        const string guid = "15181340591116328711";
        var lsblk = Lsblk(Disk("sdb", Part("sdb1", fstype: "zfs_member", label: "tank", uuid: guid)),
            Disk("sdc", Part("sdc1", fstype: "zfs_member", label: "tank", uuid: guid)), Disk("sdd"));
        var inv = Inventory(lsblk, Status("tank", "ONLINE", "  /dev/disk/by-uuid/" + guid + " ONLINE"), "by-uuid/" + guid + "\t../../sdc1\n");
        AssertPool(inv, "sdb", "tank", PoolRole.Member);
        AssertPool(inv, "sdc", "tank", PoolRole.Member);
        Assert.Equal(DriveRole.Free, Drive(inv, "sdd").Role);
        Assert.Contains(PoolWarnings(inv), w => w.Contains("matches several devices (sdb1, sdc1)"));
    }

    [Fact]
    public void A_path_the_host_resolved_names_the_device_it_leads_to_and_a_file_vdev_is_no_disk()
    {
        // Links in a folder of their own (the sandbox's, or a vdev_id setup elsewhere), and a test pool on a file.
        var devnames = "path\t/srv/links/bay3-part1\t/dev/sdc1\tb\npath\t/srv/pools/file.img\t/srv/pools/file.img\tf\n";
        var inv = Inventory(LinkedHost, Status("tank", "ONLINE", "  mirror-0 ONLINE", "    /srv/links/bay3-part1 ONLINE", "    /srv/pools/file.img ONLINE"), devnames: devnames);
        AssertPool(inv, "sdc", "tank", PoolRole.Member);
        Assert.Equal(DriveRole.Stale, Drive(inv, "sdb").Role); // partitions, no pool
        Assert.Empty(PoolWarnings(inv));
    }

    // ------------------------------------------------------------------ roles

    [Fact]
    public void Every_kind_of_vdev_gets_its_role_and_state()
    {
        var lsblk = Lsblk(Disk("sda", Part("sda1")), Disk("sdb", Part("sdb1")), Disk("sdc", Part("sdc1")), Disk("sdd"), Disk("sde"),
            Disk("nvme0n1", Part("nvme0n1p1"), Part("nvme0n1p2")), Disk("nvme1n1", Part("nvme1n1p1")), Disk("nvme2n1"), Disk("sdf"), Disk("sdg"), Disk("sdh"), Disk("sdz"));
        var zpool = Status("tank", "DEGRADED",
            "  raidz2-0 DEGRADED",
            "    /dev/sda1 ONLINE",
            "    spare-1 DEGRADED",
            "      9786358425043361232 FAULTED was /dev/sdb1",
            "      /dev/sdd ONLINE",
            "    /dev/sdc1 REMOVED",
            "    /dev/sdh OFFLINE",
            "special",
            "  /dev/nvme0n1p1 ONLINE",
            "dedup",
            "  /dev/nvme2n1 ONLINE",
            "logs",
            "  /dev/nvme0n1p2 ONLINE",
            "cache",
            "  /dev/nvme1n1p1 ONLINE",
            "spares",
            "  /dev/sdd INUSE currently in use",
            "  /dev/sde AVAIL");
        var inv = Inventory(lsblk, zpool);
        AssertPool(inv, "sda", "tank", PoolRole.Member);
        AssertPool(inv, "sdb", "tank", PoolRole.Faulted);
        AssertPool(inv, "sdc", "tank", PoolRole.Member);
        AssertPool(inv, "sdd", "tank", PoolRole.Spare);
        AssertPool(inv, "sde", "tank", PoolRole.Spare);
        AssertPool(inv, "sdh", "tank", PoolRole.Member);
        AssertPool(inv, "nvme0n1", "tank", PoolRole.Special); // special before log on the same disk
        AssertPool(inv, "nvme1n1", "tank", PoolRole.Cache);
        AssertPool(inv, "nvme2n1", "tank", PoolRole.Dedup);
        Assert.Equal(DriveRole.Free, Drive(inv, "sdf").Role);

        Assert.Contains("faulted device of pool 'tank' in raidz2-0 as 9786358425043361232 (FAULTED), was /dev/sdb1", Drive(inv, "sdb").RoleReasons);
        Assert.Contains("spare of pool 'tank' in raidz2-0 as /dev/sdd (ONLINE), in use in spare-1", Drive(inv, "sdd").RoleReasons);
        Assert.Contains("spare of pool 'tank' as /dev/sdd (INUSE)", Drive(inv, "sdd").RoleReasons);
        Assert.Contains(Drive(inv, "sdc").RoleReasons, r => r.Contains("(REMOVED)"));
        Assert.Contains(Drive(inv, "sdh").RoleReasons, r => r.Contains("(OFFLINE)"));
        Assert.Contains(Drive(inv, "nvme0n1").RoleReasons, r => r.StartsWith("log device of pool 'tank' as /dev/nvme0n1p2", StringComparison.Ordinal));
        Assert.Equal(new[] { "Pool 'tank' is DEGRADED." }, PoolWarnings(inv));
    }

    [Theory]
    [InlineData("/dev/sdb1")]
    [InlineData("/dev/disk/by-id/ata-WDC_WD40EFZX_SN-sdb-part1")]
    [InlineData("/dev/disk/by-partuuid/" + Uuid1)]
    [InlineData("/dev/sdb")]
    public void A_device_listed_by_GUID_is_faulted_on_the_disk_its_was_path_names(string was)
    {
        var inv = Inventory(LinkedHost, Status("tank", "DEGRADED", "  mirror-0 DEGRADED", $"    11552207164938214322 UNAVAIL was {was}", "    /dev/sdc1 ONLINE"), Links);
        AssertPool(inv, "sdb", "tank", PoolRole.Faulted);
        Assert.Contains(Drive(inv, "sdb").RoleReasons, r => r.Contains("(UNAVAIL), was " + was));
        AssertPool(inv, "sdc", "tank", PoolRole.Member);
    }

    [Fact]
    public void Two_pools_on_partitions_of_the_same_disks()
    {
        var lsblk = Lsblk(Disk("sdb", Part("sdb1"), Part("sdb2")), Disk("sdc", Part("sdc1"), Part("sdc2")), Disk("sdd", Part("sdd1")));
        var zpool = Status("fast", "ONLINE", "  mirror-0 ONLINE", "    sdb1 ONLINE", "    sdc1 ONLINE") + "\n" +
                    Status("bulk", "ONLINE", "  sdb2 ONLINE", "logs", "  sdc2 ONLINE", "cache", "  sdd1 ONLINE");
        var inv = Inventory(lsblk, zpool);
        Assert.Equal(new[] { "bulk", "fast" }, Drive(inv, "sdb").Pools.Select(p => p.Pool).Order(StringComparer.Ordinal));
        AssertPool(inv, "sdb", "bulk", PoolRole.Member); // two data memberships: the first pool by name
        AssertPool(inv, "sdc", "fast", PoolRole.Member); // member of fast before log of bulk
        AssertPool(inv, "sdd", "bulk", PoolRole.Cache);
    }

    // ------------------------------------------------------------------ names nothing matches

    [Fact]
    public void An_unresolved_name_is_warned_about_and_the_disk_carrying_the_pools_label_stays_its_member()
    {
        const string tankGuid = "15181340591116328711";
        var lsblk = Lsblk(
            Disk("sdb", Part("sdb1", fstype: "zfs_member", label: "tank", uuid: tankGuid)),       // renamed: its old by-id link is gone
            Disk("sdc", Part("sdc1", fstype: "zfs_member", label: "tank", uuid: tankGuid)),       // listed by name
            Disk("sdd", Part("sdd1", fstype: "zfs_member", label: "tank", uuid: "4242424242424242")), // an old pool also called tank
            Disk("sde"));
        var zpool = Status("tank", "DEGRADED", "  mirror-0 DEGRADED",
            "    4471986543002165143 UNAVAIL was /dev/disk/by-id/ata-OLD_NAME_Z1-part1", "    /dev/sdc1 ONLINE",
            "logs", "  /dev/disk/by-id/nvme-GONE_LOG-part1 UNAVAIL");
        var inv = Inventory(lsblk, zpool, guids: "tank\t" + tankGuid + "\n");

        Assert.Contains(inv.Warnings, w => w.StartsWith("Pool 'tank' names '4471986543002165143' (was /dev/disk/by-id/ata-OLD_NAME_Z1-part1), UNAVAIL, which matches no block device on this host: the pool is degraded here", StringComparison.Ordinal));
        Assert.Contains(inv.Warnings, w => w.StartsWith("Pool 'tank' names '/dev/disk/by-id/nvme-GONE_LOG-part1', UNAVAIL, which matches no block device", StringComparison.Ordinal));
        // Two names of different kinds are missing (a faulted member and a log): the labelled disk is a member.
        AssertPool(inv, "sdb", "tank", PoolRole.Member);
        Assert.Contains(Drive(inv, "sdb").RoleReasons, r => r.Contains("found by its ZFS label") && r.Contains("ata-OLD_NAME_Z1-part1"));
        AssertPool(inv, "sdc", "tank", PoolRole.Member);
        var sdd = Drive(inv, "sdd");
        Assert.Equal(DriveRole.Stale, sdd.Role);
        Assert.Contains(sdd.RoleReasons, r => r.Contains("not the imported pool 'tank', whose GUID differs"));
        Assert.Equal(DriveRole.Free, Drive(inv, "sde").Role);
    }

    [Fact]
    public void A_label_of_an_imported_pool_whose_names_all_resolved_stays_stale_with_a_pointed_reason()
    {
        var lsblk = Lsblk(Disk("sdb", Part("sdb1", fstype: "zfs_member", label: "tank")), Disk("sdc", Part("sdc1", fstype: "zfs_member", label: "tank")));
        var inv = Inventory(lsblk, Status("tank", "ONLINE", "  /dev/sdc1 ONLINE"));
        AssertPool(inv, "sdc", "tank", PoolRole.Member);
        Assert.Equal(DriveRole.Stale, Drive(inv, "sdb").Role);
        Assert.Contains(Drive(inv, "sdb").RoleReasons, r => r.Contains("is imported here but zpool status did not list this device"));
    }

    [Fact]
    public void A_missing_device_by_GUID_alone_is_faulted_when_its_disk_carries_the_pools_label()
    {
        var lsblk = Lsblk(Disk("sdb", Part("sdb1", fstype: "zfs_member", label: "tank", uuid: "77")), Disk("sdc", Part("sdc1")));
        var inv = Inventory(lsblk, Status("tank", "DEGRADED", "  mirror-0 DEGRADED", "    1234567890123 FAULTED was /dev/sdq1", "    sdc1 ONLINE"), guids: "tank 77\n");
        AssertPool(inv, "sdb", "tank", PoolRole.Faulted);
        Assert.Contains(inv.Warnings, w => w.Contains("'1234567890123' (was /dev/sdq1), FAULTED, which matches no block device"));
    }

    [Fact]
    public void A_name_only_sysfs_knows_on_a_disk_lsblk_does_not_list_says_lsblk_does_not_list_it()
    {
        var inv = Inventory(Lsblk(Disk("sdb")), Status("tank", "ONLINE", "  /dev/sdx1 ONLINE"), devnames: "part\tsdx1\tsdx\n");
        Assert.Contains(inv.Warnings, w => w.Contains("names '/dev/sdx1', ONLINE, which lsblk does not list: the pool is degraded here"));
        Assert.Equal(DriveRole.Free, Drive(inv, "sdb").Role);
    }

    // ------------------------------------------------------------------ zpool status -j

    [Fact]
    public void Json_status_names_a_missing_device_by_GUID_and_resolves_it_by_its_was_path()
    {
        var json = """
            {"output_version": {"command": "zpool status", "vers_major": 0, "vers_minor": 1},
             "pools": {"tank": {"name": "tank", "state": "DEGRADED", "pool_guid": 15181340591116328711,
               "vdevs": {"tank": {"name": "tank", "vdev_type": "root", "state": "DEGRADED",
                 "vdevs": {"mirror-0": {"name": "mirror-0", "vdev_type": "mirror", "state": "DEGRADED",
                   "vdevs": {
                     "sdb1": {"name": "sdb1", "vdev_type": "disk", "path": "/dev/sdb1", "state": "ONLINE"},
                     "9786358425043361232": {"name": "9786358425043361232", "vdev_type": "disk", "guid": 9786358425043361232,
                        "path": "/dev/disk/by-id/ata-WDC_WD40EFZX_SN-sdc-part1", "state": "UNAVAIL", "was": "/dev/disk/by-id/ata-WDC_WD40EFZX_SN-sdc-part1"}}}}}},
               "logs": {"nvme0n1p1": {"name": "nvme0n1p1", "vdev_type": "disk", "path": "/dev/nvme0n1p1", "class": "log", "state": "ONLINE"}},
               "spares": {"sdd": {"name": "sdd", "vdev_type": "disk", "path": "/dev/sdd", "state": "AVAIL"}}}}}
            """;
        var status = ZpoolStatusParser.Parse(json);
        var missing = Assert.Single(status.Members, m => m.State == "UNAVAIL");
        Assert.Equal(("9786358425043361232", "/dev/disk/by-id/ata-WDC_WD40EFZX_SN-sdc-part1"), (missing.Device, missing.Was!));
        Assert.Equal("15181340591116328711", status.Pools.Single().Guid);

        var lsblk = Lsblk(Disk("sdb", Part("sdb1")), Disk("sdc", Part("sdc1")), Disk("sdd"), Disk("nvme0n1", Part("nvme0n1p1")));
        var inv = Inventory(lsblk, json, "by-id/ata-WDC_WD40EFZX_SN-sdc-part1\t../../sdc1\n");
        AssertPool(inv, "sdb", "tank", PoolRole.Member);
        AssertPool(inv, "sdc", "tank", PoolRole.Faulted);
        AssertPool(inv, "sdd", "tank", PoolRole.Spare);
        AssertPool(inv, "nvme0n1", "tank", PoolRole.Log);
    }

    [Fact]
    public void Section_parsers_read_links_names_and_guids()
    {
        var names = DeviceNames.Parse("part\tsdb1\tsdb\npath\t/x/by-id/a\t/dev/sdb1\tb\npath\t/gone\t\t-\njunk\nfoo\tbar\n");
        Assert.Equal("sdb", names.Parents["sdb1"]);
        Assert.Equal(new ResolvedPath("/dev/sdb1", ResolvedPathKind.BlockDevice), names.Paths["/x/by-id/a"]);
        Assert.Equal(ResolvedPathKind.Missing, names.Paths["/gone"].Kind);
        Assert.Equal(2, names.Paths.Count);

        var guids = ZpoolStatusParser.ParseGuids("tank\t15181340591116328711\nboot-pool 99\nbad\tguid\n\n");
        Assert.Equal(new[] { "boot-pool", "tank" }, guids.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("15181340591116328711", guids["tank"]);

        var links = DeviceLinksParser.Parse("by-partlabel/zfs-5a1b\t../../sdc1\ngptid/" + Uuid1 + "\t../da0p2\n");
        Assert.Equal(new[] { ("by-partlabel", "sdc1"), ("gptid", "da0p2") }, links.Select(l => (l.Kind, l.KernelName)));
    }
}
