using System.Net.Sockets;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace NasBurnin.Engine.Remote;

/// <summary>
/// One SSH connection to one host (SSH.NET). Commands run on channels of that connection, each inside
/// <see cref="ShellCommand.Watchdog"/> so that cancelling (Ctrl+C, timeout) closes the channel's input
/// and the host kills the command's process group. A dropped connection is re-opened before the next
/// command, verifying the same host key; a command that was running when it dropped is reported, never
/// re-run.
/// </summary>
public sealed class SshShell : RemoteShellBase
{
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(15);
    public static readonly TimeSpan KeepAliveInterval = TimeSpan.FromSeconds(15);

    /// <summary>After cancelling, how long to wait for the host to end the command before closing the channel anyway.</summary>
    private static readonly TimeSpan CancelGrace = TimeSpan.FromSeconds(10);

    private static readonly byte[] KeepOpen = "\n"u8.ToArray();

    private readonly SshLogin _login;
    private readonly TimeSpan _connectTimeout;
    private readonly SemaphoreSlim _connectGate = new(1, 1);
    private HostKeyCheck _check;
    private SshClient? _client;
    private bool _disposed;

    private SshShell(string hostName, int port, SshLogin login, bool useSudo, TimeSpan connectTimeout, HostKeyCheck check)
        : base(hostName, port, login.UserName, useSudo)
    {
        _login = login;
        _connectTimeout = connectTimeout;
        _check = check;
    }

    public override HostTransport Transport => HostTransport.Ssh;

    public override string? HostKeyFingerprint => _check.Presented ?? _check.Pinned;

    public override string? HostKeyAlgorithm => _check.PresentedAlgorithm ?? _check.PinnedAlgorithm;

    /// <summary>How the first connection judged the host key (PinNew, ReplacePinned or Trusted).</summary>
    public HostKeyVerdict Verdict { get; private set; }

    /// <summary>
    /// Connects, verifying the host key with <paramref name="check"/>. Errors: HostUnreachable,
    /// HostAuthenticationFailed, HostKeyChanged, HostKeyNotTrusted (a <see cref="HostKeyConfirmationRequired"/>
    /// on first contact), key file errors; <see cref="OperationCanceledException"/> on Ctrl+C.
    /// The shell owns <paramref name="login"/> from here on.
    /// </summary>
    public static async Task<SshShell> ConnectAsync(string hostName, int port, SshLogin login, HostKeyCheck check,
        bool useSudo, TimeSpan connectTimeout, CancellationToken cancellationToken)
    {
        RemoteNames.RequireHostName(hostName);
        var shell = new SshShell(hostName, port, login, useSudo, connectTimeout, check);
        try
        {
            shell._client = await shell.OpenClientAsync(check, cancellationToken).ConfigureAwait(false);
            shell.Verdict = check.Verdict ?? HostKeyVerdict.Trusted;
            shell._check = check.PinnedOnly();
            return shell;
        }
        catch
        {
            shell.Dispose();
            throw;
        }
    }

    private async Task<SshClient> OpenClientAsync(HostKeyCheck check, CancellationToken cancellationToken)
    {
        var (method, scrub) = _login.CreateMethod(HostName);
        var info = new ConnectionInfo(HostName, Port, UserName, method) { Timeout = _connectTimeout };
        // Plain host keys only: a certificate's fingerprint is not what ssh-keygen -lf shows for the key.
        // And like OpenSSH with a known_hosts entry, ask only for the pinned key's type, so a server that
        // gains a newer key type is not mistaken for a changed key.
        foreach (var name in info.HostKeyAlgorithms.Keys.Where(k => k.Contains("-cert-", StringComparison.Ordinal)
                     || (check.PinnedAlgorithm is { } alg && info.HostKeyAlgorithms.ContainsKey(alg) && k != alg)).ToList())
            info.HostKeyAlgorithms.Remove(name);

        var client = new SshClient(info) { KeepAliveInterval = KeepAliveInterval };
        client.HostKeyReceived += (_, e) => e.CanTrust = check.Evaluate(e.HostKeyName, e.HostKey);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(_connectTimeout + TimeSpan.FromSeconds(5)); // backstop if a phase ignores ConnectionInfo.Timeout
        try
        {
            await client.ConnectAsync(limit.Token).ConfigureAwait(false);
            return client;
        }
        catch (Exception e)
        {
            client.Dispose();
            if (check.Verdict is { } v && !HostKeyPolicy.Allows(v)) throw check.Refusal(HostName, Port);
            if (e is OperationCanceledException && cancellationToken.IsCancellationRequested) throw;
            throw e switch
            {
                SshAuthenticationException => HostErrors.AuthenticationFailed(HostName, Port, UserName, _login.Describe(), e.Message, e),
                OperationCanceledException or SshOperationTimeoutException or TimeoutException =>
                    HostErrors.Unreachable(HostName, Port, $"no answer within {_connectTimeout.TotalSeconds:0} s", e),
                SshConnectionException when check.PinnedAlgorithm is not null && e.Message.Contains("host key", StringComparison.OrdinalIgnoreCase) =>
                    HostErrors.KeyChanged(HostName, Port, check.Pinned!, $"(the host no longer offers a {check.PinnedAlgorithm} key)"),
                SocketException or SshException or ProxyException or IOException => HostErrors.Unreachable(HostName, Port, e.Message, e),
                _ => e,
            };
        }
        finally
        {
            scrub();
        }
    }

