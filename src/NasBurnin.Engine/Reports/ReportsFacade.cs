using NasBurnin.Engine.Common;
using NasBurnin.Engine.Notifications;
using NasBurnin.Engine.Store;

namespace NasBurnin.Engine.Reports;

/// <summary>
/// The Reports feature, as the cmdlets see it (Export-BurninReport, Send-BurninReport, Get-/Set-/Remove-/Test-BurninNotification,
/// and the notifications Sync-BurninInventory sends):
/// certificates and the fleet page (<see cref="ReportService"/>, reading runs, stages, temperatures and
/// health history), and the notification channels (<see cref="NotificationService"/>, which owns the
/// <c>notification_*</c> tables through <see cref="ChannelRepository"/> and <see cref="Outbox"/>).
/// </summary>
public sealed class ReportsFacade
{
    private readonly BurninStore _store;

    public ReportsFacade(BurninStore store) => _store = store;

    public RenderedReport RenderCertificates(IReadOnlyList<long> runIds) => new ReportService(_store).RenderCertificates(runIds);

    public RenderedReport RenderFleet(DateTimeOffset since, int? refreshSeconds) => new ReportService(_store).RenderFleet(since, refreshSeconds);

    /// <summary>Replaces the file atomically, so a web server never serves half a page.</summary>
    public static FileInfo Write(string path, RenderedReport report) => ReportService.Write(path, report);

    public IReadOnlyList<ChannelStatus> Channels() => new NotificationService(_store).List();

    public NotificationChannel? FindChannel(string name) => new NotificationService(_store).Find(name);

    /// <summary>The error for a channel name that is not in the store.</summary>
    public static BurninException ChannelNotFound(string name) => NotificationService.NotFound(name);

    /// <summary>Checks a proposed channel the way <see cref="SetChannel"/> will, so -WhatIf refuses the same channels.</summary>
    public static NotificationChannel CheckChannel(NotificationChannel proposed) => NotificationService.Check(proposed);

    public ChannelStatus SetChannel(NotificationChannel proposed, Actor actor) => new NotificationService(_store).Set(proposed, actor);

    public void RemoveChannel(string name, Actor actor) => new NotificationService(_store).Remove(name, actor);

    /// <summary>The enabled channels a send goes to: all of them, or those the names (wildcards) select.</summary>
    public IReadOnlyList<NotificationChannel> SendTargets(IReadOnlyList<string>? names) => new NotificationService(_store).Targets(names);

    /// <summary>The digest Send-BurninReport sends: the fleet page since <paramref name="since"/>, with the failed runs' certificates.</summary>
    public DigestPlan PrepareDigest(DateTimeOffset since) => new NotificationService(_store).PrepareDigest(since);

    /// <summary>Sends one message through one channel, audited; the outcome says whether it went.</summary>
    public Task<SendOutcome> SendAsync(NotificationChannel channel, NotificationMessage message, Actor actor, string what, CancellationToken ct) =>
        new NotificationService(_store).SendAsync(channel, message, actor, what, ct);

    public Task<SendOutcome> SendTestAsync(NotificationChannel channel, Actor actor, CancellationToken ct) =>
        new NotificationService(_store).SendTestAsync(channel, actor, ct);

    /// <summary>Sends the queued change notifications; a message that could not be sent stays queued.</summary>
    public Task<DispatchResult> DispatchAsync(Actor actor, CancellationToken ct) => new NotificationService(_store).DispatchAsync(actor, ct);
}
