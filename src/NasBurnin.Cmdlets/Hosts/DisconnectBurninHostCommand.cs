using System.Management.Automation;
using NasBurnin.Completion;
using NasBurnin.Common;

namespace NasBurnin.Hosts;

/// <summary>
/// Disconnect-BurninHost: close this session's connection to hosts and forget any password or
/// passphrase given for them. The hosts stay registered with their pinned keys.
/// </summary>
[Cmdlet(VerbsCommunications.Disconnect, "BurninHost")]
[OutputType(typeof(void))]
public sealed class DisconnectBurninHostCommand : BurninCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("ComputerName", "Host")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(HostNameCompleter))]
    public string[] HostName { get; set; } = Array.Empty<string>();

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateRange(0, 65535)]
    public int? Port { get; set; }

    protected override void ProcessRecord()
    {
        var pool = ModuleSession.Current.Shells;
        foreach (var host in HostSelection.Resolve(this, HostName, Port))
        {
            WriteVerbose(pool.Close(host.Id)
                ? $"Closed the connection to {host}."
                : $"This session had no connection to {host}.");
        }
    }
}
