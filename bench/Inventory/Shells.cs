using NasBurnin.Engine.Remote;

namespace NasBurnin.Bench.Inventory;

/// <summary>Passes commands to a real shell and keeps the last inventory script's answer.</summary>
internal sealed class RecordingShell : IRemoteShell
{
    private readonly IRemoteShell _inner;

    public RecordingShell(IRemoteShell inner) => _inner = inner;

    public CommandResult? LastInventory { get; private set; }

    public string HostName => _inner.HostName;

    public async Task<CommandResult> RunAsync(string script, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var r = await _inner.RunAsync(script, timeout, cancellationToken).ConfigureAwait(false);
        if (script.Contains("nb_lsblk=", StringComparison.Ordinal)) LastInventory = r;
        return r;
    }

    public Task UploadAsync(string remotePath, byte[] content, int unixMode, CancellationToken cancellationToken) =>
        _inner.UploadAsync(remotePath, content, unixMode, cancellationToken);

    public void Dispose() => _inner.Dispose();
}

/// <summary>Answers every command with one captured inventory output, at once: no host, no SSH.</summary>
internal sealed class ReplayShell : IRemoteShell
{
    private readonly CommandResult _answer;

    public ReplayShell(string hostName, CommandResult answer) => (HostName, _answer) = (hostName, answer);

    public string HostName { get; }

    public Task<CommandResult> RunAsync(string script, TimeSpan timeout, CancellationToken cancellationToken) => Task.FromResult(_answer);

    public Task UploadAsync(string remotePath, byte[] content, int unixMode, CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() { }
}
