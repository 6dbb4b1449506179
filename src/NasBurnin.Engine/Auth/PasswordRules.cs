using System.Text;
using NasBurnin.Engine.Common;

namespace NasBurnin.Engine.Auth;

/// <summary>What a new password must satisfy: long enough, not the user name, within bcrypt's 72 bytes. Messages describe the rule, never the password.</summary>
public static class PasswordRules
{
    public const int MinLength = 8;

    /// <summary>bcrypt reads only the first 72 bytes of UTF-8; longer passwords would be silently cut.</summary>
    public const int MaxUtf8Bytes = 72;

    public static void Validate(ReadOnlySpan<char> password, string userName)
    {
        if (password.Length < MinLength)
            throw new BurninException("PasswordTooShort", ErrorKind.InvalidArgument,
                $"The new password for '{userName}' is too short. A password needs at least {MinLength} characters.") { Target = userName };
        // The first guess of anyone who knows the user name (and the audit trail shows user names).
        if (password.Trim().Equals(userName.Trim(), StringComparison.OrdinalIgnoreCase))
            throw new BurninException("PasswordIsUserName", ErrorKind.InvalidArgument,
                $"The new password for '{userName}' is the user name itself. Choose a password that is not the user name.") { Target = userName };
        if (Encoding.UTF8.GetByteCount(password) > MaxUtf8Bytes)
            throw new BurninException("PasswordTooLong", ErrorKind.InvalidArgument,
                $"The new password for '{userName}' is too long. bcrypt uses at most {MaxUtf8Bytes} bytes of UTF-8 (72 ASCII characters, fewer with accented or other non-ASCII letters).") { Target = userName };
    }
}
