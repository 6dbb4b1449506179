using System.Management.Automation;
using System.Xml.Linq;
using NasBurnin.Tests.Harness;
using Xunit;

namespace NasBurnin.Tests;

/// <summary>The host cmdlets through the real PowerShell engine, against a real OpenSSH sshd on 127.0.0.1.</summary>
public sealed class HostTests : IClassFixture<HostTests.Server>
{
    public sealed class Server : IDisposable
    {
        public LoopbackSshd Sshd { get; } = new();
        public void Dispose() => Sshd.Dispose();
    }

    private readonly LoopbackSshd _sshd;

    public HostTests(Server server) => _sshd = server.Sshd;

    private static string Connect(LoopbackSshd sshd, string extra = "", string? key = null) =>
        $"Connect-BurninHost -HostName {sshd.Host} -Port {sshd.Port} -UserName {sshd.UserName} -KeyFilePath '{PsSession.Quote(key ?? sshd.ClientKeyPath)}' {extra}";

    private static T Prop<T>(PSObject o, string name) => (T)o.Properties[name].Value;

    private static PSObject Host(PsSession s, LoopbackSshd sshd) =>
        s.Run($"Get-BurninHost {sshd.Host} -Port {sshd.Port}").AssertClean().Output.Single();

    private static string Credential(string user, string secret) =>
        $"$s = [System.Security.SecureString]::new(); '{PsSession.Quote(secret)}'.ToCharArray() | ForEach-Object {{ $s.AppendChar($_) }}; $c = [pscredential]::new('{user}', $s);";

    [Fact]
    public void Connect_with_a_key_and_AcceptHostKey_pins_the_fingerprint_ssh_keygen_shows()
    {
        using var dir = new TempDir();
        using var s = new PsSession(storePath: dir.File("burnin.db"));
        var h = s.Run(Connect(_sshd, "-AcceptHostKey")).AssertClean().Output.Single();
        Assert.Equal("NasBurnin.BurninHost", h.TypeNames[0]);
        Assert.Equal(_sshd.HostKeyFingerprint(), Prop<string>(h, "HostKeyFingerprint"));
        Assert.Equal("Ssh", Prop<string>(h, "Transport"));
        Assert.Equal(_sshd.Port, Prop<int>(h, "Port"));
        Assert.True(Prop<bool>(h, "Connected"));
        Assert.Equal(_sshd.ClientKeyPath, Prop<string>(h, "KeyFilePath"));
        Assert.Equal("/var/tmp/nasburnin", Prop<string>(h, "WorkDir"));
        Assert.Empty(s.Host.Prompts);

        var stored = Host(s, _sshd);
        Assert.Equal(_sshd.HostKeyFingerprint(), Prop<string>(stored, "HostKeyFingerprint"));
        Assert.NotNull(stored.Properties["LastSuccessAt"].Value);
        var types = s.Run("Get-BurninAuditEvent | ForEach-Object Type").AssertClean().Output.Select(o => o.ToString()).ToList();
        Assert.Equal(new[] { "host_added", "host_key_pinned" }, types);
    }

    [Fact]
    public void A_new_session_reconnects_with_the_stored_key_file_without_prompting()
    {
        using var dir = new TempDir();
        using (var first = new PsSession(storePath: dir.File("burnin.db")))
            first.Run(Connect(_sshd, "-AcceptHostKey")).AssertClean();

        using var s = new PsSession(storePath: dir.File("burnin.db"));
        Assert.False(Prop<bool>(Host(s, _sshd), "Connected"));
        var t = s.Run($"Test-BurninHost {_sshd.Host} -Port {_sshd.Port}").AssertClean().Output.Single();
        Assert.True(Prop<bool>(t, "Reachable"));
        Assert.Equal(Environment.UserName, Prop<string>(t, "RemoteUser"));
        Assert.Contains("Linux", Prop<string>(t, "System"));
        Assert.Empty(s.Host.Prompts);
        Assert.True(Prop<bool>(Host(s, _sshd), "Connected"));
    }

