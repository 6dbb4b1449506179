using System.Management.Automation;
using System.Runtime.ExceptionServices;

namespace NasBurnin.Common;

/// <summary>
/// The pipeline-thread half of <see cref="BurninCmdlet"/>: while an async body runs (<see cref="RunBody"/>),
/// every Write*, ShouldProcess, terminating error and prompt made from any thread is handed to the pipeline
/// thread, which pumps them until the body's task ends. On the pipeline thread, or in a plain synchronous
/// cmdlet, the calls go straight to PowerShell as before.
/// </summary>
public abstract partial class BurninCmdlet
{
    private PipelineDispatcher? _dispatcher;
    private ModuleSession? _session;

    /// <summary>
    /// This runspace's session, captured on the pipeline thread: <see cref="ModuleSession.Current"/> keys on
    /// the thread's default runspace, which a worker thread does not have.
    /// </summary>
    internal ModuleSession Session => _session ?? ModuleSession.Current;

    /// <summary>
    /// Runs <paramref name="body"/> off the pipeline thread while this thread pumps its calls, then raises what
    /// it threw here: a terminating error as that ErrorRecord, anything else as itself; a body cancelled by
    /// Ctrl+C just ends (nothing more is written).
    /// </summary>
    private protected void RunBody(Func<CancellationToken, Task> body)
    {
        _session ??= ModuleSession.Current;
        var token = Cancellation;
        var dispatcher = new PipelineDispatcher(_stop);
        _dispatcher = dispatcher;
        Task task;
        try
        {
            task = Task.Run(() => body(token), CancellationToken.None);
            dispatcher.Pump(task);
        }
        finally
        {
            _dispatcher = null;
        }
        if (task.IsCanceled)
        {
            if (token.IsCancellationRequested) return;
            throw new OperationCanceledException(); // cancelled by something other than Ctrl+C: not a quiet stop
        }
        if (task.Exception?.InnerException is not { } error) return;
        if (error is OperationCanceledException && token.IsCancellationRequested) return;
        if (error is TerminatingError terminating) base.ThrowTerminatingError(terminating.Record);
        ExceptionDispatchInfo.Throw(error);
    }

    /// <summary>Runs <paramref name="call"/> on the pipeline thread (directly when already there) and returns its result.</summary>
    internal T OnPipeline<T>(Func<T> call) => _dispatcher is { } d ? d.Invoke(call) : call();

    /// <inheritdoc cref="OnPipeline{T}(Func{T})"/>
    internal void OnPipeline(Action call) => OnPipeline(() => { call(); return true; });

    public new void WriteObject(object? sendToPipeline) => OnPipeline(() => base.WriteObject(sendToPipeline));

    public new void WriteObject(object? sendToPipeline, bool enumerateCollection) =>
        OnPipeline(() => base.WriteObject(sendToPipeline, enumerateCollection));

    public new void WriteError(ErrorRecord errorRecord) => OnPipeline(() => base.WriteError(errorRecord));

    public new void WriteWarning(string text) => OnPipeline(() => base.WriteWarning(text));

    public new void WriteVerbose(string text) => OnPipeline(() => base.WriteVerbose(text));

    public new void WriteDebug(string text) => OnPipeline(() => base.WriteDebug(text));

    public new void WriteProgress(ProgressRecord progressRecord) => OnPipeline(() => base.WriteProgress(progressRecord));

    public new bool ShouldProcess(string target) => OnPipeline(() => base.ShouldProcess(target));

    public new bool ShouldProcess(string target, string action) => OnPipeline(() => base.ShouldProcess(target, action));

    public new bool ShouldContinue(string query, string caption) => OnPipeline(() => base.ShouldContinue(query, caption));

    /// <summary>
    /// Stops the cmdlet with <paramref name="errorRecord"/>. Off the pipeline thread it throws
    /// <see cref="TerminatingError"/>, which ends the body and is raised on the pipeline thread by <see cref="RunBody"/>.
    /// </summary>
    public new void ThrowTerminatingError(ErrorRecord errorRecord)
    {
        if (_dispatcher is { OnPipelineThread: false }) throw new TerminatingError(errorRecord);
        base.ThrowTerminatingError(errorRecord);
    }

    /// <summary>A terminating error raised off the pipeline thread, carried to it.</summary>
    internal sealed class TerminatingError : Exception
    {
        public TerminatingError(ErrorRecord record) : base(record.Exception?.Message, record.Exception) => Record = record;

        public ErrorRecord Record { get; }
    }
}
