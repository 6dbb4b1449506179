using System.Management.Automation;
using NasBurnin.Common;
using NasBurnin.Engine.Reports;

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
        var all = Terminating(() => new ReportsFacade(Store).Channels());
        foreach (var pattern in NamePatterns.Parse(this, Name ?? new[] { "*" })!)
        {
            NamePatterns.ReportUnmatched(this, new[] { pattern }, all.Select(s => s.Channel.Name), ReportsFacade.ChannelNotFound);
            foreach (var s in all.Where(s => pattern.IsMatch(s.Channel.Name))) WriteObject(BurninNotificationChannel.Of(s));
        }
    }
}
