using NasBurnin.Engine.Common;

namespace NasBurnin.Engine.Remote;

/// <summary>
/// What the SSH and local shells share: the sudo prefix and sudo's refusals, the command timeout
/// (<see cref="HostErrors.CommandTimeout"/>) versus Ctrl+C (<see cref="OperationCanceledException"/>),
/// and uploads. Subclasses only start a process and stop it when the token fires.
/// </summary>
public abstract class RemoteShellBase : IRemoteShell
{
    /// <summary>How long an upload may take.</summary>
    public static readonly TimeSpan UploadTimeout = TimeSpan.FromMinutes(2);

    private volatile bool _useSudo;

    protected RemoteShellBase(string hostName, int port, string userName, bool useSudo)
    {
        HostName = hostName;
        Port = port;
        UserName = userName;
        _useSudo = useSudo;
    }

    public string HostName { get; }

    public int Port { get; }

    /// <summary>The user commands run as (before sudo).</summary>
    public string UserName { get; }

    /// <summary>Prefix every command with <c>sudo -n</c>. Set-BurninHost changes it on a live shell.</summary>
    public bool UseSudo
    {
        get => _useSudo;
        set => _useSudo = value;
    }

    public abstract HostTransport Transport { get; }

    /// <summary>The host key fingerprint this shell verified (SSH only).</summary>
    public virtual string? HostKeyFingerprint => null;

    public virtual string? HostKeyAlgorithm => null;

    public Task<CommandResult> RunAsync(string script, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(script);
        return GuardAsync(t => RunScriptAsync(script, t), timeout, cancellationToken);
    }

    /// <summary>Runs <paramref name="script"/> once (the timeout and Ctrl+C are handled around it).</summary>
    protected virtual Task<CommandResult> RunScriptAsync(string script, CancellationToken cancellationToken) =>
        ExecuteAsync(ScriptArgv(script), null, cancellationToken);

    public async Task UploadAsync(string remotePath, byte[] content, int unixMode, CancellationToken cancellationToken)
    {
        RemoteNames.RequireSafePath(remotePath, "upload path");
        if (unixMode is < 0 or > 0x1FF) throw new ArgumentOutOfRangeException(nameof(unixMode), "Give a mode from 0 to 0777 (octal).");
        var argv = ShellCommand.WithSudo(UseSudo, "/bin/sh", "-c", ShellCommand.Upload, ShellCommand.ArgZero,
            remotePath, content.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), Convert.ToString(unixMode, 8));
        var result = await GuardAsync(t => ExecuteAsync(argv, content, t), UploadTimeout, cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
            throw HostErrors.UploadFailed(HostName, remotePath, result.StdErr.Trim().Length > 0 ? result.StdErr.Trim() : $"exit code {result.ExitCode}");
    }

    /// <summary>The argument vector that runs <paramref name="script"/> with /bin/sh (and sudo).</summary>
    protected virtual IReadOnlyList<string> ScriptArgv(string script) =>
        ShellCommand.WithSudo(UseSudo, "/bin/sh", "-c", script);

    /// <summary>
    /// Runs <paramref name="argv"/>. With <paramref name="input"/> null the command's standard input
    /// carries nothing; otherwise the bytes are written and standard input closed. When the token fires,
    /// the command must be stopped on the host before this throws <see cref="OperationCanceledException"/>.
    /// </summary>
    protected abstract Task<CommandResult> ExecuteAsync(IReadOnlyList<string> argv, byte[]? input, CancellationToken cancellationToken);

    private async Task<CommandResult> GuardAsync(Func<CancellationToken, Task<CommandResult>> run, TimeSpan timeout, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeout != Timeout.InfiniteTimeSpan) limit.CancelAfter(timeout);
        CommandResult result;
        try
        {
            result = await run(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && limit.IsCancellationRequested)
        {
            throw HostErrors.CommandTimeout(HostName, timeout);
        }
        if (UseSudo)
        {
            switch (ShellCommand.DetectSudoFailure(result))
            {
                case SudoFailure.PasswordRequired: throw HostErrors.SudoPasswordRequired(HostName, UserName);
                case SudoFailure.NotInstalled: throw HostErrors.SudoNotFound(HostName);
            }
        }
        return result;
    }

    public abstract void Dispose();
}
