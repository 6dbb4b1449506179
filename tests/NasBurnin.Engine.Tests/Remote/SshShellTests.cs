using NasBurnin.Engine.Common;
using NasBurnin.Engine.Remote;
using NasBurnin.Tests.Harness;
using Xunit;

namespace NasBurnin.Engine.Tests.Remote;

/// <summary>SshShell against a real OpenSSH sshd on 127.0.0.1.</summary>
public sealed class SshShellTests : IClassFixture<SshShellTests.Server>, IDisposable
{
    public sealed class Server : IDisposable
    {
        public LoopbackSshd Sshd { get; } = new();
        public void Dispose() => Sshd.Dispose();
    }

    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    private readonly LoopbackSshd _sshd;
    private readonly string _dir = TestPaths.Temp();
    private readonly List<IDisposable> _owned = new();

    public SshShellTests(Server server) => _sshd = server.Sshd;

    public void Dispose()
    {
        foreach (var d in _owned) d.Dispose();
        Directory.Delete(_dir, true);
    }

    private async Task<SshShell> Connect(string? keyPath = null, HostKeyCheck? check = null, string? passphrase = null, bool sudo = false, int? port = null)
    {
        var login = SshLogin.WithKey(_sshd.UserName, keyPath ?? _sshd.ClientKeyPath, Secure(passphrase));
        var shell = await SshShell.ConnectAsync(_sshd.Host, port ?? _sshd.Port, login, check ?? new HostKeyCheck(null, null, null, acceptNew: true),
            sudo, TimeSpan.FromSeconds(10), default);
        _owned.Add(shell);
        return shell;
    }

    private static System.Security.SecureString? Secure(string? s)
    {
        if (s is null) return null;
        var secure = new System.Security.SecureString();
        foreach (var c in s) secure.AppendChar(c);
        return secure;
    }

    [Fact]
    public async Task Pins_the_key_ssh_keygen_shows_and_runs_commands()
    {
        var shell = await Connect();
        Assert.Equal(HostKeyVerdict.PinNew, shell.Verdict);
        Assert.Equal(_sshd.HostKeyFingerprint(), shell.HostKeyFingerprint);
        Assert.Equal("ssh-ed25519", shell.HostKeyAlgorithm);
        var r = await shell.RunAsync("echo out; cat; echo err >&2; exit 3", Minute, default);
        Assert.Equal(new CommandResult(3, "out\n", "err\n"), r); // cat sees EOF at once: no command waits for input
    }

    [Fact]
    public async Task First_contact_without_consent_is_refused_with_the_fingerprint()
    {
        var e = await Assert.ThrowsAsync<HostKeyConfirmationRequired>(() => Connect(check: new HostKeyCheck(null, null, null, acceptNew: false)));
        Assert.Equal(_sshd.HostKeyFingerprint(), e.Fingerprint);
        var wrong = await Assert.ThrowsAsync<BurninException>(() => Connect(check: new HostKeyCheck(null, null, "SHA256:33hOVELSmu2aYcGswYictDoQVoco6CCG4AioG5wEWYI", false)));
        Assert.Equal("HostKeyNotTrusted", wrong.ErrorId);
        Assert.Contains(_sshd.HostKeyFingerprint(), wrong.Message);
        Assert.Contains("SHA256:33hOVELSmu2aYcGswYictDoQVoco6CCG4AioG5wEWYI", wrong.Message);
    }

