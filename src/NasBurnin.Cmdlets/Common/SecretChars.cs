using System.Runtime.InteropServices;
using System.Security;

namespace NasBurnin.Common;

/// <summary>
/// A password taken out of a SecureString for the one engine call that needs it: a pinned char array
/// (so the GC leaves no copies) that Dispose overwrites with zeros. Use with <c>using</c>.
/// </summary>
internal sealed class SecretChars : IDisposable
{
    private SecretChars(char[] chars) => Chars = chars;

    public char[] Chars { get; }

    public static SecretChars From(SecureString secure)
    {
        var chars = GC.AllocateArray<char>(secure.Length, pinned: true);
        var unmanaged = Marshal.SecureStringToGlobalAllocUnicode(secure);
        try
        {
            Marshal.Copy(unmanaged, chars, 0, chars.Length);
        }
        finally
        {
            Marshal.ZeroFreeGlobalAllocUnicode(unmanaged);
        }
        return new SecretChars(chars);
    }

    /// <summary>Compares two secure strings without leaving either in memory.</summary>
    public static bool AreEqual(SecureString a, SecureString b)
    {
        using var x = From(a);
        using var y = From(b);
        return x.Chars.AsSpan().SequenceEqual(y.Chars);
    }

    public void Dispose() => Array.Clear(Chars);
}