    [Fact]
    public void A_changed_host_key_is_a_terminating_security_error_naming_both_fingerprints()
    {
        using var own = new LoopbackSshd();
        using var dir = new TempDir();
        using (var first = new PsSession(storePath: dir.File("burnin.db")))
            first.Run(Connect(own, "-AcceptHostKey")).AssertClean();
        var pinned = own.HostKeyFingerprint();
        own.ReplaceHostKey();
        var presented = own.HostKeyFingerprint();
        Assert.NotEqual(pinned, presented);

        using var s = new PsSession(storePath: dir.File("burnin.db"));
        foreach (var command in new[] { "Test-BurninHost", Connect(own), Connect(own, "-AcceptHostKey") })
        {
            var e = s.RunTerminating(command);
            Assert.StartsWith("HostKeyChanged,", e.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.SecurityError, e.CategoryInfo.Category);
            Assert.Contains(pinned, e.Exception.Message);
            Assert.Contains(presented, e.Exception.Message);
            Assert.Equal(own.Host, e.TargetObject);
        }
        Assert.Equal(pinned, Prop<string>(Host(s, own), "HostKeyFingerprint"));
        Assert.Empty(s.Host.Prompts);

        // Only the exact new fingerprint, typed by the user, replaces the pin.
        var r = s.Run(Connect(own, $"-HostKeyFingerprint '{presented}'")).AssertClean();
        Assert.Contains(r.Warnings, w => w.Contains("replaced", StringComparison.Ordinal));
        Assert.Equal(presented, Prop<string>(Host(s, own), "HostKeyFingerprint"));
        Assert.Contains("host_key_replaced", s.Run("Get-BurninAuditEvent | ForEach-Object Type").Output.Select(o => o.ToString()));
    }

    [Fact]
    public void First_contact_where_nobody_can_answer_fails_closed_and_pins_nothing()
    {
        using var dir = new TempDir();
        using var s = new PsSession(storePath: dir.File("burnin.db"));
        var e = s.RunTerminating(Connect(_sshd));
        Assert.StartsWith("HostKeyNotTrusted,NasBurnin.Hosts.ConnectBurninHostCommand", e.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.SecurityError, e.CategoryInfo.Category);
        Assert.Contains(_sshd.HostKeyFingerprint(), e.Exception.Message);
        var prompt = Assert.Single(s.Host.Prompts);
        Assert.Contains(_sshd.HostKeyFingerprint(), prompt);
        Assert.Empty(s.Run("Get-BurninHost").AssertClean().Output);

        // The same in a pwsh -NonInteractive child process: exit code 1 (Connect-BurninHost is the last command), no prompt text, nothing hangs.
        var child = ChildProcess.Pwsh($"Import-Module '{PsSession.Quote(RepoPaths.Manifest)}'; Use-BurninStore -Path '{PsSession.Quote(dir.File("child.db"))}'; {Connect(_sshd)}");
        Assert.Equal(1, child.ExitCode);
        Assert.Contains("HostKeyNotTrusted", child.StdOut + child.StdErr);
        Assert.DoesNotContain("Pin this key and connect?", child.StdOut + child.StdErr);
    }

    [Fact]
    public void First_contact_answered_Yes_pins_and_No_refuses()
    {
        using var dir = new TempDir();
        using var s = new PsSession(storePath: dir.File("burnin.db"));
        s.Host.Answers.Enqueue("No");
        var refused = s.RunTerminating(Connect(_sshd));
        Assert.StartsWith("HostKeyNotTrusted,", refused.FullyQualifiedErrorId);
        Assert.Empty(s.Run("Get-BurninHost").Output);

        s.Host.Answers.Enqueue("Yes");
        var h = s.Run(Connect(_sshd)).AssertClean().Output.Single();
        Assert.Equal(_sshd.HostKeyFingerprint(), Prop<string>(h, "HostKeyFingerprint"));
        Assert.Equal(2, s.Host.Prompts.Count);
        Assert.All(s.Host.Prompts, p => Assert.Contains(_sshd.HostKeyFingerprint(), p));
    }

