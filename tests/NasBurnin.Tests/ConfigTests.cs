using NasBurnin.Tests.Harness;
using Xunit;

namespace NasBurnin.Tests;

public class ConfigTests
{
    [Fact]
    public void Defaults_are_reported_before_anything_is_set()
    {
        using var dir = new TempDir();
        using var s = new PsSession(storePath: dir.File("burnin.db"));
        var c = s.Run("Get-BurninConfig").AssertClean().Output.Single();
        Assert.Equal(35, c.Properties["LogRetentionDays"].Value);
        Assert.Equal(14, c.Properties["BackupKeep"].Value);
        Assert.Equal("/var/tmp/nasburnin", c.Properties["HostWorkDir"].Value);
        Assert.Equal(4, c.Properties["MaxParallelRuns"].Value);
        Assert.Equal("NasBurnin.BurninConfig", c.TypeNames[0]);
    }

    [Fact]
    public void Settings_round_trip_and_persist_for_a_new_session()
    {
        using var dir = new TempDir();
        var path = dir.File("burnin.db");
        using (var s = new PsSession(storePath: path))
        {
            var c = s.Run("Set-BurninConfig -LogRetentionDays 90 -BackupKeep 30 -HostWorkDir /srv/nb-work -StallHours 0.5 -PassThru").AssertClean().Output.Single();
            Assert.Equal(90, c.Properties["LogRetentionDays"].Value);
        }
        using var s2 = new PsSession(storePath: path);
        var again = s2.Run("Get-BurninConfig").AssertClean().Output.Single();
        Assert.Equal(90, again.Properties["LogRetentionDays"].Value);
        Assert.Equal(30, again.Properties["BackupKeep"].Value);
        Assert.Equal("/srv/nb-work", again.Properties["HostWorkDir"].Value);
        Assert.Equal(0.5, again.Properties["StallHours"].Value);
    }

    [Theory]
    [InlineData("-LogRetentionDays 0", "LogRetentionDays", "1 to 3650")]
    [InlineData("-BackupKeep 100000", "BackupKeep", "1 to 1000")]
    [InlineData("-TemperatureLimitC 120", "TemperatureLimitC", "30 to 80")]
    [InlineData("-PollIntervalMinutes 0", "PollIntervalMinutes", "1 to 1440")]
    [InlineData("-HostWorkDir 'relative/dir'", "HostWorkDir", "absolute POSIX path")]
    [InlineData("-HostWorkDir '/tmp/x; touch /tmp/pwned'", "HostWorkDir", "absolute POSIX path")]
    [InlineData("-HostWorkDir '/var/tmp/../../etc'", "HostWorkDir", "absolute POSIX path")]
    public void Out_of_range_values_are_refused_naming_the_setting_and_range_and_nothing_changes(string args, string setting, string range)
    {
        using var dir = new TempDir();
        using var s = new PsSession(storePath: dir.File("burnin.db"));
        var r = s.Run($"Set-BurninConfig -MaxParallelRuns 7 {args}");
        var error = Assert.Single(r.AllErrors);
        Assert.StartsWith("InvalidSettingValue,", error.FullyQualifiedErrorId);
        Assert.Equal(System.Management.Automation.ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Contains(setting, error.Exception.Message);
        Assert.Contains(range, error.Exception.Message);
        Assert.Equal(setting, error.TargetObject);
        // The valid value given in the same call was not written either.
        Assert.Equal(4, s.Run("(Get-BurninConfig).MaxParallelRuns").Output.Single().BaseObject);
    }

    [Fact]
    public void Once_users_exist_only_a_signed_in_operator_changes_settings()
    {
        using var dir = new TempDir();
        using var s = new PsSession(storePath: dir.File("burnin.db"));
        const string secure = "$pw = [System.Security.SecureString]::new(); 'Op3rator-Pw!'.ToCharArray() | ForEach-Object { $pw.AppendChar($_) }";
        s.Run($"{secure}; New-BurninUser -UserName ops -Admin -Password $pw -Confirm:$false").AssertClean();
        var e = s.RunTerminating("Set-BurninConfig -LogRetentionDays 1");
        Assert.StartsWith("OperatorSignInRequired,", e.FullyQualifiedErrorId);
        Assert.Contains("Connect-BurninOperator", e.Exception.Message);
        Assert.Equal(35, s.Run("(Get-BurninConfig).LogRetentionDays").Output.Single().BaseObject);
        s.Run($"{secure}; Connect-BurninOperator -Credential ([pscredential]::new('ops', $pw))").AssertClean();
        s.Run("Set-BurninConfig -LogRetentionDays 90").AssertClean();
        Assert.Equal(90, s.Run("(Get-BurninConfig).LogRetentionDays").Output.Single().BaseObject);
    }

    [Fact]
    public void WhatIf_changes_nothing()
    {
        using var dir = new TempDir();
        using var s = new PsSession(storePath: dir.File("burnin.db"));
        s.Run("Set-BurninConfig -BackupKeep 3 -WhatIf").AssertClean();
        Assert.Equal(14, s.Run("(Get-BurninConfig).BackupKeep").Output.Single().BaseObject);
        Assert.Equal(0L, ((System.Collections.Specialized.OrderedDictionary)s.Run("(Get-BurninStore).RowCounts").Output.Single().BaseObject)["settings"]);
    }

    [Fact]
    public void Config_pipes_into_Set_BurninConfig_by_property_name()
    {
        using var dir = new TempDir();
        using var s = new PsSession(storePath: dir.File("a.db"));
        s.Run("Set-BurninConfig -BackupKeep 21 -LogRetentionDays 60").AssertClean();
        s.Run($"$c = Get-BurninConfig; Use-BurninStore -Path '{PsSession.Quote(dir.File("b.db"))}'; $c | Set-BurninConfig").AssertClean();
        var c = s.Run("Get-BurninConfig").AssertClean().Output.Single();
        Assert.Equal(21, c.Properties["BackupKeep"].Value);
        Assert.Equal(60, c.Properties["LogRetentionDays"].Value);
        Assert.EndsWith("b.db", (string)c.Properties["StorePath"].Value);
    }
}
