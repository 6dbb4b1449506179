using System.Runtime.InteropServices;

namespace NasBurnin.Engine.Auth;

/// <summary>
/// Hashes and checks passwords. Passwords arrive as spans the caller zeroes; hashes stay inside the
/// engine (no public record carries one).
/// </summary>
public interface IPasswordHasher
{
    string Hash(ReadOnlySpan<char> password);

    bool Verify(ReadOnlySpan<char> password, string hash);

    /// <summary>
    /// A valid hash of a secret nobody knows, at the same work factor as real hashes: checking a
    /// password against it costs what checking a real user costs, so an unknown user name answers as
    /// slowly as a known one.
    /// </summary>
    string DummyHash { get; }
}

/// <summary>bcrypt (BCrypt.Net-Next) at work factor 12, as DESIGN §7 asks.</summary>
public sealed class BcryptPasswordHasher : IPasswordHasher
{
    public const int WorkFactor = 12;

    public static readonly BcryptPasswordHasher Instance = new();

    // bcrypt of 32 random bytes (base64) that were thrown away after hashing; work factor 12.
    private const string Dummy = "$2a$12$xjUS8u5x44FHCwTNbU7yu.PFmBnW.6zU7JYmtCMN6AfrBmbNmR/Sy";

    public string DummyHash => Dummy;

    public string Hash(ReadOnlySpan<char> password) =>
        WithTransientString(password, s => BCrypt.Net.BCrypt.HashPassword(s, WorkFactor));

    public bool Verify(ReadOnlySpan<char> password, string hash) =>
        WithTransientString(password, s => BCrypt.Net.BCrypt.Verify(s, hash));

    /// <summary>The work factor a stored hash was made with (from its "$2a$NN$" prefix).</summary>
    public static int WorkFactorOf(string hash) => BCrypt.Net.BCrypt.InterrogateHash(hash).WorkFactor is var wf
        ? int.Parse(wf, System.Globalization.CultureInfo.InvariantCulture) : 0;

    /// <summary>
    /// BCrypt.Net only takes a string, so the password becomes one here and nowhere else: a fresh
    /// (never interned) string, pinned so the GC cannot leave copies behind, used for the one call and
    /// overwritten with zeros straight after. BCrypt.Net's own internal UTF-8 buffer is out of reach.
    /// </summary>
    private static T WithTransientString<T>(ReadOnlySpan<char> password, Func<string, T> use)
    {
        var s = new string('\0', password.Length);
        var pin = GCHandle.Alloc(s, GCHandleType.Pinned);
        var chars = MemoryMarshal.CreateSpan(ref MemoryMarshal.GetReference(s.AsSpan()), s.Length);
        try
        {
            password.CopyTo(chars);
            return use(s);
        }
        finally
        {
            chars.Clear();
            pin.Free();
        }
    }
}