    [Fact]
    public void HostKeyFingerprint_must_match_the_presented_key()
    {
        using var dir = new TempDir();
        using var s = new PsSession(storePath: dir.File("burnin.db"));
        const string wrong = "SHA256:33hOVELSmu2aYcGswYictDoQVoco6CCG4AioG5wEWYI";
        var e = s.RunTerminating(Connect(_sshd, $"-HostKeyFingerprint '{wrong}' -AcceptHostKey"));
        Assert.StartsWith("HostKeyNotTrusted,", e.FullyQualifiedErrorId);
        Assert.Contains(wrong, e.Exception.Message);
        Assert.Contains(_sshd.HostKeyFingerprint(), e.Exception.Message);
        Assert.Empty(s.Run("Get-BurninHost").Output);

        var md5 = s.RunTerminating(Connect(_sshd, "-HostKeyFingerprint 'MD5:12:02:82:aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66'"));
        Assert.StartsWith("InvalidHostKeyFingerprint,", md5.FullyQualifiedErrorId);

        // The bare base64 (as SSH.NET or a colleague might paste it) is accepted.
        var bare = _sshd.HostKeyFingerprint()["SHA256:".Length..];
        var h = s.Run(Connect(_sshd, $"-HostKeyFingerprint '{bare}'")).AssertClean().Output.Single();
        Assert.Equal(_sshd.HostKeyFingerprint(), Prop<string>(h, "HostKeyFingerprint"));
        Assert.Empty(s.Host.Prompts);
    }

    [Fact]
    public void Refused_logins_and_unreachable_hosts_are_one_error_each_with_the_host_as_target()
    {
        using var dir = new TempDir();
        using var s = new PsSession(storePath: dir.File("burnin.db"));
        var auth = s.Run(Connect(_sshd, "-AcceptHostKey", _sshd.UnauthorizedKeyPath));
        var a = Assert.Single(auth.AllErrors);
        Assert.Equal("HostAuthenticationFailed,NasBurnin.Hosts.ConnectBurninHostCommand", a.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.AuthenticationError, a.CategoryInfo.Category);
        Assert.Equal(_sshd.Host, a.TargetObject);

        var closed = FreePort();
        var unreachable = s.Run($"Connect-BurninHost 127.0.0.1 -Port {closed} -KeyFilePath '{_sshd.ClientKeyPath}' -AcceptHostKey");
        var u = Assert.Single(unreachable.AllErrors);
        Assert.Equal("HostUnreachable,NasBurnin.Hosts.ConnectBurninHostCommand", u.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ConnectionError, u.CategoryInfo.Category);
        Assert.Equal("127.0.0.1", u.TargetObject);
        Assert.Contains(closed.ToString(), u.Exception.Message);
        Assert.Empty(s.Run("Get-BurninHost").Output);

        // Several hosts in one call: the bad one gets its error, the good one connects.
        var mixed = s.Run($"'127.0.0.1', '{Guid.NewGuid():N}.invalid' | ForEach-Object {{ $_ }} | Connect-BurninHost -Port {_sshd.Port} -UserName {_sshd.UserName} -KeyFilePath '{_sshd.ClientKeyPath}' -AcceptHostKey");
        Assert.Single(mixed.Output);
        Assert.Equal(ErrorCategory.ConnectionError, Assert.Single(mixed.AllErrors).CategoryInfo.Category);
    }

