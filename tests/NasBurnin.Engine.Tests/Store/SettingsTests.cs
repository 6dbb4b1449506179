using NasBurnin.Engine.Common;
using NasBurnin.Engine.Store;
using Xunit;

namespace NasBurnin.Engine.Tests.Store;

public class SettingsTests
{
    [Fact]
    public void Every_default_is_itself_valid()
    {
        foreach (var d in SettingDefinitions.All)
            Assert.Equal(d.Default, d.Normalize(d.Default));
    }

    [Theory]
    [InlineData("HostWorkDir", "/var/tmp/nb`id`")]
    [InlineData("HostWorkDir", "/var/tmp/nb dir")]
    [InlineData("HostWorkDir", "/var/tmp/nb\nrm")]
    [InlineData("HostWorkDir", "/var/tmp/$(reboot)")]
    [InlineData("LogRetentionDays", "ten")]
    [InlineData("StallHours", "NaN")]
    public void Unsafe_or_malformed_values_are_refused(string name, string value)
    {
        var e = Assert.Throws<BurninException>(() => SettingDefinitions.Find(name).Normalize(value));
        Assert.Equal("InvalidSettingValue", e.ErrorId);
        Assert.Contains(name, e.Message);
    }

    [Fact]
    public void A_failed_set_writes_nothing()
    {
        var dir = TestPaths.Temp();
        try
        {
            var store = BurninStore.Open(Path.Combine(dir, "s.db"));
            var repo = new SettingsRepository(store);
            Assert.Throws<BurninException>(() => repo.Set(new Dictionary<string, object?> { ["BackupKeep"] = 5, ["LogRetentionDays"] = -1 }));
            Assert.Equal(14, repo.Get().BackupKeep);
        }
        finally { Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools(); Directory.Delete(dir, true); }
    }
}
