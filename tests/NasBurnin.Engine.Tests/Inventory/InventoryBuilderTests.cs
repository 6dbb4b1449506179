using NasBurnin.Engine.Inventory;
using Xunit;
using DriveInfo = NasBurnin.Engine.Inventory.DriveInfo;

namespace NasBurnin.Engine.Tests.Inventory;

public class InventoryBuilderTests
{
    private static HostInventory Build(string output, bool includeLoop = false) =>
        InventoryBuilder.Build("nas01", InventoryOutput.Parse(output), new InventoryOptions { Script = new InventoryScriptOptions { IncludeLoop = includeLoop } });

    private static DriveInfo Drive(HostInventory inv, string kname) => Assert.Single(inv.Drives, d => d.KernelName == kname);

    [Fact]
    public void Classifies_every_disk_of_the_fixture_nas()
    {
        var inv = Build(InventoryFixtures.Nas().Done());

        Assert.True(inv.Complete);
        Assert.Equal(
            new[] { "nvme0n1", "sda", "sdb", "sdc", "sdd", "sde", "sdf", "sdg", "sdh", "sdi", "sdj", "sdk", "sdl" },
            inv.Drives.Select(d => d.KernelName).Order(StringComparer.Ordinal));

        var sda = Drive(inv, "sda");
        Assert.Equal(DriveRole.System, sda.Role);
        Assert.Contains(sda.RoleReasons, r => r.Contains("holds / on /dev/sda2"));
        Assert.Contains(sda.RoleReasons, r => r.Contains("EFI system partition /dev/sda1"));
        Assert.Contains(sda.RoleReasons, r => r.Contains("active swap on /dev/sda3"));
        Assert.Equal(new[] { "/", "/boot/efi", "[SWAP]" }, sda.Mountpoints);
        Assert.Equal("/dev/disk/by-id/ata-Samsung_SSD_870_EVO_500GB_S62ANJ0R123456A", sda.ByIdPath);

        Assert.Equal(DriveRole.Mounted, Drive(inv, "sdb").Role);
        Assert.Equal(new[] { "/srv/data" }, Drive(inv, "sdb").Mountpoints);
        Assert.Equal(DriveRole.Stale, Drive(inv, "sdc").Role);
        Assert.Contains(Drive(inv, "sdc").RoleReasons, r => r.Contains("ext4 signature 'old-backup' on /dev/sdc1"));

        var sdd = Drive(inv, "sdd");
        Assert.Equal(DriveRole.PoolMember, sdd.Role);
        Assert.Equal("tank", sdd.PoolName);
        Assert.Equal(PoolRole.Member, sdd.PoolRole);
        Assert.Equal("mirror-0", Assert.Single(sdd.Pools).Vdev);
        Assert.Equal((DriveRole.PoolMember, PoolRole.Member), (Drive(inv, "sde").Role, Drive(inv, "sde").PoolRole!.Value));
        Assert.Equal((DriveRole.PoolMember, PoolRole.Spare), (Drive(inv, "sdf").Role, Drive(inv, "sdf").PoolRole!.Value));

        Assert.Equal(DriveRole.Free, Drive(inv, "sdg").Role);
        Assert.Equal(DriveRole.Mounted, Drive(inv, "sdh").Role);
        Assert.Contains(Drive(inv, "sdh").RoleReasons, r => r.Contains("/srv/lvm"));
        Assert.Equal(DriveRole.Stale, Drive(inv, "sdi").Role);
        Assert.Contains(Drive(inv, "sdi").RoleReasons, r => r.Contains("'oldpool'") && r.Contains("not an imported pool"));
        Assert.Equal(DriveRole.Free, Drive(inv, "sdj").Role);
        Assert.Equal(DriveRole.Mounted, Drive(inv, "sdk").Role);
        Assert.Equal(DriveRole.Mounted, Drive(inv, "sdl").Role);
        Assert.Equal(new[] { "/srv/md" }, Drive(inv, "sdl").Mountpoints);
        Assert.Equal(DriveRole.Free, Drive(inv, "nvme0n1").Role);
    }