    [Fact]
    public void Password_logins_never_leave_the_secret_in_errors_or_the_store()
    {
        using var dir = new TempDir();
        const string secret = "Pa55-w0rd-never-stored";
        using var s = new PsSession(storePath: dir.File("burnin.db"));
        var r = s.Run(Credential(_sshd.UserName, secret) + $" Connect-BurninHost {_sshd.Host} -Port {_sshd.Port} -Credential $c -AcceptHostKey");
        var e = Assert.Single(r.AllErrors);
        Assert.StartsWith("HostAuthenticationFailed,", e.FullyQualifiedErrorId); // this sshd allows keys only
        Assert.DoesNotContain(secret, e.ToString());
        Assert.DoesNotContain(secret, e.Exception.ToString());

        // A key with a passphrase: the passphrase works for this session only.
        var ok = s.Run(Credential(_sshd.UserName, LoopbackSshd.ClientKeyPassphrase) + " " + Connect(_sshd, "-Credential $c -AcceptHostKey", _sshd.PassphraseKeyPath)).AssertClean();
        Assert.True(Prop<bool>(ok.Output.Single(), "Connected"));
        Assert.True(s.Run("Test-BurninHost").AssertClean().Output.All(o => Prop<bool>(o, "Reachable")));
        s.Dispose();
        foreach (var f in Directory.GetFiles(dir.Path, "burnin.db*"))
        {
            using var stream = new FileStream(f, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream, System.Text.Encoding.Latin1);
            var text = reader.ReadToEnd();
            Assert.DoesNotContain(secret, text);
            Assert.DoesNotContain(LoopbackSshd.ClientKeyPassphrase, text);
        }

        using var next = new PsSession(storePath: dir.File("burnin.db"));
        var t = next.Run("Test-BurninHost");
        var needs = Assert.Single(t.AllErrors);
        Assert.StartsWith("HostCredentialRequired,NasBurnin.Hosts.TestBurninHostCommand", needs.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.AuthenticationError, needs.CategoryInfo.Category);
        Assert.Contains("Connect-BurninHost", needs.Exception.Message);
        Assert.False(Prop<bool>(t.Output.Single(), "Reachable"));
        Assert.Empty(next.Host.Prompts);
    }

