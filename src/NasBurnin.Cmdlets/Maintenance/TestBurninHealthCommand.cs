using System.Management.Automation;
using NasBurnin.Common;
using NasBurnin.Engine.Maintenance;

namespace NasBurnin.Maintenance;

/// <summary>
/// Test-BurninHealth: is the store writable, is the inventory fresh, does every host answer on SSH?
/// Failed checks are rows in the report, never errors, so a monitoring task reads the verdict;
/// -Quiet gives only the boolean. It never prompts.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "BurninHealth")]
[OutputType(typeof(BurninHealthReport), typeof(bool))]
public sealed class TestBurninHealthCommand : BurninCmdlet
{
    /// <summary>Write only $true (healthy) or $false.</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    /// <summary>Seconds each host gets to answer.</summary>
    [Parameter]
    [ValidateRange(1, 120)]
    public int TimeoutSeconds { get; set; } = 5;

    protected override void EndProcessing()
    {
        var session = ModuleSession.Current;
        var storePath = System.IO.Path.GetFullPath(session.StorePath);
        var report = MaintenanceFacade.CheckHealth(storePath, session.GetStore, TimeSpan.FromSeconds(TimeoutSeconds), Cancellation);
        foreach (var c in report.Checks.Where(c => !c.Healthy))
            WriteVerbose($"{c.Check} {c.Target}: {c.Detail}");
        WriteObject(Quiet ? report.Healthy : BurninHealthReport.From(report));
    }
}
