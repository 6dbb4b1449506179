using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace NasBurnin.Tests.Harness;

/// <summary>
/// OpenSSH's sshd on 127.0.0.1 on a free port, with a host key generated into a temp folder. Nobody
/// can log in (no keys, no passwords); it is there to answer. Stop() ends it; Dispose always does.
/// </summary>
public sealed class LoopbackSshd : IDisposable
{
    private readonly TempDir _dir = new();
    private Process? _process;

    private LoopbackSshd() { }

    public int Port { get; private set; }

    public static LoopbackSshd? TryStart(out string? skipReason)
    {
        skipReason = OperatingSystem.IsWindows() ? "not Linux"
            : !File.Exists("/usr/sbin/sshd") ? "openssh-server (/usr/sbin/sshd) is not installed"
            : !File.Exists("/usr/bin/ssh-keygen") ? "ssh-keygen is not installed"
            : Environment.UserName != "root" ? "sshd needs root for its privilege separation"
            : null;
        if (skipReason is not null) return null;
        var d = new LoopbackSshd();
        try
        {
            d.Start();
            return d;
        }
        catch
        {
            d.Dispose();
            throw;
        }
    }

    private void Start()
    {
        var key = _dir.File("host_ed25519");
        var gen = ChildProcess.Run("ssh-keygen", new[] { "-q", "-t", "ed25519", "-N", "", "-f", key });
        if (gen.ExitCode != 0) throw new InvalidOperationException("ssh-keygen failed: " + gen.StdErr);
        Directory.CreateDirectory("/run/sshd"); // sshd's privilege separation directory (the service normally creates it)
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var config = _dir.File("sshd_config");
        File.WriteAllText(config, $"""
            Port {Port}
            ListenAddress 127.0.0.1
            HostKey {key}
            PidFile {_dir.File("sshd.pid")}
            UsePAM no
            StrictModes no
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            PubkeyAuthentication no
            AuthorizedKeysFile none
            """);
        var psi = new ProcessStartInfo("/usr/sbin/sshd") { UseShellExecute = false };
        foreach (var a in new[] { "-D", "-f", config, "-E", _dir.File("sshd.log") }) psi.ArgumentList.Add(a);
        _process = Process.Start(psi)!;
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"sshd exited with {_process.ExitCode}: {File.ReadAllText(_dir.File("sshd.log"))}");
            try
            {
                using var c = new TcpClient();
                c.Connect(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) { Thread.Sleep(100); }
        }
        throw new TimeoutException("sshd did not start listening within 15 s");
    }

    /// <summary>Kills sshd and waits until the port refuses connections.</summary>
    public void Stop()
    {
        if (_process is null) return;
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        catch (InvalidOperationException) { }
        _process.Dispose();
        _process = null;
    }

    public void Dispose()
    {
        Stop();
        _dir.Dispose();
    }
}
