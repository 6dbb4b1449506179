using System.Management.Automation;
using NasBurnin.Common;
using NasBurnin.Engine.Common;
using NasBurnin.Engine.Remote;

namespace NasBurnin.Hosts;

/// <summary>
/// Test-BurninHost: reach every named host in parallel over the session's connection and run a short
/// read-only probe (uname, user, tools, smartctl version, work folder). One result per host; a host that
/// cannot be reached also gets an error (ConnectionError, AuthenticationError, ...) and the others carry on.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "BurninHost")]
[OutputType(typeof(BurninHostTest))]
public sealed class TestBurninHostCommand : HostTargetCmdlet
{

    [Parameter]
    [ValidateRange(1, 3600)]
    public int TimeoutSeconds { get; set; } = 30;

    protected override void ProcessRecord()
    {
        // Collect piped hosts; all of them are tested together, in parallel, at the end.
        CollectTargets();
    }

    protected override async Task EndProcessingAsync(CancellationToken cancellationToken)
    {
        var settings = ReadSettings();
        var timeout = TimeSpan.FromSeconds(TimeoutSeconds);
        await HostFanOut.RunAsync(this, Targets,
            (host, shell, ct) => HostsFacade.ProbeAsync(shell, host, settings, timeout, ct),
            (host, probe) => WriteObject(BurninHostTest.From(host, probe)),
            (host, error) =>
            {
                WriteObject(BurninHostTest.Failed(host, error.Message));
                WriteError(ErrorRecords.From(error, host.Name));
            }).ConfigureAwait(false);
    }
}
