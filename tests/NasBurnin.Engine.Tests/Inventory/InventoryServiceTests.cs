using NasBurnin.Engine.Common;
using NasBurnin.Engine.Inventory;
using NasBurnin.Engine.Remote;
using NasBurnin.Engine.Store;
using Xunit;

namespace NasBurnin.Engine.Tests.Inventory;

/// <summary>
/// InventoryService: a host's settings become the script's options, and each refresh is stored with what
/// changed. Identity across device moves is covered by DriveRepositoryTests (two inventories, sdb to sdc);
/// the module tests do not move the sandbox's loop devices, which stop.sh must be able to clean up.
/// </summary>
public sealed class InventoryServiceTests : IDisposable
{
    private sealed class FixedClock : IClock
    {
        public DateTimeOffset UtcNow { get; set; } = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);
    }

    /// <summary>Answers every script with canned output and remembers the scripts it was given.</summary>
    private sealed class CannedShell : IRemoteShell
    {
        public string Output { get; set; } = "";
        public List<string> Scripts { get; } = new();
        public string HostName => "nas01";

        public Task<CommandResult> RunAsync(string script, TimeSpan timeout, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Scripts.Add(script);
            return Task.FromResult(new CommandResult(0, Output, ""));
        }

        public Task UploadAsync(string remotePath, byte[] content, int unixMode, CancellationToken cancellationToken) => throw new NotSupportedException();
        public void Dispose() { }
    }

    private readonly string _dir = TestPaths.Temp();
    private readonly FixedClock _clock = new();
    private readonly BurninStore _store;
    private readonly BurninSettings _settings;
    private readonly CannedShell _shell = new();

    public InventoryServiceTests()
    {
        _store = BurninStore.Open(Path.Combine(_dir, "burnin.db"), _clock);
        _settings = new SettingsRepository(_store).Get();
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, true);
    }

    private static readonly HostRecord Host = new() { Name = "nas01" };

    private InventoryRefresh Refresh(string output, HostRecord? host = null)
    {
        _shell.Output = output;
        return InventoryService.RefreshAsync(_shell, host ?? Host, _store, _settings, null, CancellationToken.None).GetAwaiter().GetResult();
    }

    private static string Lsblk(params string[] serials) =>
        "{\"blockdevices\": [" + string.Join(",", serials.Select((s, i) =>
            $"{{\"name\": \"sd{(char)('b' + i)}\", \"kname\": \"sd{(char)('b' + i)}\", \"type\": \"disk\", \"size\": 4000787030016, \"tran\": \"sata\", \"serial\": \"{s}\", \"model\": \"M\", \"wwn\": null}}")) + "]}";

    private static string Output(params string[] serials) =>
        new InventoryFixtures.ScriptOutput().Section("lsblk", Lsblk(serials)).Section("zpool", "no pools available").Done();

    [Fact]
    public void Counts_new_and_missing_drives_per_refresh_and_stores_them()
    {
        var first = Refresh(Output("A", "B", "C"));
        Assert.Equal((3, 3, 0), (first.Drives.Count, first.NewDrives, first.MissingDrives));
        Assert.All(first.Drives, d => Assert.NotNull(d.Id));

        _clock.UtcNow = _clock.UtcNow.AddMinutes(15);
        var same = Refresh(Output("A", "B", "C"));
        Assert.Equal((0, 0), (same.NewDrives, same.MissingDrives));
        Assert.Equal(first.Drives.Select(d => d.Id), same.Drives.Select(d => d.Id));

        var gone = Refresh(Output("A", "C"));
        Assert.Equal((0, 1), (gone.NewDrives, gone.MissingDrives));
        var again = Refresh(Output("A", "C"));
        Assert.Equal((0, 0), (again.NewDrives, again.MissingDrives)); // a change is reported once

        var back = Refresh(Output("A", "B", "C", "D"));
        Assert.Equal((2, 0), (back.NewDrives, back.MissingDrives)); // B came back, D is new
        Assert.Null(new DriveRepository(_store).Query().Single(d => d.Serial == "B").MissingSince);
    }

    [Fact]
    public void An_incomplete_inventory_reports_no_missing_drives()
    {
        Refresh(Output("A", "B"));
        var cut = Refresh(new InventoryFixtures.ScriptOutput().Section("lsblk", Lsblk("A")).Unfinished());
        Assert.False(cut.Inventory.Complete);
        Assert.Equal(0, cut.MissingDrives);
    }

    [Fact]
    public void The_hosts_tool_paths_loop_choice_and_the_stores_temperature_limit_shape_the_inventory()
    {
        var host = Host with
        {
            IncludeLoopDevices = true,
            ToolPaths = new Dictionary<string, string> { ["smartctl"] = "/opt/smart/sbin/smartctl", ["zpool"] = "/usr/local/sbin/zpool", ["nvme"] = "/x/nvme" },
        };
        var options = InventoryService.OptionsFor(host, _settings with { TemperatureLimitC = 41 }, _clock);
        Assert.True(options.Script.IncludeLoop);
        Assert.Equal("/opt/smart/sbin/smartctl", options.Script.Tools.Smartctl);
        Assert.Equal("/usr/local/sbin/zpool", options.Script.Tools.Zpool);
        Assert.Equal("lsblk", options.Script.Tools.Lsblk);
        Assert.Equal(41, options.Thresholds.TemperatureLimitC);
        Assert.Same(_clock, options.Clock);

        Refresh(Output("A"), host);
        Assert.Contains("nb_loop=1", _shell.Scripts[^1]);
        Assert.Contains("nb_smartctl=/opt/smart/sbin/smartctl", _shell.Scripts[^1]);
        Refresh(Output("A"));
        Assert.Contains("nb_loop=0", _shell.Scripts[^1]);
    }

    [Fact]
    public void Cancellation_stores_nothing()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        _shell.Output = Output("A");
        Assert.ThrowsAny<OperationCanceledException>(() =>
            InventoryService.RefreshAsync(_shell, Host, _store, _settings, null, cts.Token).GetAwaiter().GetResult());
        Assert.Empty(new DriveRepository(_store).Query());
    }

    [Fact]
    public void Warnings_name_the_drives_without_a_verdict_and_group_a_shared_reason()
    {
        var inv = InventoryBuilder.Build("nas01", InventoryOutput.Parse(InventoryFixtures.Nas(zpool: false, smartctl: false).Done()));
        var lines = InventoryWarnings.For(inv, inv.Drives);
        Assert.Contains("zpool not found: pool membership unknown.", lines);
        var smart = Assert.Single(lines, l => l.EndsWith("smartctl was not found on the host: no SMART data.", StringComparison.Ordinal));
        Assert.Contains(" and 8 more: ", smart); // 13 drives, one line
        Assert.DoesNotContain(InventoryWarnings.For(inv, inv.Drives.Where(d => d.Device == "/dev/sdb")), l => l.Contains("/dev/sdc"));
    }

    [Fact]
    public void A_path_smartctl_identified_is_kept_over_a_path_known_only_to_udev()
    {
        // loop0 carries a stale udev entry with the serial of the drive smartctl answers for on loop7.
        var lsblk = """
            {"blockdevices": [
              {"name": "loop0", "kname": "loop0", "type": "loop", "size": 67108864, "serial": "NBT0001", "model": "WDC WD40EFZX-68AWUN0", "wwn": "0x5000c50000000001", "fstype": "ext4"},
              {"name": "loop7", "kname": "loop7", "type": "loop", "size": 67108864, "serial": "NBT0001", "model": "WDC WD40EFZX-68AWUN0", "wwn": "0x5000c50000000001"}
            ]}
            """;
        var smart = System.Text.Json.Nodes.JsonNode.Parse(InventoryFixtures.Read("smart-sata-hdd-healthy.json"))!;
        smart["serial_number"] = "NBT0001";
        smart["model_name"] = "WDC WD40EFZX-68AWUN0";
        var output = new InventoryFixtures.ScriptOutput().Section("lsblk", lsblk).Section("zpool", "no pools available")
            .Section("smartctl /dev/loop0", """{"smartctl": {"exit_status": 1, "messages": [{"string": "/dev/loop0: Unable to detect device type", "severity": "error"}]}}""", 1)
            .Section("smartctl /dev/loop7", smart.ToJsonString()).Done();
        var inv = InventoryBuilder.Build("nas01", InventoryOutput.Parse(output), new InventoryOptions { Script = new InventoryScriptOptions { IncludeLoop = true } });
        var d = Assert.Single(inv.Drives);
        Assert.Equal(("/dev/loop7", DriveRole.Free, SmartHealth.Passed), (d.Device, d.Role, d.SmartHealth));
        Assert.Contains(d.Warnings, w => w.Contains("also reachable as /dev/loop0"));
    }
}
