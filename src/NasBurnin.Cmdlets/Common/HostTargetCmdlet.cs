using System.Management.Automation;
using NasBurnin.Completion;
using NasBurnin.Engine.Remote;

namespace NasBurnin.Common;

/// <summary>
/// Base of the cmdlets that work on many hosts at once (Get-BurninDrive, Sync-BurninInventory,
/// Test-BurninHost): the -HostName/-Port parameters, bound from names or piped BurninHost objects, and
/// the hosts collected across the pipeline so they can all be contacted together, in parallel, at the end.
/// </summary>
public abstract class HostTargetCmdlet : AsyncBurninCmdlet
{
    private protected readonly List<HostRecord> Targets = new();

    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("ComputerName", "Host")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(HostNameCompleter))]
    public string[]? HostName { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateRange(0, 65535)]
    public int? Port { get; set; }

    /// <summary>Adds the hosts named by this pipeline input (all registered hosts when none is named), once each.</summary>
    private protected void CollectTargets()
    {
        foreach (var h in HostSelection.Resolve(this, HostName, Port))
            if (Targets.All(x => x.Id != h.Id)) Targets.Add(h);
    }
}
