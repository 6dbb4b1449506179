using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Text.Json;
using NasBurnin.Engine.Common;

namespace NasBurnin.Engine.Notifications;

/// <summary>
/// Posts one JSON document per message. The body fits three kinds of receiver at once: Slack-compatible incoming
/// webhooks (Slack, Mattermost, Rocket.Chat) read <c>text</c>; ntfy's JSON publishing (POST to the server's root
/// URL) reads <c>topic</c>, <c>title</c>, <c>message</c>, <c>priority</c> and <c>tags</c>; anything else gets
/// the event under <c>event</c>. A secret is either a bearer token (with <see cref="NotificationChannel.Uri"/>)
/// or the whole URL. TLS certificates are validated; a self-signed one passes only by its pinned SHA-256.
/// </summary>
internal static class WebhookSender
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static string Body(NotificationChannel c, NotificationMessage m) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["text"] = $"{m.Title}\n{m.Text}".TrimEnd(),
        ["topic"] = c.Topic,
        ["title"] = m.Title,
        ["message"] = m.Text,
        ["priority"] = m.Priority,
        ["tags"] = new[] { "nasburnin", m.Type },
        ["event"] = m.Facts,
    });

    public static async Task SendAsync(NotificationChannel c, string? secret, NotificationMessage m, CancellationToken ct)
    {
        var bearer = c.Uri is not null ? secret : null;
        var uri = TargetUri(c, secret);
        var where = $"Channel '{c.Name}' (webhook {uri.Host}:{uri.Port})";
        var seen = new SeenCertificate();
        using var handler = PinningHandler(c, seen);
        using var http = new HttpClient(handler) { Timeout = Timeout };
        using var request = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Content = new StringContent(Body(c, m), System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("NasBurnin", typeof(WebhookSender).Assembly.GetName().Version?.ToString(3)));
        if (bearer is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        using var response = await PostAsync(http, request, c, uri, where, seen, ct).ConfigureAwait(false);
        CheckAnswer(response, c, where);
    }

    /// <summary>The channel's URL, or the one its secret holds (then a bad one is described without being shown).</summary>
    private static Uri TargetUri(NotificationChannel c, string? secret)
    {
        try
        {
            return ChannelRules.CheckUri(c.Uri ?? secret ?? "", c.Name);
        }
        catch (BurninException) when (c.Uri is null)
        {
            throw new BurninException("NotificationUriInvalid", ErrorKind.InvalidArgument,
                $"Channel '{c.Name}' (webhook, URL from {c.SecretSource}): the secret is not an https:// URL (http:// only to this machine).") { Target = c.Name };
        }
    }

    /// <summary>The certificate the server showed, so an untrusted one can be named for pinning.</summary>
    private sealed class SeenCertificate
    {
        public string? Thumbprint { get; set; }
    }

    /// <summary>No redirects, no proxy; a certificate is trusted by the system or by the channel's pinned SHA-256.</summary>
    private static SocketsHttpHandler PinningHandler(NotificationChannel c, SeenCertificate seen) => new()
    {
        ConnectTimeout = Timeout,
        AllowAutoRedirect = false,
        UseProxy = false,
        SslOptions = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (_, cert, _, errors) =>
            {
                if (cert is null) return false;
                seen.Thumbprint = Convert.ToHexString(SHA256.HashData(cert.GetRawCertData()));
                return errors == SslPolicyErrors.None || (c.CertificateSha256 is { } pin && pin == seen.Thumbprint);
            },
        },
    };

    /// <summary>Sends the request; TLS and network failures become errors that say what to do.</summary>
    private static async Task<HttpResponseMessage> PostAsync(HttpClient http, HttpRequestMessage request, NotificationChannel c, Uri uri, string where,
        SeenCertificate seen, CancellationToken ct)
    {
        try
        {
            return await http.SendAsync(request, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { throw; }
        catch (HttpRequestException e) when (e.InnerException is AuthenticationException)
        {
            throw seen.Thumbprint is { } seenThumbprint
                ? new BurninException("NotificationTlsUntrusted", ErrorKind.Security,
                    $"{where}: the TLS certificate is not trusted; its SHA-256 thumbprint is {seenThumbprint}. If this is your server's own certificate, pin it: Set-BurninNotification -Name {c.Name} -CertificateThumbprint {seenThumbprint}", e) { Target = c.Name }
                : new BurninException("NotificationTlsFailed", ErrorKind.Security, $"{where}: the TLS handshake failed ({SmtpSender.FirstLine(e)}).", e) { Target = c.Name };
        }
        catch (Exception e) when (e is HttpRequestException or SocketException or IOException or TaskCanceledException)
        {
            var what = e is TaskCanceledException ? $"no answer within {Timeout.TotalSeconds:0} s" : SmtpSender.FirstLine(e);
            throw new BurninException("NotificationUnreachable", ErrorKind.Connection,
                $"{where}: cannot deliver: {what}. Check that the receiver runs and that this machine may reach it on port {uri.Port}.", e) { Target = c.Name };
        }
    }

    private static void CheckAnswer(HttpResponseMessage response, NotificationChannel c, string where)
    {
        if (!response.IsSuccessStatusCode)
            throw new BurninException("NotificationRejected", ErrorKind.InvalidOperation,
                $"{where}: the receiver answered {(int)response.StatusCode} {response.ReasonPhrase}" +
                (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden ? $"; check the token in {c.SecretSource ?? "the channel's secret"}." : ".")) { Target = c.Name };
    }
}