    [Fact]
    public void Judges_health_and_transport_per_drive()
    {
        var inv = Build(InventoryFixtures.Nas().Done());

        Assert.Equal(SmartHealth.Warning, Drive(inv, "sda").SmartHealth); // old failed extended test, superseded
        var sdb = Drive(inv, "sdb");
        Assert.Equal(SmartHealth.Passed, sdb.SmartHealth);
        Assert.Empty(sdb.Warnings);
        Assert.Equal((DriveTransport.Sata, true, 34, 4712L), (sdb.Transport, sdb.Rotational!.Value, sdb.TemperatureC!.Value, sdb.PowerOnHours!.Value));
        Assert.Equal(SelfTestStatus.Passed, sdb.SelfTestStatus);
        Assert.Equal("ST4000VN008-2DR166|ZGY0TEST|0x5000c500a496983d", sdb.Identity);

        var sdc = Drive(inv, "sdc");
        Assert.Equal(SmartHealth.Failed, sdc.SmartHealth);
        Assert.Equal((3L, 8L, 2L, 14L), (sdc.ReallocatedSectors!.Value, sdc.PendingSectors!.Value, sdc.OfflineUncorrectable!.Value, sdc.CrcErrors!.Value));
        Assert.Contains(sdc.Warnings, w => w.Contains("pending"));
        Assert.Equal(SelfTestStatus.Failed, sdc.SelfTestStatus);

        var sdg = Drive(inv, "sdg");
        Assert.Equal(SmartHealth.Unknown, sdg.SmartHealth);
        Assert.Contains(sdg.Warnings, w => w.Contains("not JSON"));
        Assert.Null(sdg.SmartJson);
        Assert.Equal("ST8000VN004-2M2101", sdg.Model); // still identified, from lsblk
        Assert.Equal(SmartHealth.Unknown, Drive(inv, "sdh").SmartHealth);
        Assert.Contains(Drive(inv, "sdh").Warnings, w => w.Contains("truncated"));

        var sdi = Drive(inv, "sdi");
        Assert.Equal((DriveTransport.Sas, SmartHealth.Warning), (sdi.Transport, sdi.SmartHealth)); // 2 grown defects
        var sdj = Drive(inv, "sdj");
        Assert.Equal((DriveTransport.Usb, SmartHealth.Unknown), (sdj.Transport, sdj.SmartHealth));
        Assert.Contains(sdj.Warnings, w => w.Contains("Unknown USB bridge"));

        var nvme = Drive(inv, "nvme0n1");
        Assert.Equal((DriveTransport.Nvme, SmartHealth.Failed, false), (nvme.Transport, nvme.SmartHealth, nvme.Rotational!.Value));
        Assert.Equal((4, 384L, 97), (nvme.NvmeCriticalWarning!.Value, nvme.NvmeMediaErrors!.Value, nvme.PercentUsed!.Value));
        Assert.Equal((SelfTestStatus.InProgress, 75), (nvme.SelfTestStatus, nvme.SelfTestRemainingPercent!.Value));
        Assert.Equal("/dev/disk/by-id/nvme-WDC_WDS500G2B0C-00PXH0_21123X800123", nvme.ByIdPath);
        Assert.Equal("eui.001b444a44a5b6c7", nvme.Wwn); // lsblk's spelling wins for the identity
    }

    [Fact]
    public void Loop_devices_are_drives_only_when_asked()
    {
        var inv = Build(InventoryFixtures.Nas().Done(), includeLoop: true);
        var loop = Drive(inv, "loop0");
        Assert.Equal(DriveRole.Mounted, loop.Role);
        Assert.False(loop.IdentityStable);
        Assert.Equal("host:nas01|dev:loop0", loop.Identity);
        Assert.Contains(loop.Warnings, w => w.Contains("no smartctl output"));
        Assert.DoesNotContain(inv.Drives, d => d.KernelName is "zram0" or "sr0");
    }

