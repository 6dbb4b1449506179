using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using NasBurnin.Engine.Common;

namespace NasBurnin.Engine.Notifications;

/// <summary>
/// Sends mail with MailKit. TLS is on unless the channel says None (STARTTLS is then never attempted, and no
/// password is ever sent). A certificate the system does not trust is accepted only when its SHA-256 is the
/// channel's pinned thumbprint; there is no "skip validation". Every failure names the channel, host and port.
/// </summary>
internal static class SmtpSender
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static async Task SendAsync(NotificationChannel c, string? secret, NotificationMessage m, CancellationToken ct)
    {
        var mail = Compose(c, m);
        var tls = new TlsCheck(c.CertificateSha256);
        using var client = new SmtpClient { Timeout = (int)Timeout.TotalMilliseconds };
        client.ServerCertificateValidationCallback = tls.Validate;
        var options = c.Security switch
        {
            SmtpSecurity.Implicit => SecureSocketOptions.SslOnConnect,
            SmtpSecurity.None => SecureSocketOptions.None,
            _ => SecureSocketOptions.StartTls,
        };
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(Timeout * 2);
            await client.ConnectAsync(c.SmtpServer!, c.EffectivePort, options, timeout.Token).ConfigureAwait(false);
            if (c.UserName is not null)
                await client.AuthenticateAsync(c.UserName, secret ?? "", timeout.Token).ConfigureAwait(false);
            await client.SendAsync(mail, timeout.Token).ConfigureAwait(false);
            await client.DisconnectAsync(true, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { throw; }
        catch (Exception e) when (Failure(c, e, options, tls) is { } failure) { throw failure; }
    }

    private static MimeMessage Compose(NotificationChannel c, NotificationMessage m)
    {
        var mail = new MimeMessage();
        mail.From.Add(MailboxAddress.Parse(c.From!));
        foreach (var to in c.To) mail.To.Add(MailboxAddress.Parse(to));
        mail.Subject = m.Title;
        var body = new BodyBuilder { TextBody = m.Text, HtmlBody = m.Html };
        foreach (var a in m.Attachments)
            body.Attachments.Add(a.FileName, System.Text.Encoding.UTF8.GetBytes(a.Content), ContentType.Parse(a.MediaType + "; charset=utf-8"));
        mail.Body = body.ToMessageBody();
        return mail;
    }

    /// <summary>Trusts what the system trusts, or the pinned thumbprint; remembers what it saw for the error message.</summary>
    private sealed class TlsCheck(string? pin)
    {
        public string? Thumbprint { get; private set; }
        public string? Problem { get; private set; }

        public bool Validate(object sender, X509Certificate? cert, X509Chain? chain, SslPolicyErrors errors)
        {
            if (cert is null) { Problem = "the server sent no certificate"; return false; }
            Thumbprint = Sha256(cert);
            if (errors == SslPolicyErrors.None) return true;
            if (pin is not null && CryptographicOperations.FixedTimeEquals(
                    System.Text.Encoding.ASCII.GetBytes(pin), System.Text.Encoding.ASCII.GetBytes(Thumbprint))) return true;
            Problem = errors.ToString();
            return false;
        }
    }

    /// <summary>The error naming channel, host and port for a failed delivery; null for an exception that is not a delivery failure.</summary>
    private static BurninException? Failure(NotificationChannel c, Exception e, SecureSocketOptions options, TlsCheck tls)
    {
        var where = $"Channel '{c.Name}' (SMTP {c.SmtpServer}:{c.EffectivePort})";
        return e switch
        {
            SslHandshakeException when tls.Thumbprint is not null => new BurninException("NotificationTlsUntrusted", ErrorKind.Security,
                $"{where}: the TLS certificate is not trusted ({tls.Problem}); its SHA-256 thumbprint is {tls.Thumbprint}. " +
                $"If this is your server's own certificate, pin it: Set-BurninNotification -Name {c.Name} -CertificateThumbprint {tls.Thumbprint}", e) { Target = c.Name },
            SslHandshakeException => new BurninException("NotificationTlsFailed", ErrorKind.Security,
                $"{where}: the TLS handshake failed ({FirstLine(e)}). Check -Security: StartTls for port 587, Implicit for 465.", e) { Target = c.Name },
            NotSupportedException when options == SecureSocketOptions.StartTls => new BurninException("NotificationTlsFailed", ErrorKind.Security,
                $"{where}: the server does not offer STARTTLS, so nothing was sent in clear. Use a server that offers TLS (or -Security Implicit on its TLS port).", e) { Target = c.Name },
            AuthenticationException => new BurninException("NotificationLoginRefused", ErrorKind.Authentication,
                $"{where}: the server refused the login of '{c.UserName}' ({FirstLine(e)}). Check the user name and the secret in {c.SecretSource}.", e) { Target = c.Name },
            SmtpCommandException sc => new BurninException("NotificationRejected", ErrorKind.InvalidOperation,
                $"{where}: the server refused the message: {(int)sc.StatusCode} {FirstLine(e)}" + (sc.Mailbox is { } mb ? $" (mailbox {mb.Address})" : ""), e) { Target = c.Name },
            SocketException or IOException or SmtpProtocolException or ServiceNotConnectedException or OperationCanceledException =>
                new BurninException("NotificationUnreachable", ErrorKind.Connection,
                    $"{where}: cannot deliver: {(e is OperationCanceledException ? $"no answer within {Timeout.TotalSeconds * 2:0} s" : FirstLine(e))}. " +
                    $"Check that the server runs and that this machine may reach it on port {c.EffectivePort}.", e) { Target = c.Name },
            _ => null,
        };
    }

    internal static string Sha256(X509Certificate cert) => Convert.ToHexString(SHA256.HashData(cert.GetRawCertData()));

    internal static string FirstLine(Exception e) => e.Message.Split('\n')[0].Trim();
}
