using NasBurnin.Engine.Inventory;
using Xunit;
using Xunit.Abstractions;

namespace NasBurnin.Engine.Tests.Inventory;

public class ZpoolStatusParserTests
{
    private readonly ITestOutputHelper _output;

    public ZpoolStatusParserTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void Reads_our_fixture_with_paths_counters_and_a_spare()
    {
        var s = ZpoolStatusParser.Parse(InventoryFixtures.Read("nas-zpool.txt"));
        var pool = Assert.Single(s.Pools);
        Assert.Equal(("tank", "ONLINE"), (pool.Name, pool.State));
        Assert.Equal("No known data errors", pool.Errors);
        var mirror = pool.Vdevs[0];
        Assert.Equal(("mirror-0", "mirror", 2), (mirror.Name, mirror.Kind, mirror.Children.Count));
        var members = pool.Members.ToList();
        Assert.Equal(3, members.Count);
        Assert.Equal(("/dev/sde1", PoolRole.Member, "mirror-0", 2L), (members[1].Device, members[1].Role, members[1].Vdev!, members[1].ChecksumErrors!.Value));
        Assert.Equal(("wwn-0x5000c500a4a5a6f0", PoolRole.Spare, "AVAIL"), (members[2].Device, members[2].Role, members[2].State!));
        Assert.Null(members[2].ReadErrors);
    }

    [Fact]
    public void Reads_logs_cache_special_sections_and_nested_groups()
    {
        var text = string.Join('\n',
            "  pool: big", " state: DEGRADED", "status: One or more devices has been taken offline by the administrator.",
            "\tSufficient replicas exist.", "config:", "",
            "\tNAME                          STATE     READ WRITE CKSUM",
            "\tbig                           DEGRADED     0     0     0",
            "\t  raidz2-0                    DEGRADED     0     0     0",
            "\t    /dev/sda1                 ONLINE       0     0     0",
            "\t    spare-1                   DEGRADED     0     0     0",
            "\t      /dev/sdb1               OFFLINE      0     0     0",
            "\t      /dev/sdk1               ONLINE       0     0     0",
            "\t    replacing-2               DEGRADED     0     0     0",
            "\t      /dev/sdc1/old           UNAVAIL      0     0     0  cannot open",
            "\t      /dev/sdl1               ONLINE       0     0     0  (resilvering)",
            "\t  draid2:4d:8c:1s-1           ONLINE       0     0     0",
            "\t    /dev/sdm1                 ONLINE       1.2K  0     0",
            "\tspecial",
            "\t  mirror-2                    ONLINE       0     0     0",
            "\t    /dev/nvme0n1p1            ONLINE       0     0     0",
            "\t    /dev/nvme1n1p1            ONLINE       0     0     0",
            "\tlogs",
            "\t  /dev/nvme0n1p2              ONLINE       0     0     0",
            "\tcache",
            "\t  /dev/nvme1n1p3              ONLINE       0     0     0",
            "\tspares",
            "\t  /dev/sdk1                   INUSE     currently in use",
            "", "errors: No known data errors");
        var pool = Assert.Single(ZpoolStatusParser.Parse(text).Pools);
        Assert.Equal("One or more devices has been taken offline by the administrator. Sufficient replicas exist.", pool.Status);
        Assert.Equal(new[] { "raidz2", "draid", "mirror", "disk", "disk", "disk" }, pool.Vdevs.Select(v => v.Kind));
        var m = pool.Members.ToDictionary(x => (x.Device, x.Role));
        Assert.Equal("raidz2-0", m[("/dev/sdb1", PoolRole.Member)].Vdev);
        Assert.Equal("OFFLINE", m[("/dev/sdb1", PoolRole.Member)].State);
        Assert.Equal("cannot open", m[("/dev/sdc1/old", PoolRole.Member)].Note);
        Assert.Equal(1229L, m[("/dev/sdm1", PoolRole.Member)].ReadErrors);
        Assert.Equal(PoolRole.Special, m[("/dev/nvme1n1p1", PoolRole.Special)].Role);
        Assert.True(m.ContainsKey(("/dev/nvme0n1p2", PoolRole.Log)));
        Assert.True(m.ContainsKey(("/dev/nvme1n1p3", PoolRole.Cache)));
        Assert.Equal("INUSE", m[("/dev/sdk1", PoolRole.Spare)].State);
        Assert.True(m.ContainsKey(("/dev/sdk1", PoolRole.Member))); // the spare in use also sits in spare-1
    }

    [Fact]
    public void No_pools_and_garbage_give_no_pools()
    {
        Assert.Empty(ZpoolStatusParser.Parse("no pools available\n").Pools);
        Assert.Empty(ZpoolStatusParser.Parse("").Pools);
        Assert.Empty(ZpoolStatusParser.Parse("{ not json").Pools);
        Assert.Single(ZpoolStatusParser.Parse("{ not json").Warnings);
    }

    // ------------------------------------------------------------------ real captures

    private sealed record Expect(int Pools, string[] States, int Members, string? Sample = null, string? SampleState = null, PoolRole SampleRole = PoolRole.Member);

