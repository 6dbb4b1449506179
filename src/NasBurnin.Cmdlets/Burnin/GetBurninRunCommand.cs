using System.Management.Automation;
using NasBurnin.Completion;
using NasBurnin.Common;
using NasBurnin.Engine.Burnin;
using NasBurnin.Engine.Common;
using NasBurnin.Engine.Remote;

namespace NasBurnin.Burnin;

/// <summary>Get-BurninRun: runs, refreshed from their hosts first (one round trip per host) unless -Offline.</summary>
[Cmdlet(VerbsCommon.Get, "BurninRun")]
[OutputType(typeof(BurninRun))]
public sealed class GetBurninRunCommand : AsyncBurninCmdlet
{
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(RunIdCompleter))]
    public long[]? RunId { get; set; }

    /// <summary>Queued, Running, Stalled, Finished, Aborted, Interrupted.</summary>
    [Parameter]
    public RunState[]? State { get; set; }

    /// <summary>Running, Pass, Fail, Aborted, Interrupted.</summary>
    [Parameter]
    public RunResult[]? Result { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(SerialCompleter))]
    public string? Serial { get; set; }

    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(HostNameCompleter))]
    public string? HostName { get; set; }

    /// <summary>Read the store only; don't ask the hosts.</summary>
    [Parameter]
    public SwitchParameter Offline { get; set; }

    protected override async Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        var serial = NamePatterns.Parse(this, Serial);
        var host = NamePatterns.Parse(this, HostName);
        var query = new RunQuery(RunIds: RunId,
            States: State, Results: Result, Serial: serial, HostName: host);
        var burnin = new BurninFacade(Store);
        if (!Offline)
        {
            var targets = burnin.UnfinishedRunIds(query);
            if (targets.Count > 0) await BurninHosts.RefreshAsync(this, targets).ConfigureAwait(false);
        }
        var runs = burnin.Runs(query);
        if (runs.Count == 0) ReportUnknownNames(serial, host);
        foreach (var r in RunOutput.Of(burnin, runs)) WriteObject(r);
    }

    /// <summary>With no run to show, a plain -HostName or -Serial that names nothing known is an error naming it.</summary>
    private void ReportUnknownNames(Wildcard? serial, Wildcard? host)
    {
        if (host is { HasWildcards: false } && Terminating(() => new HostsFacade(Store).Matching(host), host.Literal).Count == 0)
            WriteError(ErrorRecords.From(HostErrors.NotFound(host.Literal!, null), host.Literal));
        if (serial is not null) DriveLookup.ReportUnknownSerial(this, serial);
    }
}
