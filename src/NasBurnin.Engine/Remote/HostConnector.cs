using System.Security;
using NasBurnin.Engine.Common;
using NasBurnin.Engine.Store;

namespace NasBurnin.Engine.Remote;

/// <summary>What Connect-BurninHost asks for. The secret is a key passphrase (with a key file) or a password.</summary>
public sealed record ConnectRequest
{
    public required string HostName { get; init; }
    public int Port { get; init; } = 22;
    public HostTransport Transport { get; init; } = HostTransport.Ssh;
    public string? UserName { get; init; }
    public string? KeyFilePath { get; init; }
    public SecureString? Secret { get; init; }
    public bool AcceptHostKey { get; init; }
    public string? ExpectedFingerprint { get; init; }
    /// <summary>Null keeps the stored choice (off for a new host).</summary>
    public bool? UseSudo { get; init; }
    /// <summary>Null keeps the stored work folder (the store-wide setting for a new host).</summary>
    public string? WorkDir { get; init; }
    /// <summary>Null keeps the stored choice (off for a new host).</summary>
    public bool? IncludeLoopDevices { get; init; }
    public TimeSpan ConnectTimeout { get; init; } = SshShell.DefaultConnectTimeout;
}

/// <summary>A connected host: its stored record, the live shell, and what happened to its key.</summary>
public sealed record ConnectOutcome(HostRecord Host, RemoteShellBase Shell, HostKeyVerdict Verdict);

/// <summary>
/// Opens shells to hosts: <see cref="ConnectAsync"/> for Connect-BurninHost (verifies or pins the key and
/// records the host), <see cref="OpenAsync"/> for everything else (only a pinned key, only what the store
/// holds, so it works in a new session for key logins without a passphrase).
/// </summary>
public sealed class HostConnector
{
    private readonly BurninStore _store;
    private readonly HostRepository _hosts;

    public HostConnector(BurninStore store)
    {
        _store = store;
        _hosts = new HostRepository(store);
    }

    /// <summary>
    /// What connecting with <paramref name="request"/> would change in a known host's stored settings
    /// ("Name: old -> new"); empty for a new host or the same settings. Connect-BurninHost asks for an
    /// admin before it connects when this is not empty.
    /// </summary>
    public IReadOnlyList<string> PlannedChanges(ConnectRequest request)
    {
        RemoteNames.RequireHostName(request.HostName);
        var existing = _hosts.Find(request.HostName, request.Port);
        if (existing is null) return Array.Empty<string>();
        var after = Record(request, existing, request.ExpectedFingerprint ?? existing.HostKeySha256, existing.HostKeyAlgorithm);
        return (after with { ToolPaths = existing.ToolPaths, MaxParallelRuns = existing.MaxParallelRuns }).ChangesFrom(existing);
    }

    /// <summary>The record a connection stores: the request's settings, the stored ones where the request is silent.</summary>
    private static HostRecord Record(ConnectRequest request, HostRecord? existing, string? fingerprint, string? algorithm)
    {
        var useSudo = request.UseSudo ?? existing?.UseSudo ?? false;
        var workDir = request.WorkDir is null ? existing?.WorkDir : RemoteNames.RequireSafePath(request.WorkDir, "work folder");
        var includeLoop = request.IncludeLoopDevices ?? existing?.IncludeLoopDevices ?? false;
        var record = request.Transport == HostTransport.Local
            ? new HostRecord { Name = request.HostName, Port = request.Port, Transport = HostTransport.Local, UserName = Environment.UserName, UseSudo = useSudo }
            : new HostRecord
            {
                Name = request.HostName, Port = request.Port, Transport = HostTransport.Ssh, UserName = request.UserName,
                KeyFilePath = request.KeyFilePath, HostKeySha256 = fingerprint, HostKeyAlgorithm = algorithm, UseSudo = useSudo,
            };
        return record with { WorkDir = workDir, IncludeLoopDevices = includeLoop };
    }

    public async Task<ConnectOutcome> ConnectAsync(ConnectRequest request, Actor actor, CancellationToken cancellationToken)
    {
        RemoteNames.RequireHostName(request.HostName);
        var existing = _hosts.Find(request.HostName, request.Port);
        var record = Record(request, existing, null, null); // validates the work folder before anything connects
        RemoteShellBase shell;
        HostKeyVerdict verdict;
        if (request.Transport == HostTransport.Local)
        {
            shell = new LocalShell(request.HostName, record.UseSudo);
            verdict = HostKeyVerdict.Trusted;
        }
        else
        {
            if (request.Port is < 1 or > 65535)
                throw new BurninException("InvalidPort", ErrorKind.InvalidArgument, $"Port {request.Port} is not a TCP port. Give 1 to 65535.") { Target = request.HostName };
            var user = request.UserName ?? throw new ArgumentException("A user name is required.", nameof(request));
            var login = request.KeyFilePath is not null
                ? SshLogin.WithKey(user, request.KeyFilePath, request.Secret)
                : SshLogin.WithPassword(user, request.Secret ?? throw HostErrors.CredentialRequired(request.HostName, request.Port));
            var check = new HostKeyCheck(existing?.HostKeySha256, existing?.HostKeyAlgorithm, request.ExpectedFingerprint, request.AcceptHostKey);
            var ssh = await SshShell.ConnectAsync(request.HostName, request.Port, login, check, record.UseSudo, request.ConnectTimeout, cancellationToken).ConfigureAwait(false);
            shell = ssh;
            verdict = ssh.Verdict;
            record = record with { HostKeySha256 = ssh.HostKeyFingerprint, HostKeyAlgorithm = ssh.HostKeyAlgorithm };
        }
        try
        {
            return new ConnectOutcome(_hosts.SaveConnected(record, verdict, actor), shell, verdict);
        }
        catch
        {
            shell.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A new shell for a registered host from what the store holds: the pinned key must match, and only a
    /// key file without passphrase can log in unattended; anything else is HostCredentialRequired.
    /// </summary>
    public async Task<RemoteShellBase> OpenAsync(HostRecord host, CancellationToken cancellationToken)
    {
        if (host.Transport == HostTransport.Local) return new LocalShell(host.Name, host.UseSudo);
        if (host.HostKeySha256 is null) throw HostErrors.NotPinned(host.Name, host.Port);
        if (host.KeyFilePath is null || host.UserName is null) throw HostErrors.CredentialRequired(host.Name, host.Port);
        var check = new HostKeyCheck(host.HostKeySha256, host.HostKeyAlgorithm, null, acceptNew: false);
        try
        {
            return await SshShell.ConnectAsync(host.Name, host.Port, SshLogin.WithKey(host.UserName, host.KeyFilePath), check,
                host.UseSudo, SshShell.DefaultConnectTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (BurninException e) when (e.ErrorId == "KeyPassphraseRequired")
        {
            throw HostErrors.CredentialRequired(host.Name, host.Port);
        }
    }

    /// <summary>Records the outcome of one contact (last poll, last success, last error) on the host row.</summary>
    public void RecordContact(HostRecord host, BurninException? error) => _hosts.RecordContact(host.Id, error?.Message);
}