    [Fact]
    public void Missing_zpool_makes_zfs_labelled_drives_stale_not_free()
    {
        var inv = Build(InventoryFixtures.Nas(zpool: false).Done());
        Assert.Contains("zpool not found: pool membership unknown.", inv.Warnings);
        foreach (var k in new[] { "sdd", "sde", "sdf", "sdi" })
        {
            var d = Drive(inv, k);
            Assert.Equal(DriveRole.Stale, d.Role);
            Assert.Contains(d.RoleReasons, r => r.Contains("zpool is unavailable"));
        }
        // /tank is mounted from ZFS, so the reasons say these may belong to an imported pool.
        Assert.Contains(Drive(inv, "sdd").RoleReasons, r => r.Contains("may belong to an imported pool"));
        Assert.Equal(DriveRole.System, Drive(inv, "sda").Role);
    }

    [Fact]
    public void Missing_smartctl_leaves_every_drive_listed_with_health_unknown()
    {
        var inv = Build(InventoryFixtures.Nas(smartctl: false).Done());
        Assert.Equal(13, inv.Drives.Count);
        Assert.All(inv.Drives, d =>
        {
            Assert.Equal(SmartHealth.Unknown, d.SmartHealth);
            Assert.Contains(d.Warnings, w => w.Contains("smartctl was not found"));
        });
        Assert.Contains(inv.Warnings, w => w.StartsWith("smartctl was not found on the host"));
        Assert.Equal("ZGY0TEST", Drive(inv, "sdb").Serial); // identity from lsblk alone
        Assert.Equal(DriveRole.System, Drive(inv, "sda").Role);
    }

    [Fact]
    public void Root_on_zfs_makes_the_root_pool_members_system()
    {
        var lsblk = """
            {"blockdevices": [
              {"name": "nvme0n1", "kname": "nvme0n1", "type": "disk", "size": 1000204886016, "tran": "nvme", "serial": "S1", "model": "M", "pttype": "gpt",
               "children": [{"name": "nvme0n1p1", "kname": "nvme0n1p1", "type": "part", "size": 536870912, "parttype": "c12a7328-f81f-11d2-ba4b-00a0c93ec93b", "fstype": "vfat"},
                            {"name": "nvme0n1p2", "kname": "nvme0n1p2", "type": "part", "size": 999000000000, "fstype": "zfs_member", "label": "rpool"}]},
              {"name": "nvme1n1", "kname": "nvme1n1", "type": "disk", "size": 1000204886016, "tran": "nvme", "serial": "S2", "model": "M", "pttype": "gpt",
               "children": [{"name": "nvme1n1p2", "kname": "nvme1n1p2", "type": "part", "size": 999000000000, "fstype": "zfs_member", "label": "rpool"}]},
              {"name": "sda", "kname": "sda", "type": "disk", "size": 4000787030016, "tran": "sata", "serial": "S3", "model": "H", "fstype": "zfs_member", "label": "data"}
            ]}
            """;
        var findmnt = """{"filesystems": [{"target": "/", "source": "rpool/ROOT/pve-1", "fstype": "zfs"}, {"target": "/data", "source": "data", "fstype": "zfs"}]}""";
        var zpool = "  pool: data\n state: ONLINE\nconfig:\n\n\tNAME        STATE     READ WRITE CKSUM\n\tdata        ONLINE       0     0     0\n\t  /dev/sda  ONLINE       0     0     0\n\n" +
                    "  pool: rpool\n state: ONLINE\nconfig:\n\n\tNAME                STATE     READ WRITE CKSUM\n\trpool               ONLINE       0     0     0\n\t  mirror-0          ONLINE       0     0     0\n\t    /dev/nvme0n1p2  ONLINE       0     0     0\n\t    /dev/nvme1n1p2  ONLINE       0     0     0\n\nerrors: No known data errors\n";
        var inv = Build(new InventoryFixtures.ScriptOutput().Section("lsblk", lsblk).Section("findmnt", findmnt).Section("zpool", zpool).Done());

        var second = Drive(inv, "nvme1n1"); // no ESP, no mount: System only through the root pool
        Assert.Equal(DriveRole.System, second.Role);
        Assert.Equal("rpool", second.PoolName);
        Assert.Contains(second.RoleReasons, r => r.Contains("system pool 'rpool'"));
        Assert.Equal(DriveRole.System, Drive(inv, "nvme0n1").Role);
        Assert.Equal((DriveRole.PoolMember, "data"), (Drive(inv, "sda").Role, Drive(inv, "sda").PoolName));
    }

