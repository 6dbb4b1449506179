using System.Management.Automation;
using NasBurnin.Common;
using NasBurnin.Engine.Notifications;
using NasBurnin.Engine.Reports;

namespace NasBurnin.Reports;

/// <summary>
/// Send-BurninReport: sends the fleet report for the period as a digest through every enabled channel (or the
/// named ones): mail gets the page as its HTML body (inline styles) with the certificates of runs that failed
/// attached; webhooks get a summary. Every send is audited; -WhatIf sends nothing. Reads the store only.
/// </summary>
[Cmdlet(VerbsCommunications.Send, "BurninReport", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(BurninNotificationResult))]
public sealed class SendBurninReportCommand : AsyncBurninCmdlet
{
    [Parameter(Position = 0)]
    public DateTime Since { get; set; } = DateTime.Now.AddDays(-1);

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    protected override async Task EndProcessingAsync(CancellationToken cancellationToken)
    {
        var reports = new ReportsFacade(Store);
        var channels = Terminating(() => reports.SendTargets(Name));
        if (channels.Count == 0)
        {
            WriteWarning("No notification channel is enabled; nothing was sent. Set-BurninNotification adds one.");
            return;
        }
        var since = new DateTimeOffset(Since.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(Since, DateTimeKind.Local) : Since);
        var plan = Terminating(() => reports.PrepareDigest(since));
        var actor = Session.Actor;
        foreach (var c in channels)
        {
            var attached = c.Kind == ChannelKind.Smtp && plan.Message.Attachments.Count > 0 ? $", {plan.Message.Attachments.Count} certificate(s) attached" : "";
            if (!ShouldProcess($"{c.Name} ({c.Kind} {c.Endpoint}, to {c.Recipients})", $"Send the report since {since.UtcDateTime:yyyy-MM-dd HH:mm} UTC{attached}")) continue;
            var outcome = await reports.SendAsync(c, plan.Message, actor, "digest", cancellationToken).ConfigureAwait(false);
            WriteObject(BurninNotificationResult.From(outcome));
            if (!outcome.Sent)
                WriteError(ErrorRecords.Create(outcome.ErrorId ?? "NotificationFailed", ErrorCategory.ConnectionError, outcome.Error!, c.Name));
        }
    }
}
