namespace NasBurnin.Engine.Notifications;

/// <summary>A file sent with a message (a failed run's certificate with the digest).</summary>
public sealed record MessageAttachment(string FileName, string MediaType, string Content);

/// <summary>
/// One message, ready for any channel: a title (the mail subject), a plain text body, an HTML body with inline
/// styles (mail), the event's facts (the webhook JSON) and attachments (mail only).
/// </summary>
public sealed record NotificationMessage(
    string Type, string Title, string Text, string Html, IReadOnlyDictionary<string, object?> Facts,
    IReadOnlyList<MessageAttachment> Attachments, bool Urgent)
{
    /// <summary>ntfy priority: 4 (high) for failures and changes that need a person, 3 (default) otherwise.</summary>
    public int Priority => Urgent ? 4 : 3;
}