    /// <summary>What each capture holds, read off the files by hand (see PROVENANCE.md).</summary>
    private static readonly Dictionary<string, Expect> Captures = new()
    {
        ["status_4mirrors_with-spare.txt"] = new(1, new[] { "ONLINE" }, 9, "sdf", "AVAIL", PoolRole.Spare),
        ["status_degraded_UNAVAIL_cksum100980_redacted.txt"] = new(1, new[] { "DEGRADED" }, 3, "12345678901234567890", "UNAVAIL"),
        ["status_degraded_device-REMOVED.txt"] = new(1, new[] { "DEGRADED" }, 2, "drive0-part1", "REMOVED"),
        ["status_freebsd-labels_3pools_scrub-canceled.txt"] = new(3, new[] { "ONLINE", "ONLINE", "ONLINE" }, 3, "ST3500418AS-5VMSTSSX:5", "ONLINE"),
        ["status_freenas_gptid_mirrors_scrubbed.txt"] = new(2, new[] { "ONLINE", "ONLINE" }, 5, "gptid/a96f4d37-5218-11e3-9e38-10604b926998", "ONLINE"),
        ["status_mirror-wwn_features-upgrade.txt"] = new(1, new[] { "ONLINE" }, 4, "wwn-0x5000c500e3b3a41e", "ONLINE"),
        ["status_online_data-corruption_permission-denied.txt"] = new(1, new[] { "ONLINE" }, 2, "ata-ST8000VN004-2M2101_WKD02XPR-part1", "ONLINE"),
        ["status_raidz1-toshiba_and_nvme-mirror_healthy.txt"] = new(2, new[] { "ONLINE", "ONLINE" }, 5, "nvme-Samsung_SSD_980_500GB_S64DNL0T824555Z-part1", "ONLINE"),
        ["status_solaris_degraded_and_unavail-insufficient-replicas.txt"] = new(2, new[] { "DEGRADED", "UNAVAIL" }, 6, "c4d1p2", "UNAVAIL"),
        ["status_two-pools_features_samsung870-and-seagate.txt"] = new(2, new[] { "ONLINE", "ONLINE" }, 4, "ata-ST8000VN004-2M2101_WSD4EYEW-part1", "ONLINE"),
        ["status-j_json_4pools_openzfs2.3.json"] = new(4, new[] { "ONLINE", "ONLINE", "ONLINE", "ONLINE" }, 0),
        ["list-p_two-pools_one-FAULTED.txt"] = new(2, new[] { "ONLINE", "FAULTED" }, 0),
        ["list-p-v-L_mirror-nvme.txt"] = new(1, new[] { "ONLINE" }, 2, "nvme0n1p3", "ONLINE"),
    };

    [SkippableFact]
    public void Every_real_zpool_capture_yields_its_pools_vdevs_and_members()
    {
        var dir = InventoryFixtures.Shared("zpool", _output);
        Skip.If(dir is null, InventoryFixtures.Missing);
        var files = Directory.GetFiles(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(files);
        foreach (var name in files)
        {
            Assert.True(Captures.TryGetValue(name!, out var expect), $"no expectation written for {name}: add one");
            var s = ZpoolStatusParser.Parse(File.ReadAllText(Path.Combine(dir, name!)));
            _output.WriteLine($"{name}: {string.Join("; ", s.Pools.Select(p => $"{p.Name} {p.State} [{string.Join(", ", p.Members.Select(m => $"{m.Device}={m.State}"))}]"))}");
            Assert.Equal(expect!.Pools, s.Pools.Count);
            Assert.Equal(expect.States, s.Pools.Select(p => p.State));
            Assert.Equal(expect.Members, s.Members.Count());
            if (expect.Sample is not null)
            {
                var m = Assert.Single(s.Members, m => m.Device == expect.Sample);
                Assert.Equal((expect.SampleState, expect.SampleRole), (m.State, m.Role));
            }
            Assert.All(s.Members, m => Assert.NotNull(m.State));
        }
    }

    [SkippableFact]
    public void Real_captures_keep_groups_counters_and_notes()
    {
        var dir = InventoryFixtures.Shared("zpool", _output);
        Skip.If(dir is null, InventoryFixtures.Missing);
        ZpoolStatus Read(string n) => ZpoolStatusParser.Parse(File.ReadAllText(Path.Combine(dir, n)));

        var unavail = Read("status_degraded_UNAVAIL_cksum100980_redacted.txt").Members.First();
        Assert.Equal((100980L, "was /dev/disk/by-id/ata-ST8000DM004-xxxxxx_redacted-part1", "mirror-0"), (unavail.ChecksumErrors!.Value, unavail.Note!, unavail.Vdev!));
        var raidz = Read("status_raidz1-toshiba_and_nvme-mirror_healthy.txt").Pools[0].Vdevs.Single();
        Assert.Equal(("raidz1-0", "raidz1", 3), (raidz.Name, raidz.Kind, raidz.Children.Count));
        var solaris = Read("status_solaris_degraded_and_unavail-insufficient-replicas.txt").Pools[1];
        Assert.Equal("insufficient replicas", solaris.Vdevs[0].Note);
        var freenas = Read("status_freenas_gptid_mirrors_scrubbed.txt").Pools[0];
        Assert.Equal(("freenas-boot", "da0p2"), (freenas.Name, freenas.Members.Single().Device));
        var json = Read("status-j_json_4pools_openzfs2.3.json");
        Assert.Equal(new[] { "rpool", "zpool-hdd", "zpool-nvme", "zpool-ssd" }, json.Pools.Select(p => p.Name));
    }
}
