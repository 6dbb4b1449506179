using System.Management.Automation;
using NasBurnin.Completion;
using NasBurnin.Common;

namespace NasBurnin.Hosts;

/// <summary>Get-BurninHost: the registered hosts, their pinned keys and settings, and whether this session is connected.</summary>
[Cmdlet(VerbsCommon.Get, "BurninHost")]
[OutputType(typeof(BurninHost))]
public sealed class GetBurninHostCommand : BurninCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("ComputerName", "Host")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(HostNameCompleter))]
    public string[]? HostName { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateRange(0, 65535)]
    public int? Port { get; set; }

    protected override void ProcessRecord()
    {
        var settings = ReadSettings();
        var pool = ModuleSession.Current.Shells;
        // A snapshot: Get-BurninHost | Remove-BurninHost must not change what is being enumerated.
        foreach (var h in Terminating(() => HostSelection.Resolve(this, HostName, Port)))
            WriteObject(BurninHost.From(h, settings, pool.IsConnected(h.Id)));
    }
}
