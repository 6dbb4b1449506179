using System.Management.Automation;
using NasBurnin.Completion;
using NasBurnin.Common;
using NasBurnin.Engine.Burnin;
using NasBurnin.Engine.Store;

namespace NasBurnin.Burnin;

/// <summary>
/// Stop-BurninRun: kills the runner's process group on the host, aborts a running SMART self-test,
/// marks the stages Aborted and audits it. A queued run leaves the host's queue.
/// </summary>
[Cmdlet(VerbsLifecycle.Stop, "BurninRun", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(BurninRun))]
public sealed class StopBurninRunCommand : AsyncBurninCmdlet
{
    private readonly List<long> _ids = new();

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(RunIdCompleter))]
    public long[] RunId { get; set; } = Array.Empty<long>();

    /// <summary>Write the stopped runs.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord() => _ids.AddRange(RunId);

    protected override async Task EndProcessingAsync(CancellationToken cancellationToken)
    {
        var store = Store;
        var actor = RequireOperator();
        var burnin = new BurninFacade(store);
        var runs = burnin.Runs(new RunQuery(RunIds: _ids.Distinct().ToList()));
        foreach (var missing in _ids.Distinct().Where(id => runs.All(r => r.Id != id)))
            WriteError(ErrorRecords.Create("RunNotFound", ErrorCategory.ObjectNotFound, $"There is no run {missing} in the store.", missing));
        var chosen = new List<RunRecord>();
        foreach (var r in runs)
        {
            if (RunStates.IsFinal(r.State))
            {
                WriteWarning($"Run {r.RunId()} on {r.HostName} is already {r.State}.");
                continue;
            }
            if (ShouldProcess($"run {r.Id}: {r.Device} on {r.HostName} (serial {r.Serial}, {r.State})", "Stop the burn-in run"))
                chosen.Add(r);
        }
        if (chosen.Count == 0) return;
        var settings = new ConfigFacade(store).Settings();
        var hosts = burnin.HostsOf(chosen);
        foreach (var orphan in chosen.Where(r => hosts.All(h => h.Id != r.HostId)))
            WriteError(ErrorRecords.Create("RunHostUnknown", ErrorCategory.ObjectNotFound,
                $"Run {orphan.Id} belongs to {orphan.HostName}, which is no longer registered; connect it again with Connect-BurninHost to stop the run.", orphan.Id));
        await HostFanOut.RunAsync<bool>(this, hosts,
            async (host, shell, ct) =>
            {
                await burnin.StopAsync(host, shell, chosen.Where(r => r.HostId == host.Id).ToList(), actor, settings, ct).ConfigureAwait(false);
                return true;
            },
            (_, _) => { }).ConfigureAwait(false);
        if (!PassThru) return;
        var after = burnin.Runs(new RunQuery(RunIds: chosen.Select(r => r.Id).ToList()));
        foreach (var r in RunOutput.Of(burnin, after)) WriteObject(r);
    }
}
