using NasBurnin.Engine.Common;
using NasBurnin.Engine.Inventory;
using NasBurnin.Engine.Store;
using Xunit;
using DriveInfo = NasBurnin.Engine.Inventory.DriveInfo;

namespace NasBurnin.Engine.Tests.Inventory;

public sealed class DriveRepositoryTests : IDisposable
{
    private sealed class FixedClock : IClock
    {
        public DateTimeOffset UtcNow { get; set; } = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);
    }

    private readonly string _dir = TestPaths.Temp();
    private readonly FixedClock _clock = new();
    private readonly BurninStore _store;
    private readonly DriveRepository _repo;

    public DriveRepositoryTests()
    {
        _store = BurninStore.Open(Path.Combine(_dir, "burnin.db"), _clock);
        _repo = new DriveRepository(_store);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, true);
    }

    private HostInventory Inventory(string output, string host = "nas01") =>
        InventoryBuilder.Build(host, InventoryOutput.Parse(output), new InventoryOptions { Clock = _clock });

    private static string Lsblk(params (string Kname, string Serial, string Model, string? Wwn)[] disks) =>
        "{\"blockdevices\": [" + string.Join(",", disks.Select(d =>
            $"{{\"name\": \"{d.Kname}\", \"kname\": \"{d.Kname}\", \"type\": \"disk\", \"size\": 4000787030016, \"tran\": \"sata\", \"serial\": \"{d.Serial}\", \"model\": \"{d.Model}\", \"wwn\": {(d.Wwn is null ? "null" : $"\"{d.Wwn}\"")}}}")) + "]}";

    [Fact]
    public void Saves_the_fixture_nas_and_reads_it_back_offline_with_its_measurements()
    {
        var saved = _repo.Save(Inventory(InventoryFixtures.Nas().Done()));
        Assert.Equal(13, saved.Count);
        Assert.All(saved, d => Assert.NotNull(d.Id));
        Assert.All(saved, d => Assert.Equal(_clock.UtcNow, d.FirstSeenAt));

        var offline = _repo.Query();
        Assert.Equal(13, offline.Count);
        var sdc = offline.Single(d => d.Device == "/dev/sdc");
        var live = saved.Single(d => d.Device == "/dev/sdc");
        Assert.Equal((live.Id, live.Identity, live.Role, live.SmartHealth, live.Transport), (sdc.Id, sdc.Identity, sdc.Role, sdc.SmartHealth, sdc.Transport));
        Assert.Equal(live.Warnings, sdc.Warnings);
        Assert.Equal(live.RoleReasons, sdc.RoleReasons);
        Assert.Equal((8L, 2L, 3L, 14L, 38), (sdc.PendingSectors!.Value, sdc.OfflineUncorrectable!.Value, sdc.ReallocatedSectors!.Value, sdc.CrcErrors!.Value, sdc.TemperatureC!.Value));
        Assert.Equal(SelfTestStatus.Failed, sdc.SelfTestStatus);
        Assert.NotNull(sdc.Smart);
        Assert.DoesNotContain("\n", sdc.SmartJson); // stored compact
        var sda = offline.Single(d => d.Device == "/dev/sda");
        Assert.Equal(new[] { "/", "/boot/efi", "[SWAP]" }, sda.Mountpoints);
        Assert.Equal(("tank", PoolRole.Spare), (offline.Single(d => d.Device == "/dev/sdf").PoolName!, offline.Single(d => d.Device == "/dev/sdf").PoolRole!.Value));
        Assert.Null(offline.Single(d => d.Device == "/dev/sdg").SmartJson); // not JSON: nothing stored
    }

    [Fact]
    public void A_drive_that_moves_from_sdb_to_sdc_keeps_its_row()
    {
        var first = _repo.Save(Inventory(new InventoryFixtures.ScriptOutput()
            .Section("lsblk", Lsblk(("sdb", "ZA1", "ST4000VN008-2DR166", "0x5000c500aaaa0001"), ("sdc", "ZA2", "ST4000VN008-2DR166", "0x5000c500aaaa0002")))
            .Section("zpool", "no pools available").Done()));
        _clock.UtcNow = _clock.UtcNow.AddHours(1);
        var second = _repo.Save(Inventory(new InventoryFixtures.ScriptOutput()
            .Section("lsblk", Lsblk(("sdc", "ZA1", "ST4000VN008-2DR166", "0x5000c500aaaa0001"), ("sdd", "ZA2", "ST4000VN008-2DR166", "0x5000c500aaaa0002")))
            .Section("zpool", "no pools available").Done()));

        Assert.Equal(first.Single(d => d.Serial == "ZA1").Id, second.Single(d => d.Serial == "ZA1").Id);
        var row = _repo.Get(first.Single(d => d.Serial == "ZA1").Id!.Value)!;
        Assert.Equal(("/dev/sdc", _clock.UtcNow.AddHours(-1), _clock.UtcNow), (row.Device, row.FirstSeenAt!.Value, row.LastSeenAt!.Value));
        Assert.Equal(2, _repo.Query().Count);
    }

    [Fact]
    public void The_same_drive_read_without_smartctl_matches_its_row_despite_a_truncated_model()
    {
        // First inventory: smartctl gives the full model; later only lsblk answers, with sysfs's 16-character model.
        var smart = InventoryFixtures.Read("smart-sata-pending-passed.json");
        var withSmart = _repo.Save(Inventory(new InventoryFixtures.ScriptOutput()
            .Section("lsblk", Lsblk(("sdc", "WD-WCC7K0PENDING", "WDC WD40EFRX-68N32N0", "0x50014ee2b6578d5f")))
            .Section("zpool", "no pools available").Section("smartctl /dev/sdc", smart, 192).Done()));
        var lsblkOnly = _repo.Save(Inventory(new InventoryFixtures.ScriptOutput()
            .Section("lsblk", Lsblk(("sdc", "WD-WCC7K0PENDING", "WDC WD40EFRX-68N", null)))
            .Section("zpool", "no pools available").Section("smartctl /dev/sdc", "", 127, "smartctl: not found").Done()));
        Assert.NotEqual(withSmart[0].Identity, lsblkOnly[0].Identity);
        Assert.Equal(withSmart[0].Id, lsblkOnly[0].Id);
        var row = Assert.Single(_repo.Query());
        Assert.Equal(withSmart[0].Identity, row.Identity); // the identity smartctl vouched for is kept
        Assert.Equal(SmartHealth.Unknown, row.SmartHealth);
        Assert.NotNull(row.SmartJson); // the last SMART snapshot stays
        Assert.Equal(8L, row.PendingSectors);
    }

    [Fact]
    public void A_drive_in_standby_keeps_its_last_SMART_values_health_and_their_time_while_its_role_is_new()
    {
        var smart = InventoryFixtures.Read("smart-sata-pending-passed.json");
        string Output(string smartOut, int rc, string mount) => new InventoryFixtures.ScriptOutput()
            .Section("lsblk", Lsblk(("sdc", "WD-WCC7K0PENDING", "WDC WD40EFRX-68N32N0", "0x50014ee2b6578d5f")))
            .Section("findmnt", mount).Section("zpool", "no pools available").Section("smartctl /dev/sdc", smartOut, rc).Done();
        var read = _repo.Save(Inventory(Output(smart, 192, "{\"filesystems\": []}"))).Single();
        Assert.Equal((SmartHealth.Failed, DrivePowerMode.Active, _clock.UtcNow), (read.SmartHealth, read.PowerMode, read.SmartReadAt!.Value));
        Assert.Equal("sat", read.SmartDeviceType);

        _clock.UtcNow = _clock.UtcNow.AddHours(3);
        var mounted = "{\"filesystems\": [{\"target\": \"/srv\", \"source\": \"/dev/sdc\", \"fstype\": \"ext4\", \"maj:min\": \"8:32\"}]}";
        var asleep = _repo.Save(Inventory(Output(PowerModeAndUnknownTests.Standby(), 2, mounted))).Single();
        Assert.Equal(read.Id, asleep.Id);
        Assert.Equal((DrivePowerMode.Standby, true), (asleep.PowerMode, asleep.Asleep));
        Assert.Equal(SmartHealth.Failed, asleep.SmartHealth);       // not Unknown, not changed: it sleeps
        Assert.Equal(read.Warnings, asleep.Warnings);
        Assert.Equal(8L, asleep.PendingSectors);                     // the last known values ...
        Assert.Equal(_clock.UtcNow.AddHours(-3), asleep.SmartReadAt);// ... with their time
        Assert.Equal(_clock.UtcNow, asleep.LastSeenAt);
        Assert.Equal(DriveRole.Mounted, asleep.Role);                // lsblk and findmnt do not wake disks

        var offline = _repo.Get(read.Id!.Value)!;
        Assert.Equal((SmartHealth.Failed, DrivePowerMode.Standby, 8L, DriveRole.Mounted), (offline.SmartHealth, offline.PowerMode, offline.PendingSectors!.Value, offline.Role));
        Assert.Equal(_clock.UtcNow.AddHours(-3), offline.SmartReadAt);
        Assert.Equal(new[] { new KnownDeviceType("sdc", "WD-WCC7K0PENDING", "sat") }, _repo.DeviceTypesOn("nas01"));
    }

    [Fact]
    public void A_drive_first_seen_asleep_is_Unknown_saying_it_was_never_read()
    {
        var d = _repo.Save(Inventory(new InventoryFixtures.ScriptOutput()
            .Section("lsblk", Lsblk(("sdb", "ZA9", "ST4000VN008-2DR166", "0x5000c500aaaa0009")))
            .Section("zpool", "no pools available").Section("smartctl /dev/sdb", PowerModeAndUnknownTests.Standby(), 2).Done())).Single();
        Assert.Equal((SmartHealth.Unknown, DrivePowerMode.Standby, DriveTransport.Sata), (d.SmartHealth, d.PowerMode, d.Transport));
        Assert.Contains("never read", d.Warnings[0]);
        Assert.Null(d.SmartReadAt);
        Assert.Equal(("ZA9", "ST4000VN008-2DR166"), (d.Serial!, d.Model!)); // identity from lsblk
    }

    [Fact]
    public void Drives_gone_from_a_complete_inventory_are_marked_missing_and_come_back()
    {
        string Output(params (string, string, string, string?)[] disks) =>
            new InventoryFixtures.ScriptOutput().Section("lsblk", Lsblk(disks)).Section("zpool", "no pools available").Done();
        _repo.Save(Inventory(Output(("sdb", "A", "M", "0x5000c500aaaa0001"), ("sdc", "B", "M", "0x5000c500aaaa0002"))));
        _repo.Save(Inventory(Output(("sdb", "Z", "M", "0x5000c500aaaa0009")), host: "nas02")); // another host is untouched
        _clock.UtcNow = _clock.UtcNow.AddDays(1);
        _repo.Save(Inventory(Output(("sdb", "A", "M", "0x5000c500aaaa0001"))));
        var b = _repo.Query().Single(d => d.Serial == "B");
        Assert.Equal(_clock.UtcNow, b.MissingSince);
        Assert.Null(_repo.Query().Single(d => d.Serial == "Z").MissingSince);
        Assert.DoesNotContain(_repo.Query(new DriveQuery { IncludeMissing = false }), d => d.Serial == "B");

        // An incomplete inventory (cut off) never marks anything missing.
        _repo.Save(Inventory(new InventoryFixtures.ScriptOutput().Section("lsblk", Lsblk(("sdc", "B", "M", "0x5000c500aaaa0002"))).Unfinished()));
        Assert.Null(_repo.Query().Single(d => d.Serial == "B").MissingSince);
        Assert.Null(_repo.Query().Single(d => d.Serial == "A").MissingSince);
    }

    [Fact]
    public void Offline_query_filters_like_the_cmdlet_parameters()
    {
        _repo.Save(Inventory(InventoryFixtures.Nas().Done()));
        _repo.Save(Inventory(new InventoryFixtures.ScriptOutput().Section("lsblk", Lsblk(("sdb", "ZGY0X", "ST4000VN008-2DR166", "0x5000c500aaaa00ff")))
            .Section("zpool", "no pools available").Done(), host: "NAS02"));

        Assert.Equal(13, _repo.Query(new DriveQuery { HostNames = new Wildcard[] { "NAS01" } }).Count);
        Assert.Equal(new[] { "ZGY0X" }, _repo.Query(new DriveQuery { HostNames = new Wildcard[] { "nas0[2]" } }).Select(d => d.Serial));
        Assert.Equal(new[] { "ZGY0D", "ZGY0E", "ZGY0F", "ZGY0X" }, _repo.Query(new DriveQuery { Serial = "zgy0[d-fx]" }).Select(d => d.Serial!).Order());
        Assert.Equal(new[] { "/dev/sdd", "/dev/sde", "/dev/sdf" }, _repo.Query(new DriveQuery { Roles = new[] { DriveRole.PoolMember } }).Select(d => d.Device));
        Assert.Equal(new[] { "/dev/nvme0n1" }, _repo.Query(new DriveQuery { Transports = new[] { DriveTransport.Nvme } }).Select(d => d.Device));
        Assert.Equal(new[] { "/dev/sdg" }, _repo.Query(new DriveQuery { Roles = new[] { DriveRole.Free }, Transports = new[] { DriveTransport.Sata }, Serial = "*G" }).Select(d => d.Device));
        Assert.Empty(_repo.Query(new DriveQuery { Serial = "ZGY0?TEST" }));
        Assert.Single(_repo.Query(new DriveQuery { Serial = "ZGY?TEST" }));
    }

    [Fact]
    public void A_registered_host_is_linked_by_id()
    {
        _store.Write((c, tx) =>
        {
            using var cmd = c.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = "INSERT INTO hosts(name, address, created_at) VALUES ('nas01', '192.0.2.10', '2026-01-01T00:00:00.000Z')";
            cmd.ExecuteNonQuery();
        });
        var saved = _repo.Save(Inventory(InventoryFixtures.Nas().Done(), host: "NAS01"));
        var hostIds = _store.Read(c =>
        {
            using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT DISTINCT host_id FROM drives";
            using var r = cmd.ExecuteReader();
            var list = new List<long?>();
            while (r.Read()) list.Add(r.IsDBNull(0) ? null : r.GetInt64(0));
            return list;
        });
        Assert.Equal(new long?[] { 1 }, hostIds);
        Assert.Equal(13, saved.Count);
    }
}
