using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using NasBurnin.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace NasBurnin.Tests;

/// <summary>
/// Notifications through the module against real receivers on loopback: an SMTP server (aiosmtpd: plain,
/// STARTTLS with a self-signed certificate, AUTH) and an HTTP listener for webhooks. What arrives is read back:
/// subject, recipients, text and HTML parts, attachments, the JSON body. Bad input fails with an error naming the
/// channel, host and port, leaves the message queued, and the next sync sends it once.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class NotificationTests
{
    private readonly ITestOutputHelper _out;

    public NotificationTests(ITestOutputHelper output) => _out = output;

    private const string Sqlite3Missing = "needs the sqlite3 tool";

    private static void RequireSmtp() => Skip.IfNot(SmtpTestServer.Available, SmtpTestServer.Unavailable);

    private static string Id(System.Management.Automation.ErrorRecord e) => e.FullyQualifiedErrorId.Split(',')[0];

    private static string SecretFile(TempDir dir, string name, string secret)
    {
        var path = dir.File(name);
        File.WriteAllText(path, secret + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return path;
    }

    [SkippableFact]
    public void Smtp_with_STARTTLS_and_AUTH_trusts_a_self_signed_server_only_by_its_pinned_thumbprint()
    {
        RequireSmtp();
        const string password = "s3cret-Pass-for-smtp";
        using var server = new SmtpTestServer("auth", "nasburnin", password);
        using var dir = new TempDir();
        using var s = new PsSession(storePath: dir.File("burnin.db"));
        var secret = SecretFile(dir, "smtp.secret", password);
        var where = $"127.0.0.1:{server.Port}";
        var channel = s.Run($"Set-BurninNotification -Name mail -SmtpServer 127.0.0.1 -Port {server.Port} -From nasburnin@example.com -To ops@example.com, lead@example.com -UserName nasburnin -SecretFile '{PsSession.Quote(secret)}' -PassThru")
            .AssertClean().Output.Single();
        Assert.Equal("StartTls", channel.Properties["Security"].Value);
        Assert.Equal("file:" + secret, channel.Properties["SecretSource"].Value);

        // Not trusted by the system, not pinned: refused before anything is sent, and the error says what to pin.
        var r = s.Run("Test-BurninNotification -Name mail");
        var e = Assert.Single(r.Errors);
        Assert.Equal("NotificationTlsUntrusted", Id(e));
        Assert.Contains("'mail'", e.Exception.Message, StringComparison.Ordinal);
        Assert.Contains(where, e.Exception.Message, StringComparison.Ordinal);
        Assert.Contains(server.Thumbprint!, e.Exception.Message, StringComparison.Ordinal);
        Assert.False((bool)r.Output.Single().Properties["Sent"].Value);
        Assert.Empty(server.Messages());

        s.Run($"Set-BurninNotification -Name mail -CertificateThumbprint '{server.Thumbprint}'").AssertClean();
        var sent = s.Run("Test-BurninNotification -Name mail").AssertClean().Output.Single();
        Assert.True((bool)sent.Properties["Sent"].Value);
        var m = Assert.Single(server.WaitFor(1));
        Assert.Equal("[NasBurnin] NasBurnin test message", m.GetProperty("subject").GetString());
        Assert.Equal(new[] { "ops@example.com", "lead@example.com" }, m.GetProperty("rcptTos").EnumerateArray().Select(x => x.GetString()));
        Assert.True(m.GetProperty("tls").GetBoolean());
        Assert.Contains("channel 'mail'", m.GetProperty("text").GetString(), StringComparison.Ordinal);
        var html = m.GetProperty("html").GetString()!;
        Assert.Contains("style=\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<style", html, StringComparison.Ordinal);

        // A wrong password: the login is refused, named with channel, host and port.
        File.WriteAllText(secret, "not-the-password\n");
        e = Assert.Single(s.Run("Test-BurninNotification -Name mail").Errors);
        Assert.Equal("NotificationLoginRefused", Id(e));
        Assert.Contains(where, e.Exception.Message, StringComparison.Ordinal);
        Assert.Contains("'mail'", e.Exception.Message, StringComparison.Ordinal);

        // A secret file others can read is refused before anything is sent.
        File.WriteAllText(secret, password + "\n");
        File.SetUnixFileMode(secret, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        e = Assert.Single(s.Run("Test-BurninNotification -Name mail").Errors);
        Assert.Equal("NotificationSecretFileInsecure", Id(e));
        Assert.Contains("0644", e.Exception.Message, StringComparison.Ordinal);
        Assert.Contains(secret, e.Exception.Message, StringComparison.Ordinal);
        Assert.Contains(where, e.Exception.Message, StringComparison.Ordinal);
        Assert.Single(server.Messages());

        // Every send is audited with channel and recipients; the secret is nowhere in the store.
        var audit = s.Run("Get-BurninAuditEvent -Type notification_sent, notification_failed | ForEach-Object { $_.Type + ': ' + $_.Detail }").AssertClean().Output.Select(o => o.ToString()!).ToList();
        Assert.Equal(4, audit.Count);
        Assert.Contains(audit, a => a.StartsWith("notification_sent: test message via mail (Smtp " + where + ") to ops@example.com, lead@example.com", StringComparison.Ordinal));
        Assert.Equal(3, audit.Count(a => a.StartsWith("notification_failed", StringComparison.Ordinal)));
        if (Sqlite3.Available)
            Assert.DoesNotContain(password, Sqlite3.Exec(dir.File("burnin.db"), ".dump"), StringComparison.Ordinal);
        Assert.DoesNotContain(audit, a => a.Contains(password, StringComparison.Ordinal));
    }

    [SkippableFact]
    public void The_digest_goes_as_inline_styled_HTML_with_the_failed_runs_certificate_attached_and_WhatIf_sends_nothing()
    {
        RequireSmtp();
        Skip.IfNot(Sqlite3.Available, Sqlite3Missing);
        using var server = new SmtpTestServer("plain");
        using var dir = new TempDir();
        using var s = new PsSession(storePath: dir.File("burnin.db"));
        ReportSeed.Fill(dir.File("burnin.db"), dir.Path);
        s.Run($"Set-BurninNotification -Name relay -SmtpServer 127.0.0.1 -Port {server.Port} -Security None -From nb@example.com -To ops@example.com").AssertClean();

        s.Run("Send-BurninReport -Since ([DateTime]::Now.AddDays(-1)) -WhatIf").AssertClean();
        Assert.Empty(s.Run("Get-BurninAuditEvent -Type notification_sent").AssertClean().Output);

        var result = s.Run("Send-BurninReport -Since ([DateTime]::Now.AddDays(-1))").AssertClean().Output.Single();
        Assert.True((bool)result.Properties["Sent"].Value);
        var m = Assert.Single(server.WaitFor(1));
        Assert.StartsWith("[NasBurnin] NasBurnin daily report: 0 passed, 1 failed", m.GetProperty("subject").GetString(), StringComparison.Ordinal);
        var html = m.GetProperty("html").GetString()!;
        Assert.Contains("Finished since", html, StringComparison.Ordinal);
        Assert.Contains("style=\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<style", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Run 1 Fail", m.GetProperty("text").GetString(), StringComparison.Ordinal);
        var attachment = Assert.Single(m.GetProperty("attachments").EnumerateArray());
        Assert.Equal("text/html", attachment.GetProperty("contentType").GetString());
        Assert.StartsWith("burnin-certificate-run1-", attachment.GetProperty("filename").GetString(), StringComparison.Ordinal);
        var cert = attachment.GetProperty("content").GetString()!;
        Assert.Contains("Burn-in certificate", cert, StringComparison.Ordinal);
        Assert.Contains("temperature-chart-1", cert, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", cert, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void A_failing_webhook_leaves_the_change_queued_the_sync_completes_and_the_next_sync_sends_it_once()
    {
        Skip.If(!Sqlite3.Available, "needs sqlite3");
        using var hook = new LoopbackHttp { PostStatus = 500 };
        using var dir = new TempDir();
        using var s = new PsSession(storePath: dir.File("burnin.db"));
        var variable = "NB_TEST_TOKEN_" + Guid.NewGuid().ToString("N")[..8];
        Environment.SetEnvironmentVariable(variable, "tok-123");
        try
        {
            s.Run($"Set-BurninNotification -Name hook -Webhook -Uri '{hook.Url}hook' -Topic burnin -SecretEnvironmentVariable {variable}").AssertClean();
            // What Unlock-MountedDrive records (the event the notification is for).
            Sqlite3.Exec(dir.File("burnin.db"), "INSERT INTO audit_events(occurred_at, type, operator, source, host_name, serial, detail) VALUES (strftime('%Y-%m-%dT%H:%M:%fZ','now'), 'mounted_drive_unlocked', 'alice', 'local:test', 'nas01', 'SER123', 'Mounted drive /dev/sdb unlocked until later');");

            var sync = s.Run("Sync-BurninInventory");
            Assert.Empty(sync.AllErrors);
            var warning = Assert.Single(sync.Warnings);
            Assert.Contains("'hook'", warning, StringComparison.Ordinal);
            Assert.Contains($"127.0.0.1:{hook.Port}", warning, StringComparison.Ordinal);
            Assert.Contains("500", warning, StringComparison.Ordinal);
            Assert.Contains("stays queued", warning, StringComparison.Ordinal);
            var ch = s.Run("Get-BurninNotification -Name hook").AssertClean().Output.Single();
            Assert.Equal(1, ch.Properties["Pending"].Value);
            Assert.Equal(1, ch.Properties["Failing"].Value);
            var health = s.Run("Test-BurninHealth -TimeoutSeconds 1").AssertClean().Output.Single();
            var row = ((System.Collections.IEnumerable)health.Properties["Checks"].Value).Cast<object>().Select(System.Management.Automation.PSObject.AsPSObject)
                .Single(c => (string)c.Properties["Check"].Value == "NotificationsDelivered");
            Assert.False((bool)row.Properties["Healthy"].Value);
            Assert.Contains("hook", (string)row.Properties["Detail"].Value, StringComparison.Ordinal);

            hook.PostStatus = 200;
            s.Run("Sync-BurninInventory").AssertClean();
            s.Run("Sync-BurninInventory").AssertClean(); // nothing left to send: no second message
            var posts = hook.Requests.Where(q => q.Method == "POST").ToList();
            Assert.Equal(2, posts.Count); // the failed attempt and the one that went through
            var last = posts[^1];
            Assert.Equal("/hook", last.Path);
            Assert.Equal("Bearer tok-123", last.Headers["Authorization"]);
            using var body = JsonDocument.Parse(last.Body);
            var b = body.RootElement;
            Assert.Equal("burnin", b.GetProperty("topic").GetString());
            Assert.StartsWith("[NasBurnin] Drive unlocked for erasing: serial SER123 on nas01, by alice", b.GetProperty("title").GetString(), StringComparison.Ordinal);
            Assert.Contains("Drive unlocked", b.GetProperty("text").GetString(), StringComparison.Ordinal);
            Assert.Contains("Mounted drive /dev/sdb unlocked", b.GetProperty("message").GetString(), StringComparison.Ordinal);
            Assert.Equal(4, b.GetProperty("priority").GetInt32());
            Assert.Equal("DriveUnlocked", b.GetProperty("event").GetProperty("type").GetString());
            Assert.Equal(0, s.Run("Get-BurninNotification -Name hook").AssertClean().Output.Single().Properties["Pending"].Value);
            Assert.DoesNotContain("tok-123", Sqlite3.Exec(dir.File("burnin.db"), ".dump"), StringComparison.Ordinal);
        }
        finally { Environment.SetEnvironmentVariable(variable, null); }
    }

    [SkippableFact]
    public void A_TLS_mismatch_sends_nothing_in_clear_and_names_channel_host_and_port()
    {
        RequireSmtp();
        using var server = new SmtpTestServer("plain"); // offers no STARTTLS
        using var dir = new TempDir();
        using var s = new PsSession(storePath: dir.File("burnin.db"));
        s.Run($"Set-BurninNotification -Name tls -SmtpServer 127.0.0.1 -Port {server.Port} -From a@example.com -To b@example.com").AssertClean();
        var e = Assert.Single(s.Run("Test-BurninNotification -Name tls").Errors);
        Assert.Equal("NotificationTlsFailed", Id(e));
        Assert.Contains($"Channel 'tls' (SMTP 127.0.0.1:{server.Port})", e.Exception.Message, StringComparison.Ordinal);
        Assert.Contains("STARTTLS", e.Exception.Message, StringComparison.Ordinal);

        s.Run("Set-BurninNotification -Name tls -Security Implicit").AssertClean(); // TLS from the first byte to a plain server
        e = Assert.Single(s.Run("Test-BurninNotification -Name tls").Errors);
        Assert.StartsWith("NotificationTls", Id(e), StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{server.Port}", e.Exception.Message, StringComparison.Ordinal);
        Assert.Empty(server.Messages());
    }

    [Fact]
    public void An_unreachable_server_names_channel_host_and_port()
    {
        using var dir = new TempDir();
        using var s = new PsSession(storePath: dir.File("burnin.db"));
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop(); // nothing listens there now
        s.Run($"Set-BurninNotification -Name down -SmtpServer 127.0.0.1 -Port {port} -Security Implicit -From a@example.com -To b@example.com").AssertClean();
        var e = Assert.Single(s.Run("Test-BurninNotification -Name down").Errors);
        Assert.Equal("NotificationUnreachable", Id(e));
        Assert.Contains($"Channel 'down' (SMTP 127.0.0.1:{port})", e.Exception.Message, StringComparison.Ordinal);
        Assert.Equal("down", e.TargetObject);
    }

    [Fact]
    public void Configuration_is_checked_gated_for_admins_and_never_takes_a_secret()
    {
        using var dir = new TempDir();
        using var s = new PsSession(storePath: dir.File("burnin.db"));
        Assert.Equal("NotificationInsecure", Id(s.Run("Set-BurninNotification -Name w -Webhook -Uri 'http://192.0.2.10/hook'").Errors.Single()));
        Assert.Equal("NotificationUriInvalid", Id(s.Run("Set-BurninNotification -Name w -Webhook -Uri 'https://user:pw@ntfy.example/x'").Errors.Single()));
        Assert.Equal("NotificationInsecure", Id(s.Run("Set-BurninNotification -Name m -SmtpServer mail.example -Security None -From a@example.com -To b@example.com -UserName u -SecretEnvironmentVariable X").Errors.Single()));
        Assert.Equal("NotificationSecretInvalid", Id(s.Run("Set-BurninNotification -Name m -SmtpServer mail.example -From a@example.com -To b@example.com -UserName u -SecretEnvironmentVariable 'hunter2!'").Errors.Single()));
        Assert.Equal("NotificationThumbprintInvalid", Id(s.Run("Set-BurninNotification -Name m -SmtpServer mail.example -From a@example.com -To b@example.com -CertificateThumbprint 'AB:CD'").Errors.Single()));
        s.Run("Set-BurninNotification -Name m -SmtpServer mail.example -From a@example.com -To b@example.com -WhatIf").AssertClean();
        Assert.Empty(s.Run("Get-BurninNotification").AssertClean().Output);

        s.Run("Set-BurninNotification -Name m -SmtpServer mail.example -From a@example.com -To b@example.com -Event RunFailed, HeatAbort").AssertClean();
        var audit = s.Run("Get-BurninAuditEvent -Type notification_channel_set | ForEach-Object Detail").AssertClean().Output.Single().ToString();
        Assert.Contains("added channel m: SMTP mail.example:587 (StartTls)", audit, StringComparison.Ordinal);
        Assert.Contains("events RunFailed, HeatAbort", audit, StringComparison.Ordinal);

        s.Run("function SS([string]$t) { $x = [System.Security.SecureString]::new(); $t.ToCharArray() | ForEach-Object { $x.AppendChar($_) }; $x }").AssertClean();
        s.Run("New-BurninUser -UserName admin -Admin -Password (SS 'Admin-Pw-1234') -Confirm:$false").AssertClean();
        s.Run("Disconnect-BurninOperator").AssertClean();
        Assert.Equal("OperatorSignInRequired", Id(s.RunTerminating("Set-BurninNotification -Name m -Enabled $false")));
        Assert.Equal("OperatorSignInRequired", Id(s.RunTerminating("Remove-BurninNotification -Name m -Confirm:$false")));
        Assert.Single(s.Run("Get-BurninNotification").AssertClean().Output);
    }
}
