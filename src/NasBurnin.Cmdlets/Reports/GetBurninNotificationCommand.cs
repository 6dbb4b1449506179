using System.Management.Automation;
using NasBurnin.Common;
using NasBurnin.Engine.Notifications;

namespace NasBurnin.Reports;

/// <summary>Get-BurninNotification: the notification channels, with the messages still waiting for each and the last error.</summary>
[Cmdlet(VerbsCommon.Get, "BurninNotification")]
[OutputType(typeof(BurninNotificationChannel))]
public sealed class GetBurninNotificationCommand : BurninCmdlet
{
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    protected override void ProcessRecord()
    {
        var all = Terminating(() => new NotificationService(Store).List());
        foreach (var pattern in Name ?? new[] { "*" })
        {
            var matches = all.Where(s => Engine.Inventory.Wildcard.IsMatch(pattern, s.Channel.Name)).ToList();
            if (matches.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(pattern))
                WriteError(ErrorRecords.Create("NotificationNotFound", ErrorCategory.ObjectNotFound,
                    $"There is no notification channel named '{pattern}'. Set-BurninNotification adds one.", pattern));
            foreach (var s in matches) WriteObject(BurninNotificationChannel.Of(s));
        }
    }
}
