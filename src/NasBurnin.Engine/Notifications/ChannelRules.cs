using System.Net;
using System.Text.RegularExpressions;
using MimeKit;
using NasBurnin.Engine.Common;
using NasBurnin.Engine.Store;

namespace NasBurnin.Engine.Notifications;

/// <summary>
/// What a channel must be before it is stored: a name, a reachable endpoint, TLS unless the user chose
/// otherwise for a case where nothing secret travels, and a secret named, never given.
/// </summary>
public static partial class ChannelRules
{
    public static NotificationChannel Check(NotificationChannel c)
    {
        if (!NamePattern().IsMatch(c.Name))
            throw Bad("NotificationNameInvalid", c.Name, $"The channel name '{c.Name}' is not valid: use 1 to 64 letters, digits, '-', '_' or '.'.");
        if (c.SecretEnvironmentVariable is not null && c.SecretFile is not null)
            throw Bad("NotificationSecretAmbiguous", c.Name, $"Channel '{c.Name}': give the secret's environment variable or its file, not both.");
        if (c.SecretEnvironmentVariable is { } env && !EnvPattern().IsMatch(env))
            throw Bad("NotificationSecretInvalid", c.Name, $"Channel '{c.Name}': '{env}' is not an environment variable name (letters, digits and '_', not starting with a digit). Give the variable's name, not the secret itself.");
        if (c.SecretFile is { } file && !Path.IsPathFullyQualified(file))
            throw Bad("NotificationSecretInvalid", c.Name, $"Channel '{c.Name}': the secret file '{file}' must be a full path.");
        if (c.Port is { } port and (< 1 or > 65535))
            throw Bad("NotificationPortInvalid", c.Name, $"Channel '{c.Name}': port {port} is not valid; give 1 to 65535.");
        var events = c.Events?.Select(e => ChangeEventTypes.All.FirstOrDefault(t => t.Equals(e, StringComparison.OrdinalIgnoreCase))
            ?? throw Bad("NotificationEventInvalid", c.Name, $"Channel '{c.Name}': '{e}' is not an event type. Use one of: {string.Join(", ", ChangeEventTypes.All)}.")).Distinct().ToList();
        var thumb = c.CertificateSha256 is null ? null : Thumbprint(c.CertificateSha256, c.Name);
        c = c with { Events = events, CertificateSha256 = thumb };
        return c.Kind == ChannelKind.Smtp ? CheckSmtp(c) : CheckWebhook(c);
    }

    private static NotificationChannel CheckSmtp(NotificationChannel c)
    {
        if (string.IsNullOrWhiteSpace(c.SmtpServer) || c.SmtpServer.Any(char.IsWhiteSpace) || c.SmtpServer.Contains('/'))
            throw Bad("NotificationServerInvalid", c.Name, $"Channel '{c.Name}': give the SMTP server's host name or address with -SmtpServer, for example mail.example.com.");
        if (c.From is null || !MailboxAddress.TryParse(c.From, out _))
            throw Bad("NotificationAddressInvalid", c.Name, $"Channel '{c.Name}': -From '{c.From}' is not a mail address, for example nasburnin@example.com.");
        if (c.To.Count == 0)
            throw Bad("NotificationAddressInvalid", c.Name, $"Channel '{c.Name}': give at least one recipient with -To.");
        foreach (var to in c.To)
            if (!MailboxAddress.TryParse(to, out _))
                throw Bad("NotificationAddressInvalid", c.Name, $"Channel '{c.Name}': -To '{to}' is not a mail address.");
        if (c.UserName is not null && c.SecretSource is null)
            throw Bad("NotificationSecretMissing", c.Name, $"Channel '{c.Name}': a login as '{c.UserName}' needs its password's source: -SecretEnvironmentVariable NAME or -SecretFile PATH (readable by its owner only).");
        if (c.Security == SmtpSecurity.None && c.SecretSource is not null)
            throw Bad("NotificationInsecure", c.Name, $"Channel '{c.Name}': a password is never sent without TLS. Use -Security StartTls or Implicit, or no login.");
        if (c.Uri is not null || c.Topic is not null)
            throw Bad("NotificationKindMismatch", c.Name, $"Channel '{c.Name}' is an SMTP channel: -Uri and -Topic belong to webhooks.");
        return c;
    }

    private static NotificationChannel CheckWebhook(NotificationChannel c)
    {
        if (c.SmtpServer is not null || c.From is not null || c.To.Count > 0 || c.UserName is not null)
            throw Bad("NotificationKindMismatch", c.Name, $"Channel '{c.Name}' is a webhook: -SmtpServer, -From, -To and -UserName belong to SMTP channels.");
        if (c.Uri is null && c.SecretSource is null)
            throw Bad("NotificationUriMissing", c.Name, $"Channel '{c.Name}': give the webhook's -Uri, or, when the URL itself holds a token, where to read it: -SecretEnvironmentVariable NAME or -SecretFile PATH.");
        if (c.Uri is { } u) CheckUri(u, c.Name);
        return c;
    }

    /// <summary>An absolute http(s) URL with no user info; plain http only to this machine (TLS everywhere else).</summary>
    public static Uri CheckUri(string text, string channel)
    {
        if (!System.Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
            throw Bad("NotificationUriInvalid", channel, $"Channel '{channel}': the webhook URL must be an absolute https:// URL.");
        if (!string.IsNullOrEmpty(uri.UserInfo))
            throw Bad("NotificationUriInvalid", channel, $"Channel '{channel}': the webhook URL carries a user name or password. Keep credentials out of the store: put the whole URL in the secret (-SecretEnvironmentVariable or -SecretFile) instead of -Uri.");
        if (uri.Scheme == "http" && !IsLoopback(uri.Host))
            throw Bad("NotificationInsecure", channel, $"Channel '{channel}': webhooks use TLS (https://); plain http:// is accepted only to this machine (localhost, 127.0.0.1, ::1), for a local relay.");
        return uri;
    }

    private static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));

    /// <summary>SHA-256 thumbprint as 64 upper-case hex digits; colons and spaces allowed in the input.</summary>
    public static string Thumbprint(string text, string channel)
    {
        var hex = text.Replace(":", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
        if (hex.StartsWith("SHA256", StringComparison.Ordinal)) hex = hex[6..].TrimStart('=', ':');
        if (hex.Length == 40)
            throw Bad("NotificationThumbprintInvalid", channel, $"Channel '{channel}': '{text}' looks like a SHA-1 thumbprint; give the certificate's SHA-256 (64 hex digits), as the TLS error message shows it.");
        if (!HexPattern().IsMatch(hex))
            throw Bad("NotificationThumbprintInvalid", channel, $"Channel '{channel}': '{text}' is not a SHA-256 thumbprint (64 hex digits).");
        return hex;
    }

    private static BurninException Bad(string id, string target, string message) => new(id, ErrorKind.InvalidArgument, message) { Target = target };

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex EnvPattern();

    [GeneratedRegex(@"^[0-9A-F]{64}$")]
    private static partial Regex HexPattern();
}
