namespace NasBurnin.Common;

/// <summary>
/// Base of the cmdlets whose work is asynchronous (SSH, mail, webhooks): their bodies are async methods taking
/// the cmdlet's one cancellation token (Ctrl+C), run off the pipeline thread while the pipeline thread carries
/// out their Write*, ShouldProcess and prompts (<see cref="BurninCmdlet.RunBody"/>). A ProcessRecord that only collects input may stay a
/// synchronous override.
/// </summary>
public abstract class AsyncBurninCmdlet : BurninCmdlet
{
    protected override void BeginProcessing() => RunBody(BeginProcessingAsync);

    protected override void ProcessRecord() => RunBody(ProcessRecordAsync);

    protected override void EndProcessing() => RunBody(EndProcessingAsync);

    protected virtual Task BeginProcessingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    protected virtual Task ProcessRecordAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    protected virtual Task EndProcessingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
