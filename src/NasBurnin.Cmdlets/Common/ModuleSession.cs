using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using NasBurnin.Engine.Auth;
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
    private OperatorSignIn? _signIn;

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
                _store = OpenStore(path);
            return _store;
        }
    }

    /// <summary>
    /// Who acts in this session: the signed-in operator (Connect-BurninOperator), else the OS user.
    /// This does not check anything: destructive cmdlets call BurninCmdlet.RequireOperator() instead,
    /// which refuses when the store has users and nobody valid is signed in.
    /// </summary>
    public Actor Actor => SignedInOperator is { } op ? new Actor(op, Actor.CurrentSource()) : Actor.OsUser();

    /// <summary>
    /// The NasBurnin user signed in with Connect-BurninOperator, if any. A sign-in belongs to the store it
    /// was made against: after Use-BurninStore (or $env:NASBURNIN_HOME) points the session at another
    /// store, nobody is signed in there. Setting it signs in to the current store.
    /// </summary>
    public string? SignedInOperator
    {
        get => CurrentSignIn?.UserName;
        set => _signIn = value is null ? null : new OperatorSignIn(value, Path.GetFullPath(StorePath), DateTimeOffset.UtcNow);
    }

    /// <summary>The sign-in for the session's current store, or null.</summary>
    public OperatorSignIn? CurrentSignIn => _signIn is { } s && s.StorePath == Path.GetFullPath(StorePath) ? s : null;

    public void SignIn(string userName, string storePath, DateTimeOffset at) => _signIn = new OperatorSignIn(userName, storePath, at);

    public void SignOut() => _signIn = null;

    /// <summary>Opens (creating) the store at <paramref name="path"/> and makes it this session's store.</summary>
    public BurninStore UseStore(string path)
    {
        var store = OpenStore(path);
        lock (_gate)
        {
            _chosenPath = store.Path;
            _store = store;
        }
        return store;
    }

    /// <summary>
    /// The one place a session opens a store: create and migrate it, then apply
    /// NASBURNIN_INITIAL_ADMIN_USERNAME/PASSWORD when it has no users yet.
    /// </summary>
    private static BurninStore OpenStore(string path)
    {
        var store = BurninStore.Open(path);
        InitialAdmin.ApplyFromEnvironment(store);
        return store;
    }
}

/// <summary>Who signed in, to which store, and when.</summary>
internal sealed record OperatorSignIn(string UserName, string StorePath, DateTimeOffset At);
