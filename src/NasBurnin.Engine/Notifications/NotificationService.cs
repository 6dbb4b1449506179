using System.Globalization;
using System.Text.RegularExpressions;
using NasBurnin.Engine.Common;
using NasBurnin.Engine.Inventory;
using NasBurnin.Engine.Reports;
using NasBurnin.Engine.Store;

namespace NasBurnin.Engine.Notifications;

/// <summary>What one send did: the channel, whom it went to, and the error when it failed (never a secret).</summary>
public sealed record SendOutcome(string Channel, ChannelKind Kind, string Endpoint, string Recipients, string Subject, bool Sent, string? ErrorId, string? Error);

/// <summary>What a sync's notification pass did.</summary>
public sealed record DispatchResult(int Sent, IReadOnlyList<SendOutcome> Failures);

/// <summary>The digest, ready to send: the fleet status it shows and the message (HTML body, failed runs' certificates attached).</summary>
public sealed record DigestPlan(FleetStatus Fleet, NotificationMessage Message);

/// <summary>
/// The Notifications area's façade (DESIGN §9): channels (stored without secrets), the outbox of changes, and
/// sending over SMTP and webhooks. Every send, successful or not, is audited with the channel and recipients.
/// </summary>
public sealed partial class NotificationService
{
    public const string ChannelSetEvent = "notification_channel_set";
    public const string ChannelRemovedEvent = "notification_channel_removed";
    public const string SentEvent = "notification_sent";
    public const string FailedEvent = "notification_failed";

    private readonly BurninStore _store;

    public NotificationService(BurninStore store) => _store = store;

    public IReadOnlyList<ChannelStatus> List(string? nameWildcard = null) =>
        _store.Read(ChannelRepository.Statuses).Where(s => nameWildcard is null || Wildcard.IsMatch(nameWildcard, s.Channel.Name)).ToList();

    public NotificationChannel? Find(string name) => _store.Read(c => ChannelRepository.Find(c, null, name));

    /// <summary>The channels to send through: the named ones (NotificationNotFound for a name that matches none), else every enabled one.</summary>
    public IReadOnlyList<NotificationChannel> Targets(IReadOnlyList<string>? names)
    {
        var all = _store.Read(c => ChannelRepository.All(c, null));
        if (names is not { Count: > 0 }) return all.Where(c => c.Enabled).ToList();
        var chosen = new List<NotificationChannel>();
        foreach (var n in names)
        {
            var match = all.Where(c => Wildcard.IsMatch(n, c.Name)).ToList();
            if (match.Count == 0) throw NotFound(n);
            chosen.AddRange(match.Where(m => !chosen.Contains(m)));
        }
        return chosen;
    }

    /// <summary>Validates a channel as it would be stored (for -WhatIf and before saving).</summary>
    public static NotificationChannel Check(NotificationChannel proposed) => ChannelRules.Check(proposed);

    /// <summary>Creates or replaces the channel of that name, audited as notification_channel_set (no secret: only where it is read from).</summary>
    public ChannelStatus Set(NotificationChannel proposed, Actor actor)
    {
        var ch = ChannelRules.Check(proposed);
        _store.Write((c, tx) =>
        {
            var existed = ChannelRepository.Find(c, tx, ch.Name) is not null;
            ChannelRepository.Save(c, tx, ch, StoreTime.Format(_store.Clock.UtcNow), actor.Operator);
            AuditLog.Record(c, tx, _store.Clock, ChannelSetEvent, actor, $"{(existed ? "changed" : "added")} channel {ch.Name}: {Describe(ch)}");
        });
        return List().Single(s => s.Channel.Name.Equals(ch.Name, StringComparison.OrdinalIgnoreCase));
    }

    public void Remove(string name, Actor actor) => _store.Write((c, tx) =>
    {
        var ch = ChannelRepository.Find(c, tx, name) ?? throw NotFound(name);
        c.Execute(tx, "DELETE FROM notification_channels WHERE id = $id", ("$id", ch.Id));
        AuditLog.Record(c, tx, _store.Clock, ChannelRemovedEvent, actor, $"removed channel {ch.Name}: {Describe(ch)}");
    });

