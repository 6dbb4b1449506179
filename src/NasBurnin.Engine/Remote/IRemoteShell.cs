namespace NasBurnin.Engine.Remote;

/// <summary>What a command on a host returned.</summary>
public sealed record CommandResult(int ExitCode, string StdOut, string StdErr);

/// <summary>
/// A shell on one host (SSH or local). <see cref="RunAsync"/> runs a POSIX sh script built with
/// <see cref="PosixShell"/>; implementations add the host's sudo prefix, enforce the timeout and honour
/// the cancellation token (Ctrl+C) by closing the channel.
/// </summary>
public interface IRemoteShell : IDisposable
{
    /// <summary>The host's name as the user registered it.</summary>
    string HostName { get; }

    Task<CommandResult> RunAsync(string script, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>Writes a file on the host (runner scripts), creating it with the given mode.</summary>
    Task UploadAsync(string remotePath, byte[] content, int unixMode, CancellationToken cancellationToken);
}
