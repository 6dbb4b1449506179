using NasBurnin.Engine.Common;
using NasBurnin.Engine.Reports;
using NasBurnin.Engine.Store;

namespace NasBurnin.Engine.Notifications;

/// <summary>The messages NasBurnin sends: one per change, a test message, and the daily digest.</summary>
internal static class MessageFactory
{
    private static readonly HashSet<string> Urgent = new(StringComparer.Ordinal)
    {
        ChangeEventTypes.RunFailed, ChangeEventTypes.HeatAbort, ChangeEventTypes.RunStalled, ChangeEventTypes.RunInterrupted,
        ChangeEventTypes.HealthWorse, ChangeEventTypes.DriveUnlocked,
    };

    public static NotificationMessage ForEvent(ChangeEvent e)
    {
        var facts = new List<(string, string)> { ("Event", e.Type), ("When", ReportFormat.Time(e.OccurredAt)!) };
        if (e.HostName is not null) facts.Add(("Host", e.HostName));
        if (e.Serial is not null) facts.Add(("Serial", e.Serial));
        if (e.RunId is { } run) facts.Add(("Run", run.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var text = (e.Detail ?? "") + "\n\n" + string.Join("\n", facts.Select(f => $"{f.Item1}: {f.Item2}"));
        return new NotificationMessage(e.Type, "[NasBurnin] " + e.Title, text.Trim(), ReportService.RenderMessage(e.Title, e.Detail, facts),
            new Dictionary<string, object?>
            {
                ["type"] = e.Type, ["key"] = e.Key, ["occurredAt"] = StoreTime.Format(e.OccurredAt), ["host"] = e.HostName,
                ["serial"] = e.Serial, ["runId"] = e.RunId, ["driveId"] = e.DriveId, ["title"] = e.Title, ["detail"] = e.Detail,
            },
            Array.Empty<MessageAttachment>(), Urgent.Contains(e.Type));
    }

    public static NotificationMessage Test(NotificationChannel c, string storePath, DateTimeOffset now, Actor actor)
    {
        const string title = "NasBurnin test message";
        var detail = $"This is a test of the notification channel '{c.Name}', sent by {actor.Operator} ({actor.Source}). If you can read it, the channel works.";
        var facts = new List<(string, string)> { ("Channel", c.Name), ("Store", storePath), ("When", ReportFormat.Time(now)!) };
        return new NotificationMessage("Test", "[NasBurnin] " + title, detail + "\n\n" + string.Join("\n", facts.Select(f => $"{f.Item1}: {f.Item2}")),
            ReportService.RenderMessage(title, detail, facts),
            new Dictionary<string, object?> { ["type"] = "Test", ["channel"] = c.Name, ["occurredAt"] = StoreTime.Format(now), ["title"] = title, ["detail"] = detail },
            Array.Empty<MessageAttachment>(), false);
    }

    public static NotificationMessage Digest(FleetStatus fleet, string html, IReadOnlyList<MessageAttachment> attachments)
    {
        var title = $"NasBurnin daily report: {fleet.PassedCount} passed, {fleet.FailedCount} failed, {fleet.InProgressCount} in progress, {fleet.Attention.Count} drives need attention";
        var lines = new List<string> { $"Period since {fleet.Since} (generated {fleet.GeneratedAt})." };
        lines.AddRange(fleet.Banner.Select(b => $"{b.Kind}: {b.Text}"));
        lines.AddRange(fleet.Finished.Where(r => r.Result != Burnin.RunResults.Pass).Select(r => $"Run {r.RunId} {r.Result}: {r.Model} {r.Serial} on {r.Host} ({r.Device}): {r.Reasons}"));
        lines.AddRange(fleet.InProgress.Select(r => $"Run {r.RunId} {r.State} {r.Progress}: {r.Serial} on {r.Host} ({r.Device})"));
        lines.AddRange(fleet.Attention.Select(a => $"Attention: {a.Serial} on {a.Host} ({a.Device}): {a.Why}"));
        return new NotificationMessage("Digest", "[NasBurnin] " + title, string.Join("\n", lines), html,
            new Dictionary<string, object?>
            {
                ["type"] = "Digest", ["since"] = fleet.Since, ["passed"] = fleet.PassedCount, ["failed"] = fleet.FailedCount,
                ["inProgress"] = fleet.InProgressCount, ["attention"] = fleet.Attention.Count, ["title"] = title,
            },
            attachments, fleet.FailedCount > 0 || fleet.Attention.Count > 0);
    }
}
