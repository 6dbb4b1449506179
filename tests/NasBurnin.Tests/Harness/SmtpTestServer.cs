using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace NasBurnin.Tests.Harness;

/// <summary>
/// A real SMTP server on 127.0.0.1 (Debian's python3-aiosmtpd, imported from /usr/bin/python3): plain, STARTTLS
/// with a self-signed certificate made here, or STARTTLS with AUTH. Received messages are read back as parsed
/// JSON (subject, recipients, text and HTML parts, attachments). Dispose stops it.
/// </summary>
public sealed class SmtpTestServer : IDisposable
{
    private readonly Process _process;
    private readonly TempDir _dir = new();

    public static bool Available =>
        File.Exists("/usr/bin/python3") && ChildProcess.Run("/usr/bin/python3", new[] { "-c", "import aiosmtpd" }).ExitCode == 0;

    public static string Unavailable => "skipped: the SMTP tests need /usr/bin/python3 with aiosmtpd (apt-get install python3-aiosmtpd)";

    public int Port { get; }

    /// <summary>SHA-256 of the server certificate, hex (for pinning); null for plain.</summary>
    public string? Thumbprint { get; }

    public SmtpTestServer(string mode, string? user = null, string? password = null)
    {
        var args = new List<string> { Path.Combine(RepoPaths.Root, "tests", "NasBurnin.Tests", "Harness", "smtp_server.py"), mode, _dir.Path };
        if (mode != "plain")
        {
            var (cert, key, thumb) = SelfSigned();
            Thumbprint = thumb;
            args.Add(cert);
            args.Add(key);
            if (user is not null) { args.Add(user); args.Add(password!); }
        }
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        _process = Process.Start(psi)!;
        var ready = _process.StandardOutput.ReadLineAsync();
        if (!ready.Wait(TimeSpan.FromSeconds(60)) || ready.Result is not { } line || !line.StartsWith("READY ", StringComparison.Ordinal))
        {
            var why = _process.HasExited ? _process.StandardError.ReadToEnd() : "no READY line within 60 s";
            Dispose();
            throw new InvalidOperationException("The SMTP test server did not start: " + why);
        }
        Port = int.Parse(line[6..], System.Globalization.CultureInfo.InvariantCulture);
    }

    private (string Cert, string Key, string Thumb) SelfSigned()
    {
        using var rsa = RSA.Create(2048);
        var req = new CertificateRequest("CN=127.0.0.1", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        req.CertificateExtensions.Add(san.Build());
        using var cert = req.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var certPath = _dir.File("cert.pem");
        var keyPath = _dir.File("key.pem");
        File.WriteAllText(certPath, cert.ExportCertificatePem());
        File.WriteAllText(keyPath, rsa.ExportPkcs8PrivateKeyPem());
        return (certPath, keyPath, Convert.ToHexString(SHA256.HashData(cert.RawData)));
    }

    /// <summary>The messages received so far, oldest first.</summary>
    public IReadOnlyList<JsonElement> Messages() =>
        Directory.GetFiles(_dir.Path, "*.json").Order(StringComparer.Ordinal)
            .Select(f => JsonDocument.Parse(File.ReadAllText(f)).RootElement.Clone()).ToList();

    /// <summary>Waits (bounded) until at least <paramref name="count"/> messages have arrived.</summary>
    public IReadOnlyList<JsonElement> WaitFor(int count, int seconds = 60)
    {
        var sw = Stopwatch.StartNew();
        while (Messages().Count < count && sw.Elapsed < TimeSpan.FromSeconds(seconds)) Thread.Sleep(100);
        return Messages();
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.StandardInput.Close();
                if (!_process.WaitForExit(10_000)) _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException) { }
        _process.Dispose();
        _dir.Dispose();
    }
}
