using NasBurnin.Engine.Common;
using NasBurnin.Engine.Store;

namespace NasBurnin.Engine.Remote;

/// <summary>
/// The Hosts feature, as the cmdlets see it (Connect/Disconnect/Get/Set/Remove/Test-BurninHost, every
/// -HostName, and the shells the host fan-out opens): registering hosts, pinning their keys, their settings,
/// the probe, and each contact's outcome. It owns the <c>hosts</c> table, through <see cref="HostRepository"/>
/// and <see cref="HostConnector"/>; nothing else writes it.
/// </summary>
public sealed class HostsFacade
{
    private readonly HostRepository _hosts;
    private readonly HostConnector _connector;

    public HostsFacade(BurninStore store)
    {
        _hosts = new HostRepository(store);
        _connector = new HostConnector(store);
    }

    /// <summary>
    /// The hosts a -HostName pattern names (all hosts without one): a wildcard matches names in the store, a
    /// plain name only that name; on any port unless one is given. Ordered by name and port.
    /// </summary>
    public IReadOnlyList<HostRecord> Matching(Wildcard? name, int? port = null) =>
        name is { HasWildcards: false } ? _hosts.ListNamed(name.Literal!, port) : _hosts.List(name, port);

    public HostRecord? Get(long id) => _hosts.Get(id);

    /// <summary>The user name the store holds for a host, for a connection that names none.</summary>
    public string? StoredUserName(string name, int port) => _hosts.Find(name, port)?.UserName;

    /// <inheritdoc cref="HostConnector.PlannedChanges"/>
    public IReadOnlyList<string> PlannedChanges(ConnectRequest request) => _connector.PlannedChanges(request);

    /// <summary>Connects, verifies or pins the host key, and records the host (Connect-BurninHost).</summary>
    public Task<ConnectOutcome> ConnectAsync(ConnectRequest request, Actor actor, CancellationToken cancellationToken) =>
        _connector.ConnectAsync(request, actor, cancellationToken);

    /// <summary>The session's shell for a registered host, opened from what the store holds when the pool has none.</summary>
    public Task<IRemoteShell> ShellAsync(ShellPool pool, HostRecord host, CancellationToken cancellationToken) =>
        pool.GetAsync(host, _connector, cancellationToken);

    /// <inheritdoc cref="HostConnector.RecordContact"/>
    public void RecordContact(HostRecord host, BurninException? error) => _connector.RecordContact(host, error);

    /// <summary>Checks host setting changes the way <see cref="Update"/> will, so -WhatIf refuses the same values.</summary>
    public static HostChanges CheckChanges(HostChanges changes) => HostRepository.Check(changes);

    public HostRecord Update(long id, HostChanges changes, Actor? actor) => _hosts.Update(id, changes, actor);

    /// <summary>Unregisters the host and forgets its pinned key (audited).</summary>
    public void Remove(HostRecord host, Actor actor) => _hosts.Remove(host, actor);

    /// <summary>The short read-only probe of Test-BurninHost (uname, user, tools, smartctl version, work folder).</summary>
    public static Task<HostProbeResult> ProbeAsync(IRemoteShell shell, HostRecord host, BurninSettings settings, TimeSpan timeout, CancellationToken cancellationToken) =>
        HostProbe.RunAsync(shell, host, settings, timeout, cancellationToken);
}
