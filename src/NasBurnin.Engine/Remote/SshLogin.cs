using System.Runtime.InteropServices;
using System.Security;
using System.Text;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace NasBurnin.Engine.Remote;

/// <summary>
/// How to log in: a key file (with an optional passphrase) or a password. Secrets stay in a
/// <see cref="SecureString"/> (a private copy) and become plain text only while SSH.NET builds or uses
/// the authentication method; they are never stored, logged or put in a message.
/// </summary>
public sealed class SshLogin : IDisposable
{
    private readonly SecureString? _secret;

    private SshLogin(string userName, string? keyFilePath, SecureString? secret)
    {
        UserName = userName;
        KeyFilePath = keyFilePath;
        _secret = secret is { Length: > 0 } ? secret.Copy() : null;
        _secret?.MakeReadOnly();
    }

    public string UserName { get; }

    /// <summary>Null for a password login.</summary>
    public string? KeyFilePath { get; }

    /// <summary>True when this login needs a secret that only the current session holds.</summary>
    public bool HasSecret => _secret is not null;

    public static SshLogin WithKey(string userName, string keyFilePath, SecureString? passphrase = null) =>
        new(userName, keyFilePath, passphrase);

    public static SshLogin WithPassword(string userName, SecureString password) =>
        new(userName, null, password ?? throw new ArgumentNullException(nameof(password)));

    /// <summary>"the key file …" or "a password", for messages.</summary>
    public string Describe() => KeyFilePath is null ? "a password" : $"the key file {KeyFilePath}";

    /// <summary>Builds SSH.NET's authentication method. The caller calls <see cref="Scrub"/> after connecting.</summary>
    internal (AuthenticationMethod Method, Action Scrub) CreateMethod(string host)
    {
        if (KeyFilePath is null)
        {
            var bytes = Encoding.UTF8.GetBytes(Reveal(_secret!));
            return (new PasswordAuthenticationMethod(UserName, bytes), () => Array.Clear(bytes));
        }
        if (Directory.Exists(KeyFilePath)) throw HostErrors.KeyFileIsFolder(host, KeyFilePath);
        if (!File.Exists(KeyFilePath)) throw HostErrors.KeyFileNotFound(host, KeyFilePath);
        PrivateKeyFile key;
        try
        {
            key = _secret is null ? new PrivateKeyFile(KeyFilePath) : new PrivateKeyFile(KeyFilePath, Reveal(_secret));
        }
        catch (SshPassPhraseNullOrEmptyException)
        {
            throw HostErrors.KeyPassphraseRequired(host, KeyFilePath);
        }
        catch (Exception e) when (e is SshException or IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            // A wrong passphrase surfaces as SSH.NET's "random check bytes ... do not match" (OpenSSH keys)
            // or as the cipher's "Padding is invalid and cannot be removed." (encrypted PEM keys): say what it means.
            // With a passphrase given, a key that does not decode is that passphrase's fault far more often than the file's.
            var reason = _secret is not null && e is not (IOException or UnauthorizedAccessException)
                ? "wrong passphrase, or not a private key"
                : e.Message;
            throw HostErrors.KeyFileInvalid(host, KeyFilePath, reason, e);
        }
        return (new PrivateKeyAuthenticationMethod(UserName, key), key.Dispose);
    }

    private static string Reveal(SecureString s)
    {
        var p = Marshal.SecureStringToGlobalAllocUnicode(s);
        try { return Marshal.PtrToStringUni(p) ?? ""; }
        finally { Marshal.ZeroFreeGlobalAllocUnicode(p); }
    }

    public void Dispose() => _secret?.Dispose();
}
