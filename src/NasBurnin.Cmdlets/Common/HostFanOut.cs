using System.Management.Automation;
using NasBurnin.Engine.Common;
using NasBurnin.Engine.Remote;

namespace NasBurnin.Common;

/// <summary>
/// Runs one piece of work per host as parallel tasks (at most <c>maxParallel</c> at a time), each on the
/// session's connection to that host. Each host's outcome is handed to the pipeline thread through the cmdlet's
/// dispatcher as it arrives, so the callbacks run one at a time there and may Write*. One host failing never
/// stops the others: its error is written with the host name as target and recorded on the host row
/// (LastError). Host key security errors are terminating once the other hosts have finished. Ctrl+C cancels
/// every host's command promptly (their channels close) and nothing more is written.
/// </summary>
internal static class HostFanOut
{
    public const int DefaultParallelHosts = 8;

    /// <param name="work">Runs off the pipeline thread; must honour the token.</param>
    /// <param name="onResult">Runs on the pipeline thread for each host that succeeded.</param>
    /// <param name="onError">Runs on the pipeline thread for each host that failed (not for security errors);
    /// by default the error is written.</param>
    /// <param name="onStart">Runs off the pipeline thread when the host's turn comes (before it connects), for
    /// timing; it must be thread-safe.</param>
    public static Task RunAsync<T>(BurninCmdlet cmdlet, IReadOnlyList<HostRecord> hosts,
        Func<HostRecord, IRemoteShell, CancellationToken, Task<T>> work,
        Action<HostRecord, T> onResult,
        Action<HostRecord, BurninException>? onError = null,
        int maxParallel = DefaultParallelHosts,
        Action<HostRecord>? onStart = null) =>
        hosts.Count == 0 ? Task.CompletedTask
            : new FanOut<T>(cmdlet, work, onResult, onError ?? ((host, e) => cmdlet.WriteError(ErrorRecords.From(e, host.Name))), onStart)
                .RunAsync(hosts, maxParallel);

    /// <summary>One fan-out: its callbacks, and the security errors held back until every host has finished.</summary>
    private sealed class FanOut<T>(BurninCmdlet cmdlet,
        Func<HostRecord, IRemoteShell, CancellationToken, Task<T>> work,
        Action<HostRecord, T> onResult,
        Action<HostRecord, BurninException> onError,
        Action<HostRecord>? onStart)
    {
        private readonly ShellPool _pool = cmdlet.Session.Shells;
        private readonly HostsFacade _hosts = new(cmdlet.Store);
        private readonly CancellationToken _token = cmdlet.Cancellation;
        private readonly List<(HostRecord Host, BurninException Error)> _security = new(); // touched on the pipeline thread only

        public async Task RunAsync(IReadOnlyList<HostRecord> hosts, int maxParallel)
        {
            using var throttle = new SemaphoreSlim(maxParallel);
            await Task.WhenAll(hosts.Select(h => Task.Run(() => OneAsync(h, throttle), CancellationToken.None))).ConfigureAwait(false);
            if (_security.Count == 0) return;
            foreach (var (host, e) in _security.Skip(1)) cmdlet.WriteError(ErrorRecords.From(e, host.Name));
            cmdlet.ThrowTerminatingError(ErrorRecords.From(_security[0].Error, _security[0].Host.Name));
        }

        /// <summary>One host: its turn under the throttle, then its outcome handed to the pipeline thread.</summary>
        private async Task OneAsync(HostRecord host, SemaphoreSlim throttle)
        {
            try
            {
                await throttle.WaitAsync(_token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            Action? outcome;
            try
            {
                outcome = await AttemptAsync(host).ConfigureAwait(false);
            }
            finally
            {
                throttle.Release();
            }
            if (outcome is null) return;
            try
            {
                cmdlet.OnPipeline(outcome);
            }
            catch (OperationCanceledException) when (_token.IsCancellationRequested)
            {
            }
        }

        /// <summary>Connects and works on one host; what to do on the pipeline thread with the outcome, none when cancelled.</summary>
        private async Task<Action?> AttemptAsync(HostRecord host)
        {
            try
            {
                onStart?.Invoke(host);
                var shell = await _hosts.ShellAsync(_pool, host, _token).ConfigureAwait(false);
                var result = await work(host, shell, _token).ConfigureAwait(false);
                Record(_hosts, host, null);
                return () => onResult(host, result);
            }
            catch (OperationCanceledException) when (_token.IsCancellationRequested)
            {
                return null;
            }
            catch (BurninException e)
            {
                Record(_hosts, host, e);
                return e.Kind == ErrorKind.Security ? () => _security.Add((host, e)) : () => onError(host, e);
            }
            catch (Exception e) when (e is not PipelineStoppedException and not BurninCmdlet.TerminatingError)
            {
                // Every worker exception is observed and becomes an error for its host (an unobserved one would be lost).
                var wrapped = new BurninException("HostOperationFailed", ErrorKind.InvalidOperation, $"{host}: {e.Message}", e) { Target = host.Name };
                Record(_hosts, host, wrapped);
                return () => onError(host, wrapped);
            }
        }
    }

    private static void Record(HostsFacade hosts, HostRecord host, BurninException? error)
    {
        try { hosts.RecordContact(host, error); }
        catch (BurninException) { } // the store's own trouble surfaces on the next store call; the host's outcome still counts
    }
}
