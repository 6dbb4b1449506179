using System.Collections.Concurrent;
using System.Management.Automation;
using System.Runtime.ExceptionServices;

namespace NasBurnin.Common;

/// <summary>
/// Runs calls on the pipeline thread for code running elsewhere (PSql's MainThreadDispatcher): Write*,
/// ShouldProcess and prompts are only legal on the thread that invoked the cmdlet. A worker hands the call
/// over and waits for it; the pipeline thread runs the calls one at a time, in order of arrival, until the
/// cmdlet body's task ends. After Ctrl+C nothing more runs: waiting callers get OperationCanceledException.
/// </summary>
internal sealed class PipelineDispatcher
{
    private readonly BlockingCollection<Call> _queue = new();
    private readonly int _pipelineThread = Environment.CurrentManagedThreadId;
    private readonly CancellationTokenSource _stop;

    /// <summary>Created on the pipeline thread; <paramref name="stop"/> is the cmdlet's Ctrl+C source, cancelled
    /// too when a write finds the pipeline stopped (so the other workers stop as well).</summary>
    public PipelineDispatcher(CancellationTokenSource stop) => _stop = stop;

    public bool OnPipelineThread => Environment.CurrentManagedThreadId == _pipelineThread;

    /// <summary>Runs <paramref name="call"/> on the pipeline thread and returns its result (or rethrows its exception) here.</summary>
    public T Invoke<T>(Func<T> call)
    {
        if (OnPipelineThread) return call();
        T result = default!;
        var item = new Call(() => result = call());
        try
        {
            _queue.Add(item);
        }
        catch (InvalidOperationException)
        {
            // The body already ended: a stray task outlived it and nobody will pump its call.
            throw new PipelineStoppedException();
        }
        item.Wait();
        return result;
    }

    /// <summary>Pumps the calls on the pipeline thread until <paramref name="body"/> has ended.</summary>
    public void Pump(Task body)
    {
        body.ContinueWith(_ => _queue.CompleteAdding(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        foreach (var call in _queue.GetConsumingEnumerable())
        {
            if (_stop.IsCancellationRequested) call.Cancel(_stop.Token);
            else if (!call.Run()) _stop.Cancel();
        }
    }

    /// <summary>One handed-over call: run once on the pipeline thread, its caller waiting for the outcome.</summary>
    private sealed class Call
    {
        private readonly Action _action;
        private readonly ManualResetEventSlim _done = new();
        private ExceptionDispatchInfo? _error;

        public Call(Action action) => _action = action;

        /// <summary>False when the pipeline was found stopped (Ctrl+C, or Select-Object -First had enough).</summary>
        public bool Run()
        {
            try
            {
                _action();
            }
            catch (Exception e)
            {
                _error = ExceptionDispatchInfo.Capture(e);
            }
            _done.Set();
            return _error?.SourceException is not PipelineStoppedException;
        }

        public void Cancel(CancellationToken token)
        {
            _error = ExceptionDispatchInfo.Capture(new OperationCanceledException(token));
            _done.Set();
        }

        public void Wait()
        {
            _done.Wait();
            _error?.Throw();
        }
    }
}
