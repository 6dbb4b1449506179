using NasBurnin.Engine.Inventory;
using Xunit;
using Xunit.Abstractions;

namespace NasBurnin.Engine.Tests.Inventory;

/// <summary>lsblk, findmnt, /proc/mounts, /proc/swaps, device links and the sectioned script output.</summary>
public class BlockParsersTests
{
    private readonly ITestOutputHelper _output;

    public BlockParsersTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void Lsblk_reads_the_tree_with_children_mountpoints_and_types()
    {
        var r = LsblkParser.Parse(InventoryFixtures.Read("nas-lsblk.json"));
        Assert.True(r.Ok);
        var sda = r.Devices.Single(d => d.Name == "sda");
        Assert.Equal(("disk", 500107862016L, false, "sata", "gpt"), (sda.Type!, sda.SizeBytes!.Value, sda.Rotational!.Value, sda.Transport!, sda.PartTableType!));
        Assert.Equal(new[] { "sda1", "sda2", "sda3" }, sda.Children.Select(c => c.KernelName));
        Assert.Equal(("c12a7328-f81f-11d2-ba4b-00a0c93ec93b", "sda"), (sda.Children[0].PartType!, sda.Children[0].ParentKernelName!));
        Assert.Equal(new[] { "[SWAP]" }, sda.Children[2].Mountpoints);
        var lv = r.All.Single(d => d.KernelName == "dm-0");
        Assert.Equal(("vg0-data", "/dev/mapper/vg0-data", "lvm"), (lv.Name, lv.Path!, lv.Type!));
        Assert.Equal(2, r.All.Count(d => d.Name == "md0")); // an md array sits under each member
    }

    [Fact]
    public void Lsblk_takes_old_util_linux_strings_and_a_single_mountpoint()
    {
        var json = """
            {"blockdevices": [
              {"name": "sda", "size": "500107862016", "rota": "1", "rm": "0", "type": "disk", "mountpoint": null,
               "children": [{"name": "sda1", "size": "1024", "rota": "1", "type": "part", "mountpoint": "/"}]},
              {"name": "sdb", "size": "223.6G", "rota": false, "type": "disk"},
              {"size": "1G", "type": "disk"}
            ]}
            """;
        var r = LsblkParser.Parse(json);
        var sda = r.Devices[0];
        Assert.Equal((500107862016L, true, false, "sda"), (sda.SizeBytes!.Value, sda.Rotational!.Value, sda.Removable!.Value, sda.KernelName));
        Assert.Equal(new[] { "/" }, sda.Children[0].Mountpoints);
        Assert.Equal("sda", sda.Children[0].ParentKernelName);
        Assert.Empty(sda.Mountpoints);
        Assert.Equal((long)Math.Round(223.6 * 1024 * 1024 * 1024), r.Devices[1].SizeBytes);
        Assert.Equal(2, r.Devices.Count);
        Assert.Single(r.Warnings); // the nameless device
    }

    [Theory]
    [InlineData("")]
    [InlineData("lsblk: unknown column")]
    [InlineData("{\"blockdevices\": [ {\"name\": \"sda\"")]
    [InlineData("{\"other\": []}")]
    public void Lsblk_failures_are_warnings(string text)
    {
        var r = LsblkParser.Parse(text);
        Assert.False(r.Ok);
        Assert.Empty(r.Devices);
        Assert.Single(r.Warnings);
    }

    [SkippableFact]
    public void Real_lsblk_captures_parse()
    {
        var dir = InventoryFixtures.Shared("lsblk", _output);
        Skip.If(dir is null, InventoryFixtures.Missing);
        var ssd = LsblkParser.Parse(File.ReadAllText(Path.Combine(dir, "lsblk-J_real-node_sata-ssd.json")));
        Assert.True(ssd.Ok);
        Assert.Equal(new[] { "loop0", "loop1", "loop2", "loop3", "sda", "sdb", "sdc" }, ssd.Devices.Select(d => d.Name));
        var sda = ssd.Devices.Single(d => d.Name == "sda");
        Assert.Equal(("PNY CS900 240GB", "sata", 4), (sda.Model!, sda.Transport!, sda.Children.Count));
        Assert.Equal(new[] { "/host/var" }, sda.Children.Single(c => c.Name == "sda4").Mountpoints);

        // Classified as a host: both SATA disks have mounted partitions, the iSCSI LUN is free, loops are not drives.
        var cls = DriveClassifier.Classify(new BlockState { Lsblk = ssd, Zpool = new ZpoolStatus(Array.Empty<ZpoolPool>(), Array.Empty<string>()) });
        Assert.Equal(new[] { "sda", "sdb", "sdc" }, cls.Drives.Keys.Order(StringComparer.Ordinal));
        Assert.Equal((DriveRole.Mounted, DriveRole.Mounted, DriveRole.Free), (cls.Drives["sda"].Role, cls.Drives["sdb"].Role, cls.Drives["sdc"].Role));
        Assert.Equal(DriveTransport.Other, InventoryBuilder.TransportOf(null, ssd.Devices.Single(d => d.Name == "sdc").Transport));

        var longhorn = LsblkParser.Parse(File.ReadAllText(Path.Combine(dir, "lsblk-J_real-node_longhorn-volumes.json")));
        Assert.True(longhorn.Ok);
        Assert.Equal("rom", longhorn.Devices.Single(d => d.Name == "sr0").Type);
        Assert.Equal(27, longhorn.All.Count());
        foreach (var f in Directory.GetFiles(dir, "*.txt")) // text captures are not JSON: a warning, never an exception
            Assert.False(LsblkParser.Parse(File.ReadAllText(f)).Ok);
    }

