using NasBurnin.Engine.Notifications;

namespace NasBurnin;

/// <summary>A notification channel as stored (no secret: only where it is read from) and how its deliveries stand.</summary>
public sealed class BurninNotificationChannel
{
    public string Name { get; init; } = "";
    /// <summary>Smtp or Webhook.</summary>
    public string Kind { get; init; } = "";
    public bool Enabled { get; init; }
    /// <summary>host:port.</summary>
    public string Endpoint { get; init; } = "";
    /// <summary>SMTP: StartTls, Implicit or None.</summary>
    public string? Security { get; init; }
    public string? From { get; init; }
    public string[] To { get; init; } = Array.Empty<string>();
    public string? UserName { get; init; }
    public string? Uri { get; init; }
    public string? Topic { get; init; }
    /// <summary>The event types this channel gets; empty for all.</summary>
    public string[] Event { get; init; } = Array.Empty<string>();
    /// <summary>"env:NAME" or "file:/path": where the secret is read at send time.</summary>
    public string? SecretSource { get; init; }
    public string? CertificateThumbprint { get; init; }
    /// <summary>Messages queued for this channel and not yet sent.</summary>
    public int Pending { get; init; }
    /// <summary>Of those, how many have failed at least once.</summary>
    public int Failing { get; init; }
    public string? LastError { get; init; }
    public DateTime? LastSentAt { get; init; }
    public DateTime UpdatedAt { get; init; }
    public string UpdatedBy { get; init; } = "";

    internal static BurninNotificationChannel Of(ChannelStatus s)
    {
        var c = s.Channel;
        return new BurninNotificationChannel
        {
            Name = c.Name,
            Kind = c.Kind.ToString(),
            Enabled = c.Enabled,
            Endpoint = c.Endpoint,
            Security = c.Kind == ChannelKind.Smtp ? c.Security.ToString() : null,
            From = c.From,
            To = c.To.ToArray(),
            UserName = c.UserName,
            Uri = c.Uri,
            Topic = c.Topic,
            Event = c.Events?.ToArray() ?? Array.Empty<string>(),
            SecretSource = c.SecretSource,
            CertificateThumbprint = c.CertificateSha256,
            Pending = s.Pending,
            Failing = s.Failing,
            LastError = s.LastError,
            LastSentAt = s.LastSentAt?.UtcDateTime,
            UpdatedAt = c.UpdatedAt.UtcDateTime,
            UpdatedBy = c.UpdatedBy,
        };
    }
}

/// <summary>How an SMTP channel protects the connection: StartTls (port 587), Implicit TLS (465), or None (a local relay; never with a password).</summary>
public enum BurninSmtpSecurity
{
    StartTls,
    Implicit,
    None,
}