    [Theory]
    [InlineData("x; touch {0}")]
    [InlineData("$(touch {0})")]
    [InlineData("`touch {0}`")]
    [InlineData("'; touch {0}; '")]
    [InlineData("\"; touch {0}; \"")]
    [InlineData("x\ntouch {0}")]
    public async Task Quoted_values_are_data_not_commands(string template)
    {
        var shell = await Connect();
        var marker = Path.Combine(_dir, "marker");
        var payload = string.Format(template, marker);
        var r = await shell.RunAsync("printf %s " + PosixShell.Quote(payload), Minute, default);
        Assert.Equal(payload, r.StdOut);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public async Task Cancelling_kills_the_remote_process_group()
    {
        var shell = await Connect();
        var tag = "33.4" + Random.Shared.Next(1000, 9999);
        using var cts = new CancellationTokenSource();
        var run = shell.RunAsync($"sleep {tag}; echo never", TimeSpan.FromMinutes(5), cts.Token);
        Assert.NotEmpty(WaitFor($"sleep {tag}"));
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.Empty(LoopbackSshdWait.UntilGone($"sleep {tag}"));
        Assert.Equal("ok\n", (await shell.RunAsync("echo ok", Minute, default)).StdOut); // the connection is still usable
    }

    [Fact]
    public async Task A_script_larger_than_one_SSH_packet_runs_and_is_still_cancelled_on_the_host()
    {
        // What Start-BurninRun sends for a dozen drives: the runner (~50 KiB) and the specs, over SSH.NET's
        // 68,536-byte packet limit for the exec request.
        var shell = await Connect();
        var filler = string.Concat(Enumerable.Repeat("# " + new string('x', 1000) + "\n", 100));
        var big = filler + "printf '%s\\n' 'it'\\''s here'; cat; exit 4\n";
        Assert.True(big.Length > 100_000);
        Assert.Equal(new CommandResult(4, "it's here\n", ""), await shell.RunAsync(big, Minute, default));

        var tag = "35.4" + Random.Shared.Next(1000, 9999);
        using var cts = new CancellationTokenSource();
        var run = shell.RunAsync(filler + $"sleep {tag}; echo never", TimeSpan.FromMinutes(5), cts.Token);
        Assert.NotEmpty(WaitFor($"sleep {tag}"));
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.Empty(LoopbackSshdWait.UntilGone($"sleep {tag}"));
    }

    [Fact]
    public async Task A_timeout_is_RemoteCommandTimeout_and_kills_the_remote_command()
    {
        var shell = await Connect();
        var tag = "34.4" + Random.Shared.Next(1000, 9999);
        var e = await Assert.ThrowsAsync<BurninException>(() => shell.RunAsync($"sleep {tag}", TimeSpan.FromSeconds(1), default));
        Assert.Equal("RemoteCommandTimeout", e.ErrorId);
        Assert.Equal(ErrorKind.Timeout, e.Kind);
        Assert.Equal("127.0.0.1", e.Target);
        Assert.Empty(LoopbackSshdWait.UntilGone($"sleep {tag}"));
    }

    [Fact]
    public async Task Uploads_bytes_with_the_mode()
    {
        var shell = await Connect();
        var path = Path.Combine(_dir, "runner.sh");
        var content = new byte[70_000];
        Random.Shared.NextBytes(content);
        await shell.UploadAsync(path, content, Convert.ToInt32("700", 8), default);
        Assert.Equal(content, File.ReadAllBytes(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(path));
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp.*"));
    }

    [Fact]
    public async Task Reconnects_after_the_connection_dropped_and_keeps_checking_the_key()
    {
        using var own = new LoopbackSshd();
        var login = SshLogin.WithKey(own.UserName, own.ClientKeyPath);
        using var shell = await SshShell.ConnectAsync(own.Host, own.Port, login, new HostKeyCheck(null, null, null, true), false, TimeSpan.FromSeconds(10), default);
        Assert.Equal("1\n", (await shell.RunAsync("echo 1", Minute, default)).StdOut);
        Assert.True(own.DropConnections() > 0);
        Thread.Sleep(300);
        Assert.Equal("2\n", (await shell.RunAsync("echo 2", Minute, default)).StdOut);

        own.ReplaceHostKey();
        var e = await Assert.ThrowsAsync<BurninException>(() => shell.RunAsync("echo 3", Minute, default));
        Assert.Equal("HostKeyChanged", e.ErrorId);
        Assert.Equal(ErrorKind.Security, e.Kind);
        Assert.Contains(own.HostKeyFingerprint(), e.Message);
    }

    [Fact]
    public async Task Sudo_is_used_with_n_and_a_password_prompt_is_SudoPasswordRequired()
    {
        var shell = await Connect(sudo: true);
        var r = await shell.RunAsync("echo as-sudo", Minute, default);
        Assert.Equal("as-sudo\n", r.StdOut);
        Assert.Equal("-n /bin/sh -c", File.ReadAllLines(_sshd.SudoLogPath).Last());
        _sshd.SudoWantsPassword = true;
        try
        {
            var e = await Assert.ThrowsAsync<BurninException>(() => shell.RunAsync("echo x", Minute, default));
            Assert.Equal("SudoPasswordRequired", e.ErrorId);
            Assert.Equal(ErrorKind.PermissionDenied, e.Kind);
        }
        finally
        {
            _sshd.SudoWantsPassword = false;
        }
        shell.UseSudo = false;
        Assert.Equal("plain\n", (await shell.RunAsync("echo plain", Minute, default)).StdOut);
    }

    [Fact]
    public async Task Login_failures_have_their_own_errors()
    {
        var refused = await Assert.ThrowsAsync<BurninException>(() => Connect(_sshd.UnauthorizedKeyPath));
        Assert.Equal("HostAuthenticationFailed", refused.ErrorId);
        Assert.Equal(ErrorKind.Authentication, refused.Kind);

        var needsPassphrase = await Assert.ThrowsAsync<BurninException>(() => Connect(_sshd.PassphraseKeyPath));
        Assert.Equal("KeyPassphraseRequired", needsPassphrase.ErrorId);

        var wrong = await Assert.ThrowsAsync<BurninException>(() => Connect(_sshd.PassphraseKeyPath, passphrase: "wrong horse"));
        Assert.Equal("KeyFileInvalid", wrong.ErrorId);
        Assert.DoesNotContain("wrong horse", wrong.ToString());

        var ok = await Connect(_sshd.PassphraseKeyPath, passphrase: LoopbackSshd.ClientKeyPassphrase);
        Assert.Equal("ok\n", (await ok.RunAsync("echo ok", Minute, default)).StdOut);

        var password = await Assert.ThrowsAsync<BurninException>(() => SshShell.ConnectAsync(_sshd.Host, _sshd.Port,
            SshLogin.WithPassword(_sshd.UserName, Secure("secret-pw")!), new HostKeyCheck(null, null, null, true), false, TimeSpan.FromSeconds(10), default));
        Assert.Equal("HostAuthenticationFailed", password.ErrorId);
        Assert.DoesNotContain("secret-pw", password.ToString());
    }

    [Fact]
    public async Task A_closed_port_is_HostUnreachable()
    {
        var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        var port = ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        var e = await Assert.ThrowsAsync<BurninException>(() => Connect(port: port));
        Assert.Equal("HostUnreachable", e.ErrorId);
        Assert.Equal(ErrorKind.Connection, e.Kind);
        Assert.Contains(port.ToString(), e.Message);
    }

    private static List<string> WaitFor(string text)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var found = LoopbackSshd.ProcessesMatching(text);
            if (found.Count > 0 || DateTime.UtcNow > deadline) return found;
            Thread.Sleep(50);
        }
    }
}
