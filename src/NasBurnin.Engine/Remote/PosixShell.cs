using System.Text;
using System.Text.RegularExpressions;
using NasBurnin.Engine.Common;

namespace NasBurnin.Engine.Remote;

/// <summary>
/// The one place where values become POSIX sh text. Every remote command is an argument vector
/// quoted here; no user value is ever pasted into a command string any other way.
/// </summary>
public static class PosixShell
{
    // Words made only of these characters need no quoting; everything else is single-quoted.
    private static readonly Regex Plain = new(@"^[A-Za-z0-9_@%+=:,./-]+\z", RegexOptions.CultureInvariant);

    /// <summary>Quotes one argument: 'it'\''s' style, safe for any byte sequence except NUL.</summary>
    public static string Quote(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Contains('\0'))
            throw new BurninException("ShellArgumentHasNul", ErrorKind.InvalidArgument,
                "A command argument contains a NUL character, which no POSIX command line can carry.") { Target = value };
        if (value.Length > 0 && Plain.IsMatch(value))
            return value;
        return "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }

    /// <summary>Joins an argument vector into one command line, quoting every element.</summary>
    public static string Join(IEnumerable<string> argv)
    {
        var sb = new StringBuilder();
        foreach (var a in argv)
        {
            if (sb.Length > 0) sb.Append(' ');
            sb.Append(Quote(a));
        }
        if (sb.Length == 0) throw new ArgumentException("An empty command.", nameof(argv));
        return sb.ToString();
    }

    public static string Join(params string[] argv) => Join((IEnumerable<string>)argv);
}
