using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using NasBurnin.Engine.Common;
using NasBurnin.Engine.Remote;
using NasBurnin.Engine.Store;

namespace NasBurnin.Common;

/// <summary>
/// What one runspace remembers between commands: the store it uses and its live host connections.
/// Keyed by runspace, so parallel runspaces (jobs, ForEach-Object -Parallel, test hosts) never see
/// each other's choices or share a connection.
/// </summary>
internal sealed class ModuleSession
{
    private static readonly ConditionalWeakTable<object, ModuleSession> Sessions = new();
    private static readonly object Global = new();

    private readonly object _gate = new();
    private string? _chosenPath;
    private BurninStore? _store;

    public static ModuleSession Current =>
        Sessions.GetValue((object?)Runspace.DefaultRunspace ?? Global, Create);

    /// <summary>One SSH connection per host for this runspace; closed when the runspace closes.</summary>
    public ShellPool Shells { get; } = new();

    private static ModuleSession Create(object key)
    {
        var session = new ModuleSession();
        if (key is Runspace runspace)
        {
            runspace.StateChanged += (_, e) =>
            {
                if (e.RunspaceStateInfo.State is RunspaceState.Closed or RunspaceState.Broken)
                    session.Shells.Dispose();
            };
        }
        return session;
    }

    /// <summary>The store chosen with Use-BurninStore, else the default location (re-read each time, so
    /// a changed $env:NASBURNIN_HOME takes effect).</summary>
    public string StorePath => _chosenPath ?? StoreLocation.DefaultPath();

    public BurninStore GetStore()
    {
        lock (_gate)
        {
            var path = Path.GetFullPath(StorePath);
            if (_store is null || _store.Path != path)
                _store = BurninStore.Open(path);
            return _store;
        }
    }

    /// <summary>
    /// Who acts in this session: the signed-in operator (Connect-BurninOperator), else the OS user.
    /// </summary>
    public Actor Actor => SignedInOperator is { } op ? new Actor(op, Actor.CurrentSource()) : Actor.OsUser();

    /// <summary>The NasBurnin user signed in with Connect-BurninOperator, if any.</summary>
    public string? SignedInOperator { get; set; }

    /// <summary>Opens (creating) the store at <paramref name="path"/> and makes it this session's store.</summary>
    public BurninStore UseStore(string path)
    {
        var store = BurninStore.Open(path);
        lock (_gate)
        {
            _chosenPath = store.Path;
            _store = store;
        }
        return store;
    }
}
