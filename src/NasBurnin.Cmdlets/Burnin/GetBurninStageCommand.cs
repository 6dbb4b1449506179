using System.Management.Automation;
using NasBurnin.Completion;
using NasBurnin.Common;
using NasBurnin.Engine.Burnin;

namespace NasBurnin.Burnin;

/// <summary>Get-BurninStage: the stages of runs, with live progress, and their logs with -IncludeLog.</summary>
[Cmdlet(VerbsCommon.Get, "BurninStage")]
[OutputType(typeof(BurninStage))]
public sealed class GetBurninStageCommand : AsyncBurninCmdlet
{
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(RunIdCompleter))]
    public long[]? RunId { get; set; }

    /// <summary>Include each stage's compacted log.</summary>
    [Parameter]
    public SwitchParameter IncludeLog { get; set; }

    [Parameter]
    public SwitchParameter Offline { get; set; }

    protected override async Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        var store = Store;
        var burnin = new BurninFacade(store);
        if (!Offline)
        {
            var targets = burnin.UnfinishedRunIds(new RunQuery(RunIds: RunId));
            if (targets.Count > 0) await BurninHosts.RefreshAsync(this, targets).ConfigureAwait(false);
        }
        var now = store.Clock.UtcNow;
        foreach (var s in burnin.Stages(RunId, IncludeLog))
            WriteObject(BurninMapping.Stage(s, now));
    }
}
