using System.Collections.Concurrent;
using System.Management.Automation;
using NasBurnin.Engine.Common;
using NasBurnin.Engine.Remote;

namespace NasBurnin.Common;

/// <summary>
/// Runs one piece of work per host in parallel on the thread pool, each on the session's connection
/// to that host, and hands results and errors back to the pipeline thread, which writes them as they
/// arrive (Write* is only legal there). One host failing never stops the others: its error is written
/// with the host name as target and recorded on the host row (LastError). Host key security errors
/// are terminating once the other hosts have finished. Ctrl+C cancels every host's command promptly
/// (their channels close) and nothing more is written.
/// </summary>
internal static class HostFanOut
{
    public const int DefaultParallelHosts = 8;

    /// <param name="work">Runs on a worker thread; must honour the token. Never call Write* from it.</param>
    /// <param name="onResult">Runs on the pipeline thread for each host that succeeded.</param>
    /// <param name="onError">Runs on the pipeline thread for each host that failed (not for security errors);
    /// by default the error is written.</param>
    /// <param name="onStart">Runs on a worker thread when the host's turn comes (before it connects), for
    /// timing; it must not call Write* and must be thread-safe.</param>
    public static void Run<T>(BurninCmdlet cmdlet, IReadOnlyList<HostRecord> hosts,
        Func<HostRecord, IRemoteShell, CancellationToken, Task<T>> work,
        Action<HostRecord, T> onResult,
        Action<HostRecord, BurninException>? onError = null,
        int maxParallel = DefaultParallelHosts,
        Action<HostRecord>? onStart = null)
    {
        if (hosts.Count == 0) return;
        var store = cmdlet.Store;                      // resolved on the pipeline thread: the session is per runspace
        var pool = ModuleSession.Current.Shells;
        var connector = new HostConnector(store);
        var token = cmdlet.Cancellation;
        onError ??= (host, e) => cmdlet.WriteError(ErrorRecords.From(e, host.Name));

        using var completed = new BlockingCollection<Action>();
        using var throttle = new SemaphoreSlim(maxParallel);
        var security = new List<(HostRecord Host, BurninException Error)>();

        async Task One(HostRecord host)
        {
            try
            {
                await throttle.WaitAsync(token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            try
            {
                onStart?.Invoke(host);
                var shell = await pool.GetAsync(host, connector, token).ConfigureAwait(false);
                var result = await work(host, shell, token).ConfigureAwait(false);
                Record(connector, host, null);
                completed.Add(() => onResult(host, result));
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
            }
            catch (BurninException e)
            {
                Record(connector, host, e);
                completed.Add(() =>
                {
                    if (e.Kind == ErrorKind.Security) security.Add((host, e));
                    else onError(host, e);
                });
            }
            catch (Exception e)
            {
                // Every worker exception is observed and becomes an error for its host (an unobserved one would be lost).
                var wrapped = new BurninException("HostOperationFailed", ErrorKind.InvalidOperation, $"{host}: {e.Message}", e) { Target = host.Name };
                Record(connector, host, wrapped);
                completed.Add(() => onError(host, wrapped));
            }
            finally
            {
                throttle.Release();
            }
        }

        var tasks = hosts.Select(h => Task.Run(() => One(h))).ToArray();
        _ = Task.WhenAll(tasks).ContinueWith(_ => completed.CompleteAdding(), TaskScheduler.Default);
        try
        {
            foreach (var write in completed.GetConsumingEnumerable())
                if (!token.IsCancellationRequested) write();
        }
        finally
        {
            // Never leave workers running against a disposed queue (a Write* may have thrown PipelineStoppedException).
            try { Task.WaitAll(tasks); }
            catch (AggregateException) { }
        }

        if (security.Count > 0)
        {
            foreach (var (host, e) in security.Skip(1)) cmdlet.WriteError(ErrorRecords.From(e, host.Name));
            cmdlet.ThrowTerminatingError(ErrorRecords.From(security[0].Error, security[0].Host.Name));
        }
    }

    private static void Record(HostConnector connector, HostRecord host, BurninException? error)
    {
        try { connector.RecordContact(host, error); }
        catch (BurninException) { } // the store's own trouble surfaces on the next store call; the host's outcome still counts
    }
}
