using System.Collections.Concurrent;

namespace NasBurnin.Engine.Remote;

/// <summary>
/// The live shells of one PowerShell runspace, one per host id. A password or passphrase given to
/// Connect-BurninHost lives only inside its shell here, for reconnects during this session.
/// Thread-safe: host fan-outs ask for shells from worker threads.
/// </summary>
public sealed class ShellPool : IDisposable
{
    private readonly ConcurrentDictionary<long, RemoteShellBase> _shells = new();
    private readonly ConcurrentDictionary<long, SemaphoreSlim> _opening = new();
    private volatile bool _disposed;

    public bool IsConnected(long hostId) => _shells.ContainsKey(hostId);

    /// <summary>Makes <paramref name="shell"/> the host's shell, closing any previous one.</summary>
    public void Put(long hostId, RemoteShellBase shell)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_shells.TryGetValue(hostId, out var old) && ReferenceEquals(old, shell)) return;
        _shells[hostId] = shell;
        old?.Dispose();
    }

    /// <summary>Closes the host's shell (and forgets its credential). False when there was none.</summary>
    public bool Close(long hostId)
    {
        if (!_shells.TryRemove(hostId, out var shell)) return false;
        shell.Dispose();
        return true;
    }

    /// <summary>The session's shell for the host, opening one from the store when there is none.</summary>
    public async Task<IRemoteShell> GetAsync(HostRecord host, HostConnector connector, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Live(host) is { } live) return live;
        var gate = _opening.GetOrAdd(host.Id, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Live(host) is { } raced) return raced;
            var shell = await connector.OpenAsync(host, cancellationToken).ConfigureAwait(false);
            Put(host.Id, shell);
            return shell;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// The pooled shell, brought in line with the store (another session may have changed it): the sudo
    /// choice is applied; a shell verified against a key that is no longer the pinned one is closed, so
    /// the host is opened again against the current pin.
    /// </summary>
    private RemoteShellBase? Live(HostRecord host)
    {
        if (!_shells.TryGetValue(host.Id, out var shell)) return null;
        if (shell.HostKeyFingerprint is { } verified && !HostFingerprint.AreEqual(verified, host.HostKeySha256))
        {
            Close(host.Id);
            return null;
        }
        shell.UseSudo = host.UseSudo;
        return shell;
    }

    /// <summary>Closes every shell; the pool stays usable (Remove-Module, then Import-Module again).</summary>
    public void CloseAll()
    {
        foreach (var id in _shells.Keys.ToList()) Close(id);
    }

    public void Dispose()
    {
        _disposed = true;
        CloseAll();
    }
}
