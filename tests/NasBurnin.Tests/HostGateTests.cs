using System.Management.Automation;
using NasBurnin.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace NasBurnin.Tests;

/// <summary>
/// Host and store settings are gated and audited: tool paths decide what runs as root on the NAS, so
/// once the store has users only a signed-in admin changes a host (Set-BurninHost, or Connect-BurninHost
/// with new settings for a known host), and every host and config change leaves an audit event with
/// the values before and after. Also the key-file messages of Connect-BurninHost.
/// </summary>
public sealed class HostGateTests : IClassFixture<HostTests.Server>
{
    private readonly LoopbackSshd _sshd;
    private readonly ITestOutputHelper _out;

    public HostGateTests(HostTests.Server server, ITestOutputHelper output)
    {
        _sshd = server.Sshd;
        _out = output;
    }

    private string Connect(string extra = "", string? key = null) =>
        $"Connect-BurninHost -HostName {_sshd.Host} -Port {_sshd.Port} -UserName {_sshd.UserName} -KeyFilePath '{PsSession.Quote(key ?? _sshd.ClientKeyPath)}' -HostKeyFingerprint '{_sshd.HostKeyFingerprint()}' {extra}";

    private static string Id(ErrorRecord e) => e.FullyQualifiedErrorId.Split(',')[0];

    private static List<string> Events(PsSession s, string type) =>
        s.Run($"Get-BurninAuditEvent -Type {type} | ForEach-Object {{ $_.Operator + '|' + $_.Detail }}").AssertClean().Output.Select(o => o.ToString()).ToList();

    /// <summary>A session on a new store with the host connected, an admin and a non-admin user, and nobody signed in.</summary>
    private PsSession WithUsers(TempDir dir)
    {
        var s = new PsSession(storePath: dir.File("burnin.db"));
        s.Run(OperatorTests.Helpers).AssertClean();
        s.Run(Connect() + " > $null").AssertClean();
        s.Run("New-BurninUser -UserName admin -Admin -Password (SS 'Admin-Pw-1234') -Confirm:$false; Connect-BurninOperator -Credential (Cred admin 'Admin-Pw-1234')").AssertClean();
        s.Run("New-BurninUser -UserName bob -Password (SS 'Bob-Pw-5678') -Confirm:$false; Disconnect-BurninOperator").AssertClean();
        return s;
    }

    [Fact]
    public void Set_BurninHost_needs_a_signed_in_admin_once_users_exist_and_audits_each_change()
    {
        using var dir = new TempDir();
        using var s = WithUsers(dir);
        var set = $"Set-BurninHost -HostName {_sshd.Host} -Port {_sshd.Port} -BadblocksPath /usr/local/sbin/badblocks -MaxParallelRuns 2";

        Assert.Equal("OperatorSignInRequired", Id(s.RunTerminating(set)));
        s.Run("Connect-BurninOperator -Credential (Cred bob 'Bob-Pw-5678')").AssertClean();
        var e = s.RunTerminating(set);
        Assert.Equal("AdminRequired", Id(e));
        Assert.Contains("change host settings", e.Exception.Message);
        Assert.Empty(Events(s, "host_changed"));

        s.Run("Connect-BurninOperator -Credential (Cred admin 'Admin-Pw-1234')").AssertClean();
        s.Run(set).AssertClean();
        var ev = Assert.Single(Events(s, "host_changed"));
        _out.WriteLine(ev);
        Assert.StartsWith("admin|", ev);
        Assert.Contains("badblocks path: (none) -> /usr/local/sbin/badblocks", ev);
        Assert.Contains("MaxParallelRuns: (none) -> 2", ev);
    }

    [Fact]
    public void Connect_BurninHost_with_new_settings_for_a_known_host_needs_an_admin_and_is_audited()
    {
        using var dir = new TempDir();
        using var s = WithUsers(dir);
        // The same settings again: nothing changes, no sign-in needed (a sync task reconnects like this).
        s.Run(Connect() + " > $null").AssertClean();

        var e = s.RunTerminating(Connect("-WorkDir /var/tmp/nb+2 -IncludeLoopDevices"));
        Assert.Equal("OperatorSignInRequired", Id(e));
        var host = s.Run($"Get-BurninHost {_sshd.Host} -Port {_sshd.Port}").AssertClean().Output.Single();
        Assert.Equal("/var/tmp/nasburnin", host.Properties["WorkDir"].Value);

        s.Run("Connect-BurninOperator -Credential (Cred admin 'Admin-Pw-1234')").AssertClean();
        s.Run(Connect("-WorkDir /var/tmp/nb+2 -IncludeLoopDevices") + " > $null").AssertClean();
        var ev = Assert.Single(Events(s, "host_changed"));
        _out.WriteLine(ev);
        Assert.StartsWith("admin|", ev);
        Assert.Contains("WorkDir: (none) -> /var/tmp/nb+2", ev);
        Assert.Contains("IncludeLoopDevices: False -> True", ev);
    }

