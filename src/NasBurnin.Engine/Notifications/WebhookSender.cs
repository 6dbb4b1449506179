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
        Uri uri;
        try
        {
            uri = ChannelRules.CheckUri(c.Uri ?? secret ?? "", c.Name);
        }
        catch (BurninException) when (c.Uri is null)
        {
            // The URL came from the secret: say what is wrong with it without showing it.
            throw new BurninException("NotificationUriInvalid", ErrorKind.InvalidArgument,
                $"Channel '{c.Name}' (webhook, URL from {c.SecretSource}): the secret is not an https:// URL (http:// only to this machine).") { Target = c.Name };
        }
        var where = $"Channel '{c.Name}' (webhook {uri.Host}:{uri.Port})";
        string? seenThumbprint = null;
        using var handler = new SocketsHttpHandler
        {
            ConnectTimeout = Timeout,
            AllowAutoRedirect = false,
            UseProxy = false,
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, cert, _, errors) =>
                {
                    if (cert is null) return false;
                    seenThumbprint = Convert.ToHexString(SHA256.HashData(cert.GetRawCertData()));
                    return errors == SslPolicyErrors.None || (c.CertificateSha256 is { } pin && pin == seenThumbprint);
                },
            },
        };
        using var http = new HttpClient(handler) { Timeout = Timeout };
        using var request = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Content = new StringContent(Body(c, m), System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("NasBurnin", typeof(WebhookSender).Assembly.GetName().Version?.ToString(3)));
        if (bearer is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { throw; }
        catch (HttpRequestException e) when (e.InnerException is AuthenticationException)
        {
            throw seenThumbprint is not null
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
        using (response)
        {
            if (!response.IsSuccessStatusCode)
                throw new BurninException("NotificationRejected", ErrorKind.InvalidOperation,
                    $"{where}: the receiver answered {(int)response.StatusCode} {response.ReasonPhrase}" +
                    (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden ? $"; check the token in {c.SecretSource ?? "the channel's secret"}." : ".")) { Target = c.Name };
        }
    }
}
