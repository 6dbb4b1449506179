using NasBurnin.Engine.Common;
using NasBurnin.Engine.Remote;
using NasBurnin.Engine.Store;
using Xunit;

namespace NasBurnin.Engine.Tests.Remote;

public sealed class HostRepositoryTests : IDisposable
{
    private const string Fp = "SHA256:uYO5pmFO2HrtBCbFaZHAk2HOAs2b9HCE1Ztxl1AS66M";
    private readonly string _dir = TestPaths.Temp();
    private readonly BurninStore _store;
    private readonly HostRepository _repo;
    private readonly Actor _actor = new("tester", "local:test");

    public HostRepositoryTests()
    {
        _store = BurninStore.Open(Path.Combine(_dir, "s.db"));
        _repo = new HostRepository(_store);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, true);
    }

    private HostRecord Add(string name, int port = 22, string? fp = Fp) =>
        _repo.SaveConnected(new HostRecord { Name = name, Port = port, UserName = "root", KeyFilePath = "/k", HostKeySha256 = fp, HostKeyAlgorithm = "ssh-ed25519" },
            HostKeyVerdict.PinNew, _actor);

    [Fact]
    public void A_new_host_is_stored_with_its_pinned_key_and_audited()
    {
        var h = Add("nas01");
        Assert.Equal(Fp, h.HostKeySha256);
        Assert.Equal("/k", h.KeyFilePath);
        Assert.NotNull(h.LastSuccessAt);
        var events = new AuditLog(_store).Query(new AuditQuery());
        Assert.Equal(new[] { "host_added", "host_key_pinned" }, events.Select(e => e.Type));
        Assert.Contains(Fp, events[1].Detail);
        Assert.All(events, e => Assert.Equal("nas01", e.HostName));
    }

    [Fact]
    public void Work_dir_and_loop_devices_are_stored_on_connect_and_changed_by_Update()
    {
        var h = _repo.SaveConnected(new HostRecord { Name = "testnas", UserName = "root", HostKeySha256 = Fp, WorkDir = "/srv/nb", IncludeLoopDevices = true },
            HostKeyVerdict.PinNew, _actor);
        Assert.Equal(("/srv/nb", true), (h.WorkDir, h.IncludeLoopDevices));
        Assert.False(Add("nas01").IncludeLoopDevices); // off unless asked for

        var off = _repo.Update(h.Id, new HostChanges { IncludeLoopDevices = false });
        Assert.Equal(("/srv/nb", false), (off.WorkDir, off.IncludeLoopDevices));
        Assert.True(_repo.Update(h.Id, new HostChanges { IncludeLoopDevices = true, MaxParallelRuns = 2 }).IncludeLoopDevices);
        Assert.True(_repo.Update(h.Id, new HostChanges { MaxParallelRuns = 3 }).IncludeLoopDevices); // untouched when not given

        var e = Assert.Throws<BurninException>(() => _repo.SaveConnected(h with { WorkDir = "/srv/$(reboot)" }, HostKeyVerdict.Trusted, _actor));
        Assert.Equal("InvalidRemotePath", e.ErrorId);
        Assert.Equal("/srv/nb", _repo.Get(h.Id)!.WorkDir);
    }

    [Fact]
    public void Hosts_are_unique_by_case_insensitive_name_and_port()
    {
        var a = Add("NAS01");
        var again = Add("nas01");
        var other = Add("nas01", 2222, "SHA256:33hOVELSmu2aYcGswYictDoQVoco6CCG4AioG5wEWYI");
        Assert.Equal(a.Id, again.Id);
        Assert.NotEqual(a.Id, other.Id);
        Assert.Equal(Fp, _repo.Find("Nas01", 22)!.HostKeySha256);
        Assert.Equal("SHA256:33hOVELSmu2aYcGswYictDoQVoco6CCG4AioG5wEWYI", _repo.Find("nas01", 2222)!.HostKeySha256);
        Assert.Null(_repo.Find("nas01", 23));
        Assert.Equal(2, _repo.ListNamed("NAS01").Count);
        Assert.Single(_repo.List("nas*", 2222));
        Assert.Empty(_repo.List("nas_1")); // '_' is literal, not a LIKE wildcard
    }

    [Theory]
    [InlineData("/usr/sbin/smartctl; touch /tmp/x")]
    [InlineData("/usr/sbin/$(touch /tmp/x)")]
    [InlineData("/usr/sbin/smart ctl")]
    [InlineData("/usr/sbin/smartctl\ntouch /tmp/x")]
    [InlineData("/usr/../bin/sh")]
    [InlineData("smartctl")]
    public void Unsafe_tool_paths_and_work_dirs_change_nothing(string bad)
    {
        var h = Add("nas01");
        var e1 = Assert.Throws<BurninException>(() => _repo.Update(h.Id, new HostChanges
        {
            ToolPaths = new Dictionary<string, string> { ["lsblk"] = "/bin/lsblk", ["smartctl"] = bad },
        }));
        Assert.Equal("InvalidRemotePath", e1.ErrorId);
        var e2 = Assert.Throws<BurninException>(() => _repo.Update(h.Id, new HostChanges { WorkDir = bad, UseSudo = true }));
        Assert.Equal("InvalidRemotePath", e2.ErrorId);
        var after = _repo.Get(h.Id)!;
        Assert.Empty(after.ToolPaths);
        Assert.Null(after.WorkDir);
        Assert.False(after.UseSudo);
    }

    [Fact]
    public void Settings_are_set_and_cleared()
    {
        var h = Add("nas01");
        var set = _repo.Update(h.Id, new HostChanges
        {
            ToolPaths = new Dictionary<string, string> { ["smartctl"] = "/usr/local/sbin/smartctl", ["zpool"] = "/sbin/zpool" },
            WorkDir = "/mnt/tank/nb", UseSudo = true, MaxParallelRuns = 2,
        });
        Assert.Equal("/usr/local/sbin/smartctl", set.ToolPath("smartctl"));
        Assert.Equal("lsblk", set.ToolPath("lsblk"));
        Assert.Equal("/mnt/tank/nb", set.WorkDir);
        Assert.True(set.UseSudo);
        Assert.Equal(2, set.MaxParallelRuns);

        var cleared = _repo.Update(h.Id, new HostChanges { ToolPaths = new Dictionary<string, string> { ["smartctl"] = "" }, WorkDir = "", MaxParallelRuns = 0 });
        Assert.Equal("smartctl", cleared.ToolPath("smartctl"));
        Assert.Equal("/sbin/zpool", cleared.ToolPath("zpool"));
        Assert.Null(cleared.WorkDir);
        Assert.Null(cleared.MaxParallelRuns);
        Assert.True(cleared.UseSudo);
        var settings = new SettingsRepository(_store).Get();
        Assert.Equal(settings.HostWorkDir, cleared.EffectiveWorkDir(settings));
        Assert.Equal(settings.MaxParallelRuns, cleared.EffectiveMaxParallelRuns(settings));
    }

    [Fact]
    public void A_tampered_row_cannot_smuggle_a_command_in()
    {
        var h = Add("nas01");
        _store.Write((c, tx) =>
        {
            using var cmd = c.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = "UPDATE hosts SET tool_paths = '{\"smartctl\":\"/bin/sh -c reboot\",\"lsblk\":\"/bin/lsblk\"}', work_dir = '/tmp/$(reboot)' WHERE id = $id";
            cmd.Parameters.AddWithValue("$id", h.Id);
            cmd.ExecuteNonQuery();
        });
        var read = _repo.Get(h.Id)!;
        Assert.Equal("smartctl", read.ToolPath("smartctl"));
        Assert.Equal("/bin/lsblk", read.ToolPath("lsblk"));
        Assert.Null(read.WorkDir);
    }

    [Fact]
    public void Remove_forgets_the_key_and_is_audited()
    {
        var h = Add("nas01");
        _repo.Remove(h, _actor);
        Assert.Null(_repo.Find("nas01", 22));
        var removed = new AuditLog(_store).Query(new AuditQuery(Types: new[] { "host_removed" })).Single();
        Assert.Contains(Fp, removed.Detail);
    }

    [Fact]
    public void A_host_with_unfinished_runs_is_not_removed()
    {
        var h = Add("nas01");
        _store.Write((c, tx) =>
        {
            using var cmd = c.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = """
                INSERT INTO drives(id, identity, first_seen_at, last_seen_at) VALUES (1, 'm|s|w', 'x', 'x');
                INSERT INTO burnin_runs(drive_id, host_id, host_name, device_path, profile, state, operator, created_at)
                VALUES (1, $id, 'nas01', '/dev/sdb', 'Full', 'Running', 'tester', 'x');
                """;
            cmd.Parameters.AddWithValue("$id", h.Id);
            cmd.ExecuteNonQuery();
        });
        var e = Assert.Throws<BurninException>(() => _repo.Remove(h, _actor));
        Assert.Equal("HostHasActiveRuns", e.ErrorId);
        Assert.NotNull(_repo.Find("nas01", 22));
    }

    [Fact]
    public void Contacts_are_recorded()
    {
        var h = Add("nas01");
        _repo.RecordContact(h.Id, "Cannot reach nas01: Connection refused");
        var failed = _repo.Get(h.Id)!;
        Assert.Equal("Cannot reach nas01: Connection refused", failed.LastError);
        Assert.Equal(h.LastSuccessAt, failed.LastSuccessAt);
        _repo.RecordContact(h.Id, null);
        Assert.Null(_repo.Get(h.Id)!.LastError);
    }

    [Fact]
    public void Host_names_with_shell_characters_are_never_stored()
    {
        var e = Assert.Throws<BurninException>(() => Add("nas01;touch /tmp/x"));
        Assert.Equal("InvalidHostName", e.ErrorId);
        Assert.Empty(_repo.List());
    }
}
