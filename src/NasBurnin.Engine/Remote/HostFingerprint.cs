using System.Security.Cryptography;
using System.Text.RegularExpressions;
using NasBurnin.Engine.Common;

namespace NasBurnin.Engine.Remote;

/// <summary>
/// SSH host key fingerprints, always SHA-256 in OpenSSH's form: <c>SHA256:</c> + unpadded base64, as
/// <c>ssh-keygen -lf</c> prints it. SSH.NET's <c>FingerPrintSHA256</c> lacks the prefix and users paste
/// with or without it (and sometimes with padding), so every comparison goes through <see cref="Normalize"/>.
/// MD5 fingerprints are refused: they are weak, and Posh-SSH's broken MD5 formatting is a known trap.
/// </summary>
public static class HostFingerprint
{
    public const string Prefix = "SHA256:";

    private static readonly Regex Md5Like = new(@"^(MD5:)?([0-9a-fA-F]{1,2}:){15}[0-9a-fA-F]{1,2}\z", RegexOptions.CultureInvariant);

    /// <summary>The fingerprint of a host key blob (the SSH wire encoding, as in a .pub file's base64).</summary>
    public static string Compute(byte[] keyBlob) =>
        Prefix + Convert.ToBase64String(SHA256.HashData(keyBlob)).TrimEnd('=');

    /// <summary>Accepts <c>SHA256:xxx</c> (prefix in any case, padding optional) or the bare base64.</summary>
    public static bool TryNormalize(string? text, out string fingerprint)
    {
        fingerprint = "";
        if (string.IsNullOrWhiteSpace(text)) return false;
        var s = text.Trim();
        if (s.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase)) s = s[Prefix.Length..];
        s = s.TrimEnd('=');
        if (s.Length != 43) return false; // 32 bytes of SHA-256 in unpadded base64
        try
        {
            if (Convert.FromBase64String(s + "=").Length != 32) return false;
        }
        catch (FormatException)
        {
            return false;
        }
        fingerprint = Prefix + s;
        return true;
    }

    public static string Normalize(string text)
    {
        if (TryNormalize(text, out var fp)) return fp;
        var shown = RemoteNames.Printable(text ?? "");
        var hint = Md5Like.IsMatch((text ?? "").Trim())
            ? " That looks like an MD5 fingerprint; NasBurnin pins SHA-256 only."
            : "";
        throw new BurninException("InvalidHostKeyFingerprint", ErrorKind.InvalidArgument,
            $"'{shown}' is not a SHA-256 host key fingerprint.{hint} Give the value ssh-keygen -lf prints for the host's key, for example SHA256:uYO5pmFO2HrtBCbFaZHAk2HOAs2b9HCE1Ztxl1AS66M.")
        { Target = text };
    }

    /// <summary>Base64 is case-sensitive: compare ordinally after normalising both sides.</summary>
    public static bool AreEqual(string? a, string? b) =>
        TryNormalize(a, out var x) && TryNormalize(b, out var y) && string.Equals(x, y, StringComparison.Ordinal);
}
