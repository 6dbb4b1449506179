using System.Management.Automation;
using NasBurnin.Common;
using NasBurnin.Engine.Reports;

namespace NasBurnin.Reports;

/// <summary>
/// Test-BurninNotification: sends a test message through each channel (or the named ones) and says what
/// happened: one result per channel, and an error naming the channel, host and port for each that failed.
/// Every send is audited; -WhatIf sends nothing.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "BurninNotification", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(BurninNotificationResult))]
public sealed class TestBurninNotificationCommand : AsyncBurninCmdlet
{
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    protected override async Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        var reports = new ReportsFacade(Store);
        var channels = Terminating(() => reports.SendTargets(Name));
        if (channels.Count == 0)
            WriteWarning("No notification channel is enabled; nothing was sent. Set-BurninNotification adds one.");
        var actor = Session.Actor;
        foreach (var c in channels)
        {
            if (!ShouldProcess($"{c.Name} ({c.Kind} {c.Endpoint}, to {c.Recipients})", "Send a test message")) continue;
            var outcome = await reports.SendTestAsync(c, actor, cancellationToken).ConfigureAwait(false);
            WriteObject(BurninNotificationResult.From(outcome));
            if (!outcome.Sent)
                WriteError(ErrorRecords.Create(outcome.ErrorId ?? "NotificationFailed", ErrorCategory.ConnectionError, outcome.Error!, c.Name));
        }
    }
}