    [Fact]
    public void Findmnt_reads_lists_and_trees()
    {
        var t = FindmntParser.Parse(InventoryFixtures.Read("nas-findmnt.json"));
        Assert.True(t.Ok);
        var tank = t.Mounts.Single(m => m.Target == "/tank/media");
        Assert.Equal(("tank", "0:51"), (tank.ZfsPool!, tank.MajMin!));
        Assert.Null(t.Mounts.Single(m => m.Target == "/").ZfsPool);
        Assert.Equal("/dev/sda2", new MountEntry("/home", "/dev/sda2[/@home]", "btrfs").SourceDevice);
    }

    [SkippableFact]
    public void Real_findmnt_capture_parses_its_tree()
    {
        var dir = InventoryFixtures.Shared("findmnt", _output);
        Skip.If(dir is null, InventoryFixtures.Missing);
        var t = FindmntParser.Parse(File.ReadAllText(Path.Combine(dir, "findmnt-json_util-linux_outputs-json.json")));
        Assert.True(t.Ok);
        Assert.Equal(("/", "/dev/sda4", "ext3"), (t.Mounts[0].Target, t.Mounts[0].Source, t.Mounts[0].FsType!));
        Assert.Contains(t.Mounts, m => m.Target == "/proc/sys/fs/binfmt_misc" && m.FsType == "binfmt_misc"); // three levels deep
        Assert.True(t.Mounts.Count > 20);
        Assert.False(FindmntParser.Parse(File.ReadAllText(Path.Combine(dir, "findmnt-l_centos7.txt"))).Ok);
    }

    [Fact]
    public void Proc_mounts_swaps_and_links_parse()
    {
        var m = FindmntParser.ParseProcMounts("/dev/sda2 / ext4 rw,relatime 0 0\nproc /proc proc rw 0 0\n/dev/sdb1 /mnt/my\\040disk ext4 rw 0 0\n");
        Assert.Equal(3, m.Mounts.Count);
        Assert.Equal("/mnt/my disk", m.Mounts[2].Target);
        Assert.False(FindmntParser.ParseProcMounts("").Ok);

        Assert.Equal(new[] { "/dev/sda3", "/dev/zram0" }, SwapsParser.Parse(InventoryFixtures.Read("nas-swaps.txt")));
        Assert.Empty(SwapsParser.Parse("Filename\tType\tSize\tUsed\tPriority\n"));

        var links = DeviceLinksParser.Parse(InventoryFixtures.Read("nas-links.txt"));
        Assert.Contains(links, l => l is { Kind: "by-id", Name: "ata-ST4000VN008-2DR166_ZGY0D-part1", KernelName: "sdd1" });
        Assert.Contains(links, l => l is { Kind: "by-partuuid", KernelName: "sde1" });
    }

    [Fact]
    public void Script_output_splits_into_sections_with_exit_codes()
    {
        var text = "Welcome to nas01!\n" + new InventoryFixtures.ScriptOutput()
            .Section("meta", "format=1\nuid=0")
            .Section("lsblk", "{\"blockdevices\": []}\n", 0, "warning: something\n")
            .Section("zpool", "", 127, "zpool: command not found")
            .Section("smartctl /dev/sdb", "no newline at the end", 4)
            .Done();
        var o = InventoryOutput.Parse(text);
        Assert.True(o.Complete);
        Assert.Empty(o.Warnings);
        Assert.Equal(new[] { "meta", "lsblk", "zpool", "smartctl /dev/sdb" }, o.Order);
        Assert.Equal("0", o.Meta["uid"]);
        Assert.Equal(("{\"blockdevices\": []}\n", "warning: something\n", 0), (o.Get("lsblk")!.Output, o.Get("lsblk")!.Error, o.Get("lsblk")!.ExitCode!.Value));
        Assert.True(o.Get("zpool")!.ToolMissing);
        Assert.Equal("zpool: command not found", o.Get("zpool")!.FirstErrorLine);
        var (device, section) = Assert.Single(o.SmartctlSections);
        Assert.Equal(("/dev/sdb", "no newline at the end", 4), (device, section.Output, section.ExitCode!.Value));
    }

    [Fact]
    public void Script_output_cut_off_mid_section_is_marked()
    {
        var text = new InventoryFixtures.ScriptOutput().Section("lsblk", "{}").Unfinished() + "===NASBURNIN:BEGIN smartctl /dev/sdb===\n{\"json_format";
        var o = InventoryOutput.Parse(text);
        Assert.False(o.Complete);
        Assert.True(o.Get("smartctl /dev/sdb")!.Truncated);
        Assert.False(o.Get("lsblk")!.Truncated);
        Assert.Equal(2, o.Warnings.Count);
        Assert.Empty(InventoryOutput.Parse(null).Sections);
    }

    [Fact]
    public void Marker_lookalikes_inside_content_do_not_split_sections()
    {
        // A drive model can say anything; inside JSON it is never a whole line of its own.
        var text = new InventoryFixtures.ScriptOutput()
            .Section("smartctl /dev/sdb", "{\n  \"model_name\": \"===NASBURNIN:END smartctl /dev/sdb rc=0===\"\n}")
            .Done();
        var o = InventoryOutput.Parse(text);
        Assert.Contains("model_name", o.Get("smartctl /dev/sdb")!.Output);
        Assert.Equal("===NASBURNIN:END smartctl /dev/sdb rc=0===", SmartctlParser.Parse(o.Get("smartctl /dev/sdb")!.Output).Model);
    }
}