    [Fact]
    public void A_device_name_that_is_not_a_kernel_name_is_left_out_with_a_warning()
    {
        var lsblk = """
            {"blockdevices": [
              {"name": "sdb", "kname": "sdb", "type": "disk", "size": 1000, "serial": "A"},
              {"name": "x", "kname": "sdc;reboot", "type": "disk", "size": 1000, "serial": "B"},
              {"name": "y", "kname": "../etc", "type": "disk", "size": 1000, "serial": "C"}
            ]}
            """;
        var inv = Build(new InventoryFixtures.ScriptOutput().Section("lsblk", lsblk).Section("smartctl /dev/sdc;reboot", "{}").Done());
        Assert.Equal("/dev/sdb", Assert.Single(inv.Drives).Device);
        Assert.Equal(2, inv.Warnings.Count(w => w.Contains("not a kernel device name")));
    }

    [Fact]
    public void Unreadable_lsblk_still_lists_the_drives_smartctl_answered_for_with_role_unknown()
    {
        var output = new InventoryFixtures.ScriptOutput()
            .Section("lsblk", "lsblk: unknown column: MOUNTPOINTS", 1, "lsblk: unknown column")
            .Section("smartctl /dev/sdb", InventoryFixtures.Read("smart-sata-hdd-healthy.json"))
            .Section("smartctl /dev/x;y", "{}")
            .Done();
        var inv = Build(output);
        var d = Assert.Single(inv.Drives);
        Assert.Equal((DriveRole.Unknown, SmartHealth.Passed, "ZGY0TEST"), (d.Role, d.SmartHealth, d.Serial));
        Assert.False(inv.Complete);
        Assert.Contains(inv.Warnings, w => w.Contains("lsblk failed"));
    }

    [Fact]
    public void A_cut_off_output_is_incomplete_and_the_cut_drive_is_unknown()
    {
        var text = InventoryFixtures.Nas().Unfinished();
        text = text[..(text.LastIndexOf("===NASBURNIN:STDERR", StringComparison.Ordinal) - 200)];
        var inv = Build(text);
        Assert.False(inv.Complete);
        Assert.Contains(inv.Warnings, w => w.Contains("cut off"));
        var nvme = Drive(inv, "nvme0n1");
        Assert.Equal(SmartHealth.Unknown, nvme.SmartHealth);
        Assert.Contains(nvme.Warnings, w => w.Contains("cut off"));
        Assert.Equal(SmartHealth.Passed, Drive(inv, "sdb").SmartHealth);
    }

    [Fact]
    public void Two_paths_to_one_drive_become_one_record()
    {
        var lsblk = """
            {"blockdevices": [
              {"name": "sdb", "kname": "sdb", "type": "disk", "size": 1000, "serial": "MP1", "model": "M", "wwn": "0x5000c500aaaaaaaa", "children": [{"name": "mpatha", "kname": "dm-0", "type": "mpath", "size": 1000}]},
              {"name": "sdc", "kname": "sdc", "type": "disk", "size": 1000, "serial": "MP1", "model": "M", "wwn": "0x5000c500aaaaaaaa", "children": [{"name": "mpatha", "kname": "dm-0", "type": "mpath", "size": 1000}]}
            ]}
            """;
        var inv = Build(new InventoryFixtures.ScriptOutput().Section("lsblk", lsblk).Section("zpool", "no pools available").Done());
        var d = Assert.Single(inv.Drives);
        Assert.Equal(DriveRole.Mounted, d.Role); // held by multipath
        Assert.Contains(d.Warnings, w => w.Contains("also reachable as /dev/sdc"));
    }