    [Fact]
    public void Every_Set_BurninConfig_change_is_audited_with_before_and_after()
    {
        using var dir = new TempDir();
        using var s = new PsSession(storePath: dir.File("burnin.db"));
        s.Run("Set-BurninConfig -LogRetentionDays 20 -BackupKeep 7").AssertClean();
        s.Run("Set-BurninConfig -LogRetentionDays 21").AssertClean();
        s.Run("Set-BurninConfig -LogRetentionDays 22 -WhatIf").AssertClean();
        var events = Events(s, "config_changed");
        Assert.Equal(2, events.Count);
        Assert.Contains(events, e => e.Contains("LogRetentionDays: 35 -> 20") && e.Contains("BackupKeep: 14 -> 7"));
        Assert.Contains(events, e => e.Contains("LogRetentionDays: 20 -> 21"));
    }

    [Fact]
    public void A_work_folder_the_host_cmdlets_accept_Set_BurninConfig_accepts_too()
    {
        using var dir = new TempDir();
        using var s = new PsSession(storePath: dir.File("burnin.db"));
        s.Run("Set-BurninConfig -HostWorkDir /var/tmp/nb+burnin").AssertClean();
        Assert.Equal("/var/tmp/nb+burnin", s.Run("Get-BurninConfig").AssertClean().Output.Single().Properties["HostWorkDir"].Value);
        // And both refuse the same way, naming the same rule.
        var config = s.RunTerminating("Set-BurninConfig -HostWorkDir '/var/tmp/nb burnin'");
        var connect = s.RunTerminating(Connect("-WorkDir '/var/tmp/nb burnin'"));
        Assert.Equal("InvalidSettingValue", Id(config));
        Assert.Equal("InvalidRemotePath", Id(connect));
        Assert.Contains("letters, digits and . _ + - /", config.Exception.Message);
        Assert.Contains("letters, digits and . _ + - /", connect.Exception.Message);
    }

    [Fact]
    public void A_password_equal_to_the_user_name_is_refused()
    {
        using var dir = new TempDir();
        using var s = new PsSession(storePath: dir.File("burnin.db"));
        s.Run(OperatorTests.Helpers).AssertClean();
        var e = s.RunTerminating("New-BurninUser -UserName Administrator -Admin -Password (SS 'administrator') -Confirm:$false");
        Assert.Equal("PasswordIsUserName", Id(e));
        Assert.Empty(s.Run("Get-BurninUser").AssertClean().Output);
    }

    [Fact]
    public void A_folder_as_key_file_and_a_wrong_PEM_passphrase_say_what_is_wrong()
    {
        using var dir = new TempDir();
        using var s = new PsSession(storePath: dir.File("burnin.db"));
        var e = s.Run(Connect(key: dir.Path)).AllErrors.Single();
        Assert.Equal("KeyFileIsFolder", Id(e));
        Assert.Contains("is a folder", e.Exception.Message);

        // An encrypted PEM key (Proc-Type: 4,ENCRYPTED): a wrong passphrase fails in the cipher's padding.
        var pem = dir.File("id_rsa_pem");
        var gen = ChildProcess.Run("ssh-keygen", new[] { "-q", "-t", "rsa", "-b", "2048", "-m", "PEM", "-N", "right-passphrase", "-f", pem });
        Assert.Equal(0, gen.ExitCode);
        Assert.Contains("ENCRYPTED", File.ReadAllText(pem));
        var wrong = s.Run("$p = [System.Security.SecureString]::new(); 'wrong-passphrase'.ToCharArray() | ForEach-Object { $p.AppendChar($_) }; $c = [pscredential]::new('root', $p); " + Connect("-Credential $c", key: pem)).AllErrors.Single();
        _out.WriteLine(wrong.Exception.Message);
        Assert.Equal("KeyFileInvalid", Id(wrong));
        Assert.Contains("wrong passphrase", wrong.Exception.Message);
        Assert.DoesNotContain("Padding", wrong.Exception.Message);
        Assert.DoesNotContain("wrong-passphrase", wrong.Exception.Message);
    }

    [Fact]
    public void The_WhatIf_help_of_the_start_cmdlets_says_refusals_are_not_audited()
    {
        using var s = new PsSession();
        foreach (var cmd in new[] { "Start-BurninRun", "Start-BurninStage" })
        {
            var text = string.Concat(s.Run($"(Get-Help {cmd} -Parameter WhatIf).Description | ForEach-Object Text").AssertClean().Output.Select(o => o.ToString()));
            Assert.Contains("not audited", text);
        }
    }
}