    private async Task<SshClient> EnsureConnectedAsync(CancellationToken cancellationToken)
    {
        var client = _client;
        if (client is { IsConnected: true }) return client;
        await _connectGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_client is { IsConnected: true } live) return live;
            _client?.Dispose();
            _client = null;
            _client = await OpenClientAsync(_check, cancellationToken).ConfigureAwait(false);
            return _client;
        }
        finally
        {
            _connectGate.Release();
        }
    }

    protected override IReadOnlyList<string> ScriptArgv(string script) =>
        ShellCommand.WithSudo(UseSudo, "/bin/sh", "-c", ShellCommand.Watchdog, ShellCommand.ArgZero, script);

    /// <summary>
    /// Scripts up to this size go in the exec request; larger ones (the runner with the specs of a dozen
    /// drives) on standard input. SSH.NET refuses a packet over 68,536 bytes, and the request also carries
    /// the watchdog and the quoting.
    /// </summary>
    internal const int InlineScriptBytes = 32 * 1024;

    protected override Task<CommandResult> RunScriptAsync(string script, CancellationToken cancellationToken)
    {
        if (System.Text.Encoding.UTF8.GetByteCount(script) <= InlineScriptBytes) return base.RunScriptAsync(script, cancellationToken);
        var bytes = System.Text.Encoding.UTF8.GetBytes(script + ShellCommand.StdinScriptEnd);
        var argv = ShellCommand.WithSudo(UseSudo, "/bin/sh", "-c", ShellCommand.StdinScript, ShellCommand.ArgZero,
            bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), ShellCommand.Watchdog);
        return ExecuteAsync(argv, null, cancellationToken, first: bytes);
    }

    protected override Task<CommandResult> ExecuteAsync(IReadOnlyList<string> argv, byte[]? input, CancellationToken cancellationToken) =>
        ExecuteAsync(argv, input, cancellationToken, first: null);

    /// <param name="first">With <paramref name="input"/> null: what to write on standard input before it is held
    /// open for the watchdog (a script; else one newline).</param>
    private async Task<CommandResult> ExecuteAsync(IReadOnlyList<string> argv, byte[]? input, CancellationToken cancellationToken, byte[]? first)
    {
        var text = "exec " + PosixShell.Join(argv);
        for (var attempt = 0; ; attempt++)
        {
            var client = await EnsureConnectedAsync(cancellationToken).ConfigureAwait(false);
            SshCommand? command = null;
            Task execution;
            try
            {
                command = client.CreateCommand(text);
                execution = command.ExecuteAsync(CancellationToken.None);
            }
            catch (Exception e) when (attempt == 0 && !client.IsConnected && e is SshException or SocketException or ObjectDisposedException or InvalidOperationException)
            {
                // The connection was gone before the channel opened, so nothing ran: reconnect once.
                command?.Dispose();
                continue;
            }
            catch (Exception e) when (e is SshException or SocketException or ObjectDisposedException)
            {
                command?.Dispose();
                throw HostErrors.Unreachable(HostName, Port, e.Message, e);
            }
            using (command)
                return await CompleteAsync(command, execution, input, first, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<CommandResult> CompleteAsync(SshCommand command, Task execution, byte[]? input, byte[]? first, CancellationToken cancellationToken)
    {
        Stream? stdin = null;
        try
        {
            stdin = command.CreateInputStream();
            if (input is null)
            {
                // SSH.NET sends EOF on dispose only after at least one byte: give the watchdog a line to
                // read (or the script to read first), so closing the stream later really signals "cancel".
                await stdin.WriteAsync(first ?? KeepOpen, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await stdin.WriteAsync(input, cancellationToken).ConfigureAwait(false);
                stdin.Dispose();
            }
            await execution.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            stdin?.Dispose(); // EOF: the watchdog kills the command's process group on the host
            try { await execution.WaitAsync(CancelGrace, CancellationToken.None).ConfigureAwait(false); }
            catch (Exception) { } // it ended one way or another; disposing the command closes the channel
            throw;
        }
        catch (Exception e) when (e is SshConnectionException or SocketException or ObjectDisposedException or IOException)
        {
            throw HostErrors.ConnectionLost(HostName, Port, e);
        }
        finally
        {
            stdin?.Dispose();
        }
        var exit = command.ExitStatus ?? ShellCommand.SignalExitCode(command.ExitSignal);
        return new CommandResult(exit, command.Result, command.Error);
    }

    public override void Dispose()
    {
        _connectGate.Wait();
        try
        {
            if (_disposed) return;
            _disposed = true;
            _client?.Dispose();
            _client = null;
            _login.Dispose();
        }
        finally
        {
            _connectGate.Release();
        }
    }
}
