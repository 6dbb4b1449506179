using System.Management.Automation;
using NasBurnin.Completion;
using NasBurnin.Common;
using NasBurnin.Engine.Remote;

namespace NasBurnin.Hosts;

/// <summary>
/// Remove-BurninHost: unregister hosts and forget their pinned keys (the next Connect-BurninHost is a
/// first contact again). Drives and past runs keep their history. Names are literal (no wildcards).
/// </summary>
[Cmdlet(VerbsCommon.Remove, "BurninHost", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(void))]
public sealed class RemoveBurninHostCommand : BurninCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("ComputerName", "Host")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(HostNameCompleter))]
    public string[] HostName { get; set; } = Array.Empty<string>();

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateRange(0, 65535)]
    public int? Port { get; set; }

    protected override void ProcessRecord()
    {
        var hosts = new HostsFacade(Store);
        var actor = RequireOperator(); // forgetting a pinned key is a security change: attribute it
        foreach (var host in HostSelection.Resolve(this, HostName, Port, allowWildcards: false))
        {
            if (!ShouldProcess($"{host} (pinned key {host.HostKeySha256 ?? "none"})", "Remove the host and forget its pinned key"))
                continue;
            if (PerItem(() => hosts.Remove(host, actor), host.Name))
                ModuleSession.Current.Shells.Close(host.Id);
        }
    }
}
