namespace NasBurnin.Engine.Notifications;

public enum ChannelKind
{
    Smtp,
    Webhook,
}

/// <summary>How an SMTP channel protects the connection: STARTTLS (587), TLS from the first byte (465), or none (a local relay, never with a password).</summary>
public enum SmtpSecurity
{
    StartTls,
    Implicit,
    None,
}

/// <summary>
/// One place messages go, as stored. It holds no secret: <see cref="SecretEnvironmentVariable"/> or
/// <see cref="SecretFile"/> names where the SMTP password, the webhook's bearer token, or the whole webhook URL
/// (when <see cref="Uri"/> is null) is read at send time.
/// </summary>
public sealed record NotificationChannel
{
    public long Id { get; init; }
    public required string Name { get; init; }
    public ChannelKind Kind { get; init; }
    public bool Enabled { get; init; } = true;
    /// <summary>The event types this channel gets (<see cref="Store.ChangeEventTypes"/>); null for all.</summary>
    public IReadOnlyList<string>? Events { get; init; }

    public string? SmtpServer { get; init; }
    public int? Port { get; init; }
    public SmtpSecurity Security { get; init; } = SmtpSecurity.StartTls;
    public string? From { get; init; }
    public IReadOnlyList<string> To { get; init; } = Array.Empty<string>();
    public string? UserName { get; init; }

    /// <summary>The webhook URL when it holds no secret; null when the whole URL is the secret.</summary>
    public string? Uri { get; init; }
    /// <summary>The ntfy topic, sent in the JSON body (ntfy's JSON publishing posts to the server's root URL).</summary>
    public string? Topic { get; init; }

    public string? SecretEnvironmentVariable { get; init; }
    public string? SecretFile { get; init; }
    /// <summary>SHA-256 of the server certificate (hex, no separators): the one self-signed certificate trusted.</summary>
    public string? CertificateSha256 { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    public string UpdatedBy { get; init; } = "";

    public int EffectivePort => Port ?? (Kind == ChannelKind.Smtp ? Security switch { SmtpSecurity.Implicit => 465, SmtpSecurity.None => 25, _ => 587 } : 443);

    /// <summary>Where the secret comes from, for display: "env:NAME", "file:/path" or null. Never the secret.</summary>
    public string? SecretSource => SecretEnvironmentVariable is { } e ? "env:" + e : SecretFile is { } f ? "file:" + f : null;

    /// <summary>host:port for messages and the audit trail; a webhook whose URL is secret shows only "(URL from env:NAME)".</summary>
    public string Endpoint => Kind == ChannelKind.Smtp
        ? $"{SmtpServer}:{EffectivePort}"
        : Uri is { } u && System.Uri.TryCreate(u, UriKind.Absolute, out var parsed) ? $"{parsed.Host}:{parsed.Port}" : $"(URL from {SecretSource})";

    /// <summary>Who receives: the mail recipients, or the webhook's host and port.</summary>
    public string Recipients => Kind == ChannelKind.Smtp ? string.Join(", ", To) : Endpoint;

    public bool Wants(string eventType) => Events is null || Events.Contains(eventType, StringComparer.Ordinal);
}