    [Fact]
    public void When_one_host_is_down_it_gets_one_error_and_the_other_still_answers()
    {
        using var dir = new TempDir();
        using var s = new PsSession(storePath: dir.File("burnin.db"));
        var down = new LoopbackSshd();
        int downPort;
        try
        {
            downPort = down.Port;
            var key = dir.File("down_key"); // outlives the stopped server's folder
            File.Copy(down.ClientKeyPath, key);
            File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            s.Run(Connect(_sshd, "-AcceptHostKey")).AssertClean();
            s.Run(Connect(down, "-AcceptHostKey", key)).AssertClean();
        }
        finally
        {
            down.Dispose();
        }

        var r = s.Run("Test-BurninHost");
        var error = Assert.Single(r.AllErrors);
        Assert.Equal("HostUnreachable,NasBurnin.Hosts.TestBurninHostCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ConnectionError, error.CategoryInfo.Category);
        Assert.Equal("127.0.0.1", error.TargetObject);
        Assert.Contains(downPort.ToString(), error.Exception.Message);
        Assert.Equal(2, r.Output.Count);
        Assert.True(Prop<bool>(r.Output.Single(o => Prop<int>(o, "Port") == _sshd.Port), "Reachable"));
        var failed = r.Output.Single(o => Prop<int>(o, "Port") == downPort);
        Assert.False(Prop<bool>(failed, "Reachable"));
        Assert.Contains(downPort.ToString(), Prop<string>(failed, "Error"));

        var hosts = s.Run("Get-BurninHost").AssertClean().Output;
        Assert.Null(hosts.Single(o => Prop<int>(o, "Port") == _sshd.Port).Properties["LastError"].Value);
        Assert.Contains(downPort.ToString(), Prop<string>(hosts.Single(o => Prop<int>(o, "Port") == downPort), "LastError"));
    }

    [Theory]
    [InlineData("127.0.0.1;touch {0}")]
    [InlineData("127.0.0.1 && touch {0}")]
    [InlineData("$(touch {0})")]
    [InlineData("`touch {0}`")]
    [InlineData("nas01\ntouch {0}")]
    [InlineData("nas..lan")]
    [InlineData("-oProxyCommand=touch {0}")]
    public void Host_names_with_shell_characters_are_refused_and_nothing_runs(string template)
    {
        using var dir = new TempDir();
        using var s = new PsSession(storePath: dir.File("burnin.db"));
        var marker = dir.File("marker");
        var name = string.Format(template, marker);
        var r = s.Run($"Connect-BurninHost -HostName $name -Port {_sshd.Port} -KeyFilePath '{_sshd.ClientKeyPath}' -AcceptHostKey",
            new Dictionary<string, object?> { ["name"] = name });
        var e = Assert.Single(r.AllErrors);
        Assert.StartsWith("InvalidHostName,", e.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, e.CategoryInfo.Category);
        Assert.False(File.Exists(marker));
        Assert.Empty(s.Run("Get-BurninHost").Output);
    }

    [Theory]
    [InlineData("-SmartctlPath", "/usr/sbin/smartctl;touch {0}")]
    [InlineData("-LsblkPath", "/bin/lsblk $(touch {0})")]
    [InlineData("-ZpoolPath", "/sbin/zpool\ntouch {0}")]
    [InlineData("-NvmePath", "`touch {0}`")]
    [InlineData("-FindmntPath", "/bin/../bin/findmnt")]
    [InlineData("-WorkDir", "/var/tmp/nb;touch {0}")]
    [InlineData("-WorkDir", "/var/tmp/$(touch {0})")]
    [InlineData("-WorkDir", "/var/tmp/../../etc")]
    [InlineData("-WorkDir", "/var/tmp/nb dir")]
    public void Tool_paths_and_work_dirs_with_shell_characters_are_refused_and_nothing_runs(string parameter, string template)
    {
        using var dir = new TempDir();
        using var s = new PsSession(storePath: dir.File("burnin.db"));
        s.Run(Connect(_sshd, "-AcceptHostKey")).AssertClean();
        var marker = dir.File("marker");
        var value = string.Format(template, marker);
        s.Runspace.SessionStateProxy.SetVariable("v", value);
        foreach (var whatIf in new[] { " -WhatIf", "" })
        {
            var e = s.RunTerminating($"Set-BurninHost 127.0.0.1 {parameter} $v -UseSudo{whatIf}");
            Assert.StartsWith("InvalidRemotePath,NasBurnin.Hosts.SetBurninHostCommand", e.FullyQualifiedErrorId);
        }
        var h = Host(s, _sshd);
        Assert.False(Prop<bool>(h, "UseSudo"));
        Assert.Equal("/var/tmp/nasburnin", Prop<string>(h, "WorkDir"));
        Assert.True(Prop<bool>(s.Run("Test-BurninHost").AssertClean().Output.Single(), "Reachable"));
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public void Set_BurninHost_takes_hosts_from_the_pipeline_and_WhatIf_changes_nothing()
    {
        using var dir = new TempDir();
        using var s = new PsSession(storePath: dir.File("burnin.db"));
        s.Run(Connect(_sshd, "-AcceptHostKey")).AssertClean();
        s.Run("Get-BurninHost | Set-BurninHost -MaxParallelRuns 2 -WorkDir /srv/nb -WhatIf").AssertClean();
        var before = Host(s, _sshd);
        Assert.Equal(4, Prop<int>(before, "MaxParallelRuns"));
        Assert.Equal("/var/tmp/nasburnin", Prop<string>(before, "WorkDir"));

        var fake = dir.File("smartctl");
        File.WriteAllText(fake, "#!/bin/sh\necho 'smartctl 7.4 test build'\n");
        File.SetUnixFileMode(fake, (UnixFileMode)Convert.ToInt32("755", 8));
        var after = s.Run($"Get-BurninHost | Set-BurninHost -MaxParallelRuns 2 -WorkDir '{dir.Path}/work' -SmartctlPath '{fake}' -PassThru").AssertClean().Output.Single();
        Assert.Equal(2, Prop<int>(after, "MaxParallelRuns"));
        Assert.Equal(dir.Path + "/work", Prop<string>(after, "WorkDir"));
        Assert.Equal(fake, s.Run("(Get-BurninHost).ToolPaths.smartctl").Output.Single().ToString());
        var t = s.Run("Test-BurninHost").AssertClean().Output.Single();
        Assert.Equal("smartctl 7.4 test build", Prop<string>(t, "SmartctlVersion"));
        Assert.True(Prop<bool>(t, "WorkDirWritable"));

        s.Run("Set-BurninHost 127.0.0.1 -SmartctlPath '' -WorkDir '' -MaxParallelRuns 0").AssertClean();
        var reset = Host(s, _sshd);
        Assert.Equal(4, Prop<int>(reset, "MaxParallelRuns"));
        Assert.Equal("smartctl", s.Run("(Get-BurninHost).ToolPaths.smartctl").Output.Single().ToString());
    }

    [Fact]
    public void UseSudo_prefixes_sudo_n_and_a_sudo_that_wants_a_password_is_a_clear_error()
    {
        using var dir = new TempDir();
        using var s = new PsSession(storePath: dir.File("burnin.db"));
        File.Delete(_sshd.SudoLogPath);
        var h = s.Run(Connect(_sshd, "-AcceptHostKey -UseSudo")).AssertClean().Output.Single();
        Assert.True(Prop<bool>(h, "UseSudo"));
        Assert.True(Prop<bool>(s.Run("Test-BurninHost").AssertClean().Output.Single(), "Reachable"));
        Assert.Equal("-n /bin/sh -c", File.ReadAllLines(_sshd.SudoLogPath).Last());

        _sshd.SudoWantsPassword = true;
        try
        {
            var e = Assert.Single(s.Run("Test-BurninHost").AllErrors);
            Assert.StartsWith("SudoPasswordRequired,", e.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.PermissionDenied, e.CategoryInfo.Category);
            Assert.Contains("sudo -n", e.Exception.Message);
        }
        finally
        {
            _sshd.SudoWantsPassword = false;
        }

        var calls = File.ReadAllLines(_sshd.SudoLogPath).Length;
        s.Run("Set-BurninHost 127.0.0.1 -UseSudo:$false").AssertClean();
        Assert.True(Prop<bool>(s.Run("Test-BurninHost").AssertClean().Output.Single(), "Reachable"));
        Assert.Equal(calls, File.ReadAllLines(_sshd.SudoLogPath).Length);
    }

    [Fact]
    public void Local_runs_on_this_machine_without_ssh()
    {
        using var dir = new TempDir();
        using var s = new PsSession(storePath: dir.File("burnin.db"));
        var h = s.Run("Connect-BurninHost -Local").AssertClean().Output.Single();
        Assert.Equal("Local", Prop<string>(h, "Transport"));
        Assert.Equal("localhost", Prop<string>(h, "HostName"));
        Assert.Equal(0, Prop<int>(h, "Port"));
        Assert.Null(h.Properties["HostKeyFingerprint"].Value);
        var t = s.Run("Test-BurninHost localhost").AssertClean().Output.Single();
        Assert.True(Prop<bool>(t, "Reachable"));
        Assert.Equal(Environment.UserName, Prop<string>(t, "RemoteUser"));
        using var next = new PsSession(storePath: dir.File("burnin.db"));
        Assert.True(Prop<bool>(next.Run("Test-BurninHost").AssertClean().Output.Single(), "Reachable"));
    }

    [Fact]
    public void Ctrl_C_stops_the_pipeline_and_the_command_on_the_host()
    {
        using var dir = new TempDir();
        using var s = new PsSession(storePath: dir.File("burnin.db"));
        s.Run(Connect(_sshd, "-AcceptHostKey")).AssertClean();
        var tag = "35.4" + Random.Shared.Next(1000, 9999);
        var slow = dir.File("smartctl");
        File.WriteAllText(slow, $"#!/bin/sh\nsleep {tag}\necho 'smartctl never'\n");
        File.SetUnixFileMode(slow, (UnixFileMode)Convert.ToInt32("755", 8));
        s.Run($"Set-BurninHost 127.0.0.1 -SmartctlPath '{slow}'").AssertClean();

        using var ps = PowerShell.Create();
        ps.Runspace = s.Runspace;
        ps.AddScript("Test-BurninHost -TimeoutSeconds 3600");
        var pending = ps.BeginInvoke();
        Assert.NotEmpty(WaitForProcess($"sleep {tag}"));
        ps.Stop();
        Assert.Equal(PSInvocationState.Stopped, ps.InvocationStateInfo.State);
        Assert.Throws<PipelineStoppedException>(() => ps.EndInvoke(pending));
        Assert.Empty(WaitUntilGone($"sleep {tag}"));

        // The session's connection survived the stop and still works.
        s.Run("Set-BurninHost 127.0.0.1 -SmartctlPath ''").AssertClean();
        Assert.True(Prop<bool>(s.Run("Test-BurninHost").AssertClean().Output.Single(), "Reachable"));
    }

    [Fact]
    public void Disconnect_closes_the_session_connection_and_Remove_forgets_the_key()
    {
        using var dir = new TempDir();
        using var s = new PsSession(storePath: dir.File("burnin.db"));
        s.Run(Connect(_sshd, "-AcceptHostKey")).AssertClean();
        s.Run("Get-BurninHost | Disconnect-BurninHost").AssertClean();
        Assert.False(Prop<bool>(Host(s, _sshd), "Connected"));

        s.Run("Remove-BurninHost 127.0.0.1 -WhatIf").AssertClean();
        Assert.Single(s.Run("Get-BurninHost").Output);
        var unanswered = s.Run("Remove-BurninHost 127.0.0.1"); // ConfirmImpact High: prompts, and nobody answers
        Assert.NotEmpty(unanswered.AllErrors);
        Assert.Single(s.Run("Get-BurninHost").Output);

        s.Run("Get-BurninHost | Remove-BurninHost -Confirm:$false").AssertClean();
        Assert.Empty(s.Run("Get-BurninHost").AssertClean().Output);
        var removed = s.Run("Get-BurninAuditEvent -Type host_removed").AssertClean().Output.Single();
        Assert.Contains(_sshd.HostKeyFingerprint(), Prop<string>(removed, "Detail"));
        // The key is forgotten: the next connection is a first contact again.
        Assert.StartsWith("HostKeyNotTrusted,", s.RunTerminating(Connect(_sshd)).FullyQualifiedErrorId);

        var missing = Assert.Single(s.Run("Get-BurninHost nas-that-does-not-exist").AllErrors);
        Assert.StartsWith("HostNotFound,", missing.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, missing.CategoryInfo.Category);
    }

    [Fact]
    public void Connections_close_on_Disconnect_and_when_the_runspace_closes()
    {
        using var own = new LoopbackSshd();
        using var dir = new TempDir();
        using (var s = new PsSession(storePath: dir.File("burnin.db")))
        {
            s.Run(Connect(own, "-AcceptHostKey")).AssertClean();
            Assert.True(own.SessionProcessCount() > 0);
            s.Run($"Disconnect-BurninHost 127.0.0.1 -Port {own.Port}").AssertClean();
            Assert.True(WaitUntil(() => own.SessionProcessCount() == 0), "the SSH session stayed open after Disconnect-BurninHost");
            s.Run("Test-BurninHost").AssertClean();
            Assert.True(own.SessionProcessCount() > 0);
        }
        Assert.True(WaitUntil(() => own.SessionProcessCount() == 0), "the SSH session stayed open after the runspace closed");
    }

    private static bool WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) return false;
            Thread.Sleep(100);
        }
        return true;
    }

    [Fact]
    public void BurninHost_has_a_default_table_view_of_existing_properties()
    {
        using var dir = new TempDir();
        using var s = new PsSession(storePath: dir.File("burnin.db"));
        var file = s.Run("(Get-Module NasBurnin).ExportedFormatFiles | Where-Object { $_ -like '*Hosts.Format.ps1xml' }").AssertClean().Output.Single().ToString();
        s.Run("Connect-BurninHost -Local").AssertClean();
        var properties = s.Run("(Get-BurninHost).PSObject.Properties.Name").Output.Select(o => o.ToString()).ToHashSet();
        var view = XDocument.Load(file).Descendants("View").Single(v => v.Element("Name")!.Value == "NasBurnin.BurninHost");
        Assert.NotNull(view.Element("TableControl"));
        var used = view.Descendants("PropertyName").Select(p => p.Value).ToList();
        Assert.Contains("HostName", used);
        Assert.All(used, p => Assert.Contains(p, properties));
    }

    private static int FreePort()
    {
        var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        var port = ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    private static List<string> WaitForProcess(string text)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var found = LoopbackSshd.ProcessesMatching(text);
            if (found.Count > 0 || DateTime.UtcNow > deadline) return found;
            Thread.Sleep(50);
        }
    }

    private static List<string> WaitUntilGone(string text)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var left = LoopbackSshd.ProcessesMatching(text);
            if (left.Count == 0 || DateTime.UtcNow > deadline) return left;
            Thread.Sleep(100);
        }
    }
}