    [Fact]
    public void Ambiguous_pool_names_protect_every_candidate_and_unmatched_ones_are_reported()
    {
        // Two disks behind one controller report the same WWN; the pool names it. Both are protected.
        var lsblk = """
            {"blockdevices": [
              {"name": "sdb", "kname": "sdb", "type": "disk", "size": 1000, "serial": "A1", "model": "M", "wwn": "0x5000c500aaaa0001", "fstype": "zfs_member", "label": "tank"},
              {"name": "sdc", "kname": "sdc", "type": "disk", "size": 1000, "serial": "A2", "model": "M", "wwn": "0x5000c500aaaa0001"},
              {"name": "sdd", "kname": "sdd", "type": "disk", "size": 1000, "serial": "A3", "model": "M", "wwn": "0x5000c500aaaa0003", "fstype": "zfs_member", "label": "tank"}
            ]}
            """;
        var zpool = "  pool: tank\n state: DEGRADED\nconfig:\n\n\tNAME                        STATE     READ WRITE CKSUM\n\ttank                        DEGRADED     0     0     0\n" +
                    "\t  mirror-0                  DEGRADED     0     0     0\n\t    wwn-0x5000c500aaaa0001  ONLINE       0     0     0\n" +
                    "\t    ata-GONE_DISK_X         UNAVAIL      0     0     0\n\t    9786358425043361232     UNAVAIL      0     0     0  was /dev/sdz1\n\nerrors: No known data errors\n";
        var inv = Build(new InventoryFixtures.ScriptOutput().Section("lsblk", lsblk).Section("zpool", zpool).Done());
        Assert.Equal(DriveRole.PoolMember, Drive(inv, "sdb").Role);
        Assert.Equal(DriveRole.PoolMember, Drive(inv, "sdc").Role);
        Assert.Contains(inv.Warnings, w => w.Contains("matches several devices (sdb, sdc)"));
        // Names nothing matches are warned about by name, the missing device listed by GUID too, and the pool is called degraded.
        Assert.Contains(inv.Warnings, w => w.Contains("names 'ata-GONE_DISK_X', UNAVAIL, which matches no block device") && w.Contains("degraded"));
        Assert.Contains(inv.Warnings, w => w.Contains("names '9786358425043361232' (was /dev/sdz1), UNAVAIL, which matches no block device"));
        Assert.Contains("Pool 'tank' is DEGRADED.", inv.Warnings);
        // sdd carries the label of the imported pool and is not listed, while two of its names matched nothing:
        // it may well be one of them, so it stays the pool's.
        var sdd = Drive(inv, "sdd");
        Assert.Equal((DriveRole.PoolMember, "tank", PoolRole.Member), (sdd.Role, sdd.PoolName, sdd.PoolRole!.Value));
        Assert.Contains(sdd.RoleReasons, r => r.Contains("found by its ZFS label") && r.Contains("'ata-GONE_DISK_X'") && r.Contains("'/dev/sdz1'"));
    }

    [Theory]
    [InlineData("sas", DriveTransport.Other, DriveTransport.Sas)]
    [InlineData("usb", DriveTransport.Sata, DriveTransport.Usb)]
    [InlineData("sas", DriveTransport.Sata, DriveTransport.Sata)] // a SATA drive on a SAS HBA is still SATA
    [InlineData("iscsi", null, DriveTransport.Other)]
    [InlineData("virtio", null, DriveTransport.Other)]
    [InlineData("nvme", null, DriveTransport.Nvme)]
    public void Transport_combines_smartctl_and_lsblk(string tran, DriveTransport? smart, DriveTransport expected) =>
        Assert.Equal(expected, InventoryBuilder.TransportOf(smart, tran));
}
