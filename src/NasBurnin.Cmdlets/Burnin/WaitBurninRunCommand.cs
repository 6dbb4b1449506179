using System.Management.Automation;
using NasBurnin.Completion;
using NasBurnin.Common;
using NasBurnin.Engine.Burnin;

namespace NasBurnin.Burnin;

/// <summary>
/// Wait-BurninRun: waits for runs (all unfinished ones when none is given) with one progress bar per
/// drive, and writes each run when it ends. Ctrl+C stops the waiting; the burn-in goes on.
/// </summary>
[Cmdlet(VerbsLifecycle.Wait, "BurninRun")]
[OutputType(typeof(BurninRun))]
public sealed class WaitBurninRunCommand : AsyncBurninCmdlet
{
    private readonly List<long> _ids = new();

    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(RunIdCompleter))]
    public long[]? RunId { get; set; }

    [Parameter]
    [ValidateRange(1, 3600)]
    public int PollSeconds { get; set; } = 10;

    /// <summary>Stop waiting after this long (the runs go on).</summary>
    [Parameter]
    public TimeSpan? Timeout { get; set; }

    protected override void ProcessRecord()
    {
        if (RunId is not null) _ids.AddRange(RunId);
    }

    protected override async Task EndProcessingAsync(CancellationToken cancellationToken)
    {
        // Piped input that held no run (a filter matched nothing) means nothing to wait for, not "everything".
        if (_ids.Count == 0 && MyInvocation.ExpectingInput) return;
        var ids = _ids.Count > 0 ? _ids.Distinct().ToList() : new BurninFacade(Store).UnfinishedRunIds(new RunQuery());
        if (ids.Count == 0) return;
        await RunWaiter.WaitAsync(this, ids, TimeSpan.FromSeconds(PollSeconds), Timeout).ConfigureAwait(false);
    }
}