    /// <summary>
    /// The sync's notification pass: records the changes found since the last pass (health got worse, unlocks,
    /// health-rule overrides), then claims every pending delivery and sends it, one message per change. A
    /// failed send stays pending for the next pass and is returned (the sync reports it as a warning).
    /// </summary>
    public async Task<DispatchResult> DispatchAsync(Actor actor, CancellationToken ct)
    {
        ChangeDetector.Detect(_store);
        var token = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
        var claimed = Outbox.Claim(_store, token);
        if (claimed.Count == 0) return new DispatchResult(0, Array.Empty<SendOutcome>());
        var channels = _store.Read(c => ChannelRepository.All(c, null)).ToDictionary(c => c.Id);
        var sent = 0;
        var failures = new List<SendOutcome>();
        foreach (var d in claimed)
        {
            if (!channels.TryGetValue(d.ChannelId, out var ch)) continue; // removed meanwhile: its deliveries went with it
            SendOutcome outcome;
            try
            {
                outcome = await SendAsync(ch, MessageFactory.ForEvent(d.Event), actor, $"event {d.Event.Key}", ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                Outbox.Settle(_store, token, d, "cancelled before it was sent");
                throw;
            }
            Outbox.Settle(_store, token, d, outcome.Sent ? null : outcome.Error);
            if (outcome.Sent) sent++;
            else failures.Add(outcome);
        }
        return new DispatchResult(sent, failures);
    }

    public Task<SendOutcome> SendTestAsync(NotificationChannel channel, Actor actor, CancellationToken ct) =>
        SendAsync(channel, MessageFactory.Test(channel, _store.Path, _store.Clock.UtcNow, actor), actor, "test message", ct);

    /// <summary>The daily digest for the period since <paramref name="since"/>: the fleet page as the HTML body, the failed runs' certificates attached.</summary>
    public DigestPlan PrepareDigest(DateTimeOffset since)
    {
        var reports = new ReportService(_store);
        var fleet = reports.Fleet(since);
        var html = reports.RenderFleet(since).Html;
        var attachments = fleet.FailedRunIds.Select(id =>
        {
            var cert = reports.RenderCertificates(new[] { id });
            var serial = fleet.Finished.FirstOrDefault(r => r.RunId == id)?.Serial ?? "";
            return new MessageAttachment($"burnin-certificate-run{id.ToString(CultureInfo.InvariantCulture)}{(serial.Length > 0 ? "-" + SafeName().Replace(serial, "_") : "")}.html", "text/html", cert.Html);
        }).ToList();
        return new DigestPlan(fleet, MessageFactory.Digest(fleet, html, attachments));
    }

    /// <summary>Sends one message through one channel and audits it. A failure is returned, not thrown (the channel, host and port are in its text).</summary>
    public async Task<SendOutcome> SendAsync(NotificationChannel ch, NotificationMessage message, Actor actor, string what, CancellationToken ct)
    {
        string? errorId = null, error = null;
        try
        {
            var secret = SecretReader.Read(ch);
            if (ch.Kind == ChannelKind.Smtp) await SmtpSender.SendAsync(ch, secret, message, ct).ConfigureAwait(false);
            else await WebhookSender.SendAsync(ch, secret, message, ct).ConfigureAwait(false);
        }
        catch (BurninException e)
        {
            errorId = e.ErrorId;
            error = e.Message;
        }
        var outcome = new SendOutcome(ch.Name, ch.Kind, ch.Endpoint, ch.Recipients, message.Title, error is null, errorId, error);
        new AuditLog(_store).Record(error is null ? SentEvent : FailedEvent, actor,
            $"{what} via {ch.Name} ({ch.Kind} {ch.Endpoint}) to {ch.Recipients}: {message.Title}" + (error is null ? "" : $"; failed: {error}"));
        return outcome;
    }

    /// <summary>For Test-BurninHealth: deliveries that failed and wait for the next sync.</summary>
    public (bool Healthy, string Detail) DeliveryHealth()
    {
        var (channels, failing) = _store.Read(c => (ChannelRepository.All(c, null), Outbox.Failing(c)));
        if (failing.Count == 0)
            return (true, channels.Count == 0 ? "No notification channel is configured." : $"No message is waiting: {channels.Count} channel(s) delivered everything so far.");
        var byChannel = failing.GroupBy(f => f.Channel).Select(g =>
            $"{g.Key}: {g.Count()} message(s) waiting after {g.Max(x => x.Attempts)} attempt(s); last error: {g.Last().Error}");
        return (false, "Undelivered notifications (retried at every sync): " + string.Join("; ", byChannel));
    }

    private static string Describe(NotificationChannel c) =>
        (c.Kind == ChannelKind.Smtp
            ? $"SMTP {c.Endpoint} ({c.Security}) from {c.From} to {string.Join(", ", c.To)}" + (c.UserName is null ? "" : $", login {c.UserName}")
            : $"webhook {c.Endpoint}" + (c.Topic is null ? "" : $", topic {c.Topic}"))
        + $"; events {(c.Events is null ? "all" : string.Join(", ", c.Events))}"
        + (c.SecretSource is null ? "" : $"; secret from {c.SecretSource}")
        + (c.CertificateSha256 is null ? "" : $"; pinned certificate SHA-256 {c.CertificateSha256}")
        + (c.Enabled ? "" : "; disabled");

    public static BurninException NotFound(string name) =>
        new("NotificationNotFound", ErrorKind.NotFound, $"There is no notification channel named '{name}'. Get-BurninNotification lists them; Set-BurninNotification adds one.") { Target = name };

    [GeneratedRegex("[^A-Za-z0-9._-]")]
    private static partial Regex SafeName();
}
