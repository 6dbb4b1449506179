using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace NasBurnin.Tests.Harness;

/// <summary>
/// A real OpenSSH sshd on 127.0.0.1 and a free port, with its own ed25519 host key, an authorized client
/// key (plus one with a passphrase and one that is not authorized), and a stand-in `sudo` first in the
/// session's PATH. Everything lives in a temp folder; Dispose kills the listener and every session
/// process it started, even when a test failed. Self-contained (only System.*), so the engine tests
/// link this file too.
/// </summary>
public sealed class LoopbackSshd : IDisposable
{
    public const string SshdPath = "/usr/sbin/sshd";
    public const string KeygenPath = "/usr/bin/ssh-keygen";
    public const string ClientKeyPassphrase = "correct horse";

    private readonly string _dir;
    private int? _pid;

    public LoopbackSshd()
    {
        if (!File.Exists(SshdPath) || !File.Exists(KeygenPath))
            throw new InvalidOperationException($"These tests need OpenSSH's server ({SshdPath}) and {KeygenPath} (Debian: apt-get install openssh-server).");
        _dir = Path.Combine(Path.GetTempPath(), "nasburnin-sshd-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(_dir);
        Directory.CreateDirectory(BinDir);
        try
        {
            Port = FreePort();
            Keygen(HostKeyPath, "");
            Keygen(ClientKeyPath, "");
            Keygen(PassphraseKeyPath, ClientKeyPassphrase);
            Keygen(UnauthorizedKeyPath, "");
            File.WriteAllText(AuthorizedKeysPath, File.ReadAllText(ClientKeyPath + ".pub") + File.ReadAllText(PassphraseKeyPath + ".pub"));
            WriteSudoStandIn();
            WriteConfig();
            Start();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Starts one, or returns null with the reason when this machine has no OpenSSH server.</summary>
    public static LoopbackSshd? TryStart(out string? skipReason)
    {
        skipReason = null;
        if (File.Exists(SshdPath) && File.Exists(KeygenPath)) return new LoopbackSshd();
        skipReason = $"needs OpenSSH's server ({SshdPath}) and {KeygenPath} (Debian: apt-get install openssh-server)";
        return null;
    }

    public string Host => "127.0.0.1";
    public int Port { get; }
    public string UserName => Environment.UserName;
    public string Folder => _dir;
    public string HostKeyPath => Path.Combine(_dir, "ssh_host_ed25519_key");
    public string ClientKeyPath => Path.Combine(_dir, "client_ed25519");
    public string PassphraseKeyPath => Path.Combine(_dir, "client_pp_ed25519");
    public string UnauthorizedKeyPath => Path.Combine(_dir, "stranger_ed25519");
    public string AuthorizedKeysPath => Path.Combine(_dir, "authorized_keys");
    public string LogPath => Path.Combine(_dir, "sshd.log");
    /// <summary>First in the PATH of every session: holds the `sudo` stand-in.</summary>
    public string BinDir => Path.Combine(_dir, "bin");
    /// <summary>Every call of the `sudo` stand-in appends its first three arguments here, one line per call.</summary>
    public string SudoLogPath => Path.Combine(_dir, "sudo.log");
    private string SudoWantsPasswordFlag => Path.Combine(_dir, "sudo-wants-password");
    private string ConfigPath => Path.Combine(_dir, "sshd_config");
    private string PidPath => Path.Combine(_dir, "sshd.pid");

    /// <summary>`ssh-keygen -lf` of the host key: what a user compares on the NAS console.</summary>
    public string HostKeyFingerprint()
    {
        var r = Run(KeygenPath, "-lf", HostKeyPath + ".pub");
        return r.Split(' ')[1];
    }

    /// <summary>Makes the `sudo` stand-in answer like a sudo that needs a password (-n given): exit 1, "sudo: a password is required".</summary>
    public bool SudoWantsPassword
    {
        set
        {
            if (value) File.WriteAllText(SudoWantsPasswordFlag, "");
            else File.Delete(SudoWantsPasswordFlag);
        }
    }

    /// <summary>Stops sshd, gives it a NEW host key and starts it again on the same port: a "changed host key".</summary>
    public void ReplaceHostKey()
    {
        Stop();
        File.Delete(HostKeyPath);
        File.Delete(HostKeyPath + ".pub");
        Keygen(HostKeyPath, "");
        Start();
    }

    /// <summary>How many per-connection sshd processes (and their commands) run below the listener now.</summary>
    public int SessionProcessCount() => _pid is { } pid ? Descendants(pid).Count : 0;

    /// <summary>Kills the per-connection sshd processes (this listener's children): every client connection drops.</summary>
    public int DropConnections()
    {
        var children = _pid is { } pid ? Descendants(pid) : new List<int>();
        foreach (var c in children) Kill(c);
        return children.Count;
    }

    private void WriteConfig() => File.WriteAllText(ConfigPath, $"""
        ListenAddress 127.0.0.1
        Port {Port}
        HostKey {HostKeyPath}
        AuthorizedKeysFile {AuthorizedKeysPath}
        PidFile {PidPath}
        StrictModes no
        UsePAM no
        PermitRootLogin prohibit-password
        PasswordAuthentication no
        KbdInteractiveAuthentication no
        ClientAliveInterval 30
        MaxSessions 20
        SetEnv PATH={BinDir}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
        Subsystem sftp internal-sftp
        LogLevel VERBOSE
        """);

    private void WriteSudoStandIn()
    {
        var sudo = Path.Combine(BinDir, "sudo");
        File.WriteAllText(sudo, $$"""
            #!/bin/sh
            # Test stand-in for sudo (no real sudo on this machine): insists on -n like NasBurnin uses it,
            # logs its arguments, answers like a sudo that wants a password when the flag file exists.
            printf '%s %s %s\n' "$1" "$2" "$3" >> '{{SudoLogPath}}'
            [ "$1" = "-n" ] || { echo "sudo stand-in: expected -n" >&2; exit 99; }
            shift
            if [ -e '{{SudoWantsPasswordFlag}}' ]; then echo "sudo: a password is required" >&2; exit 1; fi
            exec "$@"
            """.Replace("\r", ""));
        File.SetUnixFileMode(sudo, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
    }

    private void Start()
    {
        Directory.CreateDirectory("/run/sshd"); // sshd's privilege separation folder
        File.Delete(PidPath);
        var r = ChildRun(SshdPath, "-f", ConfigPath, "-E", LogPath);
        if (r.ExitCode != 0) throw new InvalidOperationException($"sshd did not start: {r.Output}\n{SafeRead(LogPath)}");
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            if (File.Exists(PidPath) && int.TryParse(SafeRead(PidPath).Trim(), out var pid))
            {
                _pid = pid;
                if (Accepts()) return;
            }
            if (DateTime.UtcNow > deadline) throw new InvalidOperationException($"sshd did not listen on port {Port}: {SafeRead(LogPath)}");
            Thread.Sleep(50);
        }
    }

    /// <summary>Stops the listener and its sessions (the folder stays until Dispose).</summary>
    public void Stop()
    {
        if (_pid is not { } pid) return;
        foreach (var c in Descendants(pid)) Kill(c);
        Kill(pid);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((Directory.Exists($"/proc/{pid}") || Accepts()) && DateTime.UtcNow < deadline) Thread.Sleep(50);
        _pid = null;
    }

    private bool Accepts()
    {
        try
        {
            using var c = new TcpClient();
            c.Connect(IPAddress.Loopback, Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    /// <summary>All processes below <paramref name="pid"/> (children first found, then theirs), from /proc.</summary>
    public static List<int> Descendants(int pid)
    {
        var parentOf = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var p)) continue;
            var stat = SafeRead(Path.Combine(dir, "stat"));
            var close = stat.LastIndexOf(')');
            if (close < 0) continue;
            var fields = stat[(close + 2)..].Split(' ');
            if (fields.Length > 1 && int.TryParse(fields[1], out var ppid)) parentOf[p] = ppid;
        }
        var result = new List<int>();
        var frontier = new Queue<int>(new[] { pid });
        while (frontier.Count > 0)
        {
            var parent = frontier.Dequeue();
            foreach (var kv in parentOf.Where(kv => kv.Value == parent))
            {
                result.Add(kv.Key);
                frontier.Enqueue(kv.Key);
            }
        }
        return result;
    }

    /// <summary>Command lines of live processes containing <paramref name="text"/> (like pgrep -f), excluding this process.</summary>
    public static List<string> ProcessesMatching(string text)
    {
        var found = new List<string>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var p) || p == Environment.ProcessId) continue;
            var cmdline = SafeRead(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
            if (cmdline.Contains(text, StringComparison.Ordinal)) found.Add($"{p}: {cmdline}");
        }
        return found;
    }

    private static void Kill(int pid)
    {
        try { Process.GetProcessById(pid).Kill(); }
        catch (ArgumentException) { }
        catch (InvalidOperationException) { }
        catch (System.ComponentModel.Win32Exception) { }
    }

    private static string SafeRead(string path)
    {
        try { return File.ReadAllText(path); }
        catch (IOException) { return ""; }
        catch (UnauthorizedAccessException) { return ""; }
    }

    private static void Keygen(string path, string passphrase)
    {
        var r = ChildRun(KeygenPath, "-q", "-t", "ed25519", "-N", passphrase, "-C", "nasburnin-test", "-f", path);
        if (r.ExitCode != 0) throw new InvalidOperationException("ssh-keygen failed: " + r.Output);
    }

    private static string Run(string file, params string[] args)
    {
        var r = ChildRun(file, args);
        if (r.ExitCode != 0) throw new InvalidOperationException($"{file} failed: {r.Output}");
        return r.Output;
    }

    private static (int ExitCode, string Output) ChildRun(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var o = p.StandardOutput.ReadToEndAsync();
        var e = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60_000)) { p.Kill(true); throw new TimeoutException(file + " hung"); }
        p.WaitForExit();
        return (p.ExitCode, o.Result + e.Result);
    }

    public void Dispose()
    {
        try { Stop(); }
        finally
        {
            try { Directory.Delete(_dir, recursive: true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }
}
