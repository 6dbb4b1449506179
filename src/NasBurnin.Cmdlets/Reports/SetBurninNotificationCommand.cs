using System.Management.Automation;
using NasBurnin.Common;
using NasBurnin.Engine.Notifications;
using NasBurnin.Engine.Reports;
using NasBurnin.Engine.Store;

namespace NasBurnin.Reports;

/// <summary>
/// Set-BurninNotification: adds or changes a notification channel (SMTP or webhook). No secret is taken or
/// stored: the channel names the environment variable or owner-only file its secret is read from at send time.
/// Admins only once the store has users; audited as notification_channel_set.
/// </summary>
[Cmdlet(VerbsCommon.Set, "BurninNotification", DefaultParameterSetName = UpdateSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(BurninNotificationChannel))]
public sealed class SetBurninNotificationCommand : BurninCmdlet
{
    private const string SmtpSet = "Smtp";
    private const string WebhookSet = "Webhook";
    private const string UpdateSet = "Update";

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "";

    [Parameter(Mandatory = true, ParameterSetName = SmtpSet)]
    [ValidateNotNullOrEmpty]
    public string SmtpServer { get; set; } = "";

    [Parameter(Mandatory = true, ParameterSetName = WebhookSet)]
    public SwitchParameter Webhook { get; set; }

    [Parameter]
    [ValidateRange(1, 65535)]
    public int Port { get; set; }

    [Parameter(ParameterSetName = SmtpSet)]
    [Parameter(ParameterSetName = UpdateSet)]
    public BurninSmtpSecurity Security { get; set; }

    [Parameter(ParameterSetName = SmtpSet)]
    [Parameter(ParameterSetName = UpdateSet)]
    [ValidateNotNullOrEmpty]
    public string? From { get; set; }

    [Parameter(ParameterSetName = SmtpSet)]
    [Parameter(ParameterSetName = UpdateSet)]
    [ValidateNotNullOrEmpty]
    public string[]? To { get; set; }

    [Parameter(ParameterSetName = SmtpSet)]
    [Parameter(ParameterSetName = UpdateSet)]
    [AllowEmptyString]
    public string? UserName { get; set; }

    [Parameter(ParameterSetName = WebhookSet)]
    [Parameter(ParameterSetName = UpdateSet)]
    [AllowEmptyString]
    public string? Uri { get; set; }

    [Parameter(ParameterSetName = WebhookSet)]
    [Parameter(ParameterSetName = UpdateSet)]
    [AllowEmptyString]
    public string? Topic { get; set; }

    [Parameter]
    [AllowEmptyString]
    public string? SecretEnvironmentVariable { get; set; }

    [Parameter]
    [AllowEmptyString]
    public string? SecretFile { get; set; }

    [Parameter]
    [AllowEmptyString]
    public string? CertificateThumbprint { get; set; }

    [Parameter]
    [ValidateSet(ChangeEventTypes.RunPassed, ChangeEventTypes.RunFailed, ChangeEventTypes.RunInterrupted, ChangeEventTypes.RunStalled,
        ChangeEventTypes.HeatAbort, ChangeEventTypes.HealthWorse, ChangeEventTypes.DriveUnlocked, ChangeEventTypes.HealthRuleChanged)]
    public string[]? Event { get; set; }

    [Parameter]
    public bool Enabled { get; set; } = true;

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var actor = RequireAdmin("change notification settings").Actor;
        var reports = new ReportsFacade(Store);
        var existing = reports.FindChannel(Name);
        var kind = ParameterSetName switch { SmtpSet => ChannelKind.Smtp, WebhookSet => ChannelKind.Webhook, _ => existing?.Kind };
        if (kind is null)
        {
            WriteError(ErrorRecords.Create("NotificationNotFound", ErrorCategory.ObjectNotFound,
                $"There is no notification channel named '{Name}'. To add one, give -SmtpServer (mail) or -Webhook.", Name));
            return;
        }
        var c = existing is not null && existing.Kind == kind ? existing with { Name = Name } : new NotificationChannel { Name = Name, Kind = kind.Value };
        bool Bound(string p) => MyInvocation.BoundParameters.ContainsKey(p);
        string? Clear(string? v) => string.IsNullOrEmpty(v) ? null : v;
        if (Bound(nameof(SmtpServer))) c = c with { SmtpServer = SmtpServer };
        if (Bound(nameof(Port))) c = c with { Port = Port };
        if (Bound(nameof(Security))) c = c with { Security = Enum.Parse<SmtpSecurity>(Security.ToString()) };
        if (Bound(nameof(From))) c = c with { From = From };
        if (Bound(nameof(To))) c = c with { To = To! };
        if (Bound(nameof(UserName))) c = c with { UserName = Clear(UserName) };
        if (Bound(nameof(Uri))) c = c with { Uri = Clear(Uri) };
        if (Bound(nameof(Topic))) c = c with { Topic = Clear(Topic) };
        if (Bound(nameof(SecretEnvironmentVariable))) c = c with { SecretEnvironmentVariable = Clear(SecretEnvironmentVariable), SecretFile = Bound(nameof(SecretFile)) ? c.SecretFile : null };
        if (Bound(nameof(SecretFile))) c = c with { SecretFile = Clear(SecretFile) is { } f ? ResolveFilePath(f) : null, SecretEnvironmentVariable = Bound(nameof(SecretEnvironmentVariable)) ? c.SecretEnvironmentVariable : null };
        if (Bound(nameof(CertificateThumbprint))) c = c with { CertificateSha256 = Clear(CertificateThumbprint) };
        if (Bound(nameof(Event))) c = c with { Events = Event!.Length == 0 ? null : Event };
        if (Bound(nameof(Enabled))) c = c with { Enabled = Enabled };

        // Checked before ShouldProcess, so -WhatIf refuses what the real run would refuse.
        if (!PerItem(() => c = ReportsFacade.CheckChannel(c), Name)) return;
        if (!ShouldProcess($"{c.Name} ({c.Kind} {c.Endpoint})", existing is null ? "Add notification channel" : "Change notification channel")) return;
        ChannelStatus? saved = null;
        if (PerItem(() => saved = reports.SetChannel(c, actor), Name) && PassThru)
            WriteObject(BurninNotificationChannel.Of(saved!));
    }
}
