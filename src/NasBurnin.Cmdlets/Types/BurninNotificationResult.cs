using NasBurnin.Engine.Notifications;

namespace NasBurnin;

/// <summary>One message sent (or not) through one channel.</summary>
public sealed class BurninNotificationResult
{
    public string Channel { get; init; } = "";
    public string Kind { get; init; } = "";
    public string Endpoint { get; init; } = "";
    public string Recipients { get; init; } = "";
    public string Subject { get; init; } = "";
    public bool Sent { get; init; }
    public string? ErrorId { get; init; }
    public string? Error { get; init; }

    internal static BurninNotificationResult From(SendOutcome o) => new()
    {
        Channel = o.Channel,
        Kind = o.Kind.ToString(),
        Endpoint = o.Endpoint,
        Recipients = o.Recipients,
        Subject = o.Subject,
        Sent = o.Sent,
        ErrorId = o.ErrorId,
        Error = o.Error,
    };
}
