using System.Management.Automation;
using NasBurnin.Common;
using NasBurnin.Engine.Reports;

namespace NasBurnin.Reports;

/// <summary>
/// Remove-BurninNotification: removes a channel and the messages still waiting for it. Admins only once the store
/// has users; audited as notification_channel_removed.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "BurninNotification", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(void))]
public sealed class RemoveBurninNotificationCommand : BurninCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = Array.Empty<string>();

    protected override void ProcessRecord()
    {
        var actor = RequireAdmin("change notification settings").Actor;
        var reports = new ReportsFacade(Store);
        foreach (var name in Name)
        {
            var channel = reports.FindChannel(name);
            if (channel is null)
            {
                WriteError(ErrorRecords.Create("NotificationNotFound", ErrorCategory.ObjectNotFound,
                    $"There is no notification channel named '{name}'. Get-BurninNotification lists them.", name));
                continue;
            }
            if (ShouldProcess($"{channel.Name} ({channel.Kind} {channel.Endpoint})", "Remove notification channel and its waiting messages"))
                PerItem(() => reports.RemoveChannel(channel.Name, actor), name);
        }
    }
}
