using System.Text;
using Xunit.Abstractions;

namespace NasBurnin.Engine.Tests.Inventory;

/// <summary>Our own fixtures (in the repository) and the shared real captures (beside it, may be absent).</summary>
internal static class InventoryFixtures
{
    public static string Dir => Path.Combine(TestPaths.Root, "tests", "NasBurnin.Engine.Tests", "Inventory", "Fixtures");

    public static string Read(string name) => File.ReadAllText(Path.Combine(Dir, name));

    /// <summary>A copy of a smartctl fixture with another serial number (so several disks can share a template).</summary>
    public static string WithSerial(string name, string serial)
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse(Read(name))!;
        json["serial_number"] = serial;
        return json.ToJsonString();
    }

    /// <summary>The shared captures folder for <paramref name="sub"/>, or null (the test then skips with <see cref="Missing"/>).</summary>
    public static string? Shared(string sub, ITestOutputHelper output)
    {
        var dir = Path.Combine(TestPaths.SharedFixtures, sub);
        return Directory.Exists(dir) ? dir : null;
    }

    public static string Missing => $"the shared captures folder {TestPaths.SharedFixtures} is absent; this conformance test needs it.";

    /// <summary>Builds inventory-script output the way the script prints it.</summary>
    public sealed class ScriptOutput
    {
        private readonly StringBuilder _sb = new();

        public ScriptOutput Section(string name, string output, int rc = 0, string error = "")
        {
            _sb.Append("===NASBURNIN:BEGIN ").Append(name).Append("===\n").Append(output)
               .Append("\n===NASBURNIN:STDERR ").Append(name).Append("===\n").Append(error)
               .Append("\n===NASBURNIN:END ").Append(name).Append(" rc=").Append(rc).Append("===\n");
            return this;
        }

        public string Done() => _sb.Append("===NASBURNIN:DONE===\n").ToString();

        public string Unfinished() => _sb.ToString();
    }

    /// <summary>
    /// The fixture NAS: sda system SSD (ESP, /, swap), sdb mounted data disk, sdc stale ext4 with pending
    /// sectors, sdd/sde pool "tank" members (by-id partition link, /dev path), sdf its spare (wwn- name), sdg
    /// free with unreadable smartctl output, sdh LVM with a mounted LV, sdi old "oldpool" label on SAS, sdj USB
    /// behind an unknown bridge, sdk/sdl md RAID1 mounted, nvme0n1 free with a critical warning; loop0, sr0 and
    /// zram0 are not drives.
    /// </summary>
    public static ScriptOutput Nas(bool zpool = true, bool smartctl = true)
    {
        var o = new ScriptOutput()
            .Section("meta", "format=1\nuid=0\nkernel=Linux 6.1.0-28-amd64\nsmartctl=smartctl 7.3 2022-02-28 r5338")
            .Section("lsblk", Read("nas-lsblk.json"))
            .Section("findmnt", Read("nas-findmnt.json"))
            .Section("mounts", "")
            .Section("swaps", Read("nas-swaps.txt"))
            .Section("links", Read("nas-links.txt"));
        o = zpool ? o.Section("zpool", Read("nas-zpool.txt")) : o.Section("zpool", "", 127, "zpool: command not found");
        var smart = new (string Dev, string Json, int Rc)[]
        {
            ("sda", Read("smart-sata-ssd-old-failure-superseded.json"), 0),
            ("sdb", Read("smart-sata-hdd-healthy.json"), 0),
            ("sdc", Read("smart-sata-pending-passed.json"), 192),
            ("sdd", WithSerial("smart-sata-hdd-healthy.json", "ZGY0D"), 0),
            ("sde", WithSerial("smart-sata-hdd-healthy.json", "ZGY0E"), 0),
            ("sdf", WithSerial("smart-sata-hdd-healthy.json", "ZGY0F"), 0),
            ("sdg", Read("smart-not-json.txt"), 2),
            ("sdh", Read("smart-truncated.json"), 0),
            ("sdi", Read("smart-sas-hdd.json"), 0),
            ("sdj", Read("smart-usb-bridge-error.json"), 1),
            ("sdk", WithSerial("smart-sata-hdd-healthy.json", "ZGY0K"), 0),
            ("sdl", WithSerial("smart-sata-hdd-healthy.json", "ZGY0L"), 0),
            ("nvme0n1", Read("smart-nvme-critical.json"), 8),
        };
        foreach (var (dev, json, rc) in smart)
            o = smartctl ? o.Section("smartctl /dev/" + dev, json, rc) : o.Section("smartctl /dev/" + dev, "", 127, "smartctl: command not found");
        return o;
    }
}
