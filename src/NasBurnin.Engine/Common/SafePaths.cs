using System.Text.RegularExpressions;

namespace NasBurnin.Engine.Common;

/// <summary>
/// The one rule for paths that end up in commands on a NAS (work folders, tool paths), shared by the
/// host settings (Connect-BurninHost, Set-BurninHost) and the store-wide HostWorkDir setting
/// (Set-BurninConfig), so a folder accepted in one place is never refused in the other.
/// </summary>
public static class SafePaths
{
    private static readonly Regex Rule = new(@"^/[A-Za-z0-9._+/-]{0,255}\z", RegexOptions.CultureInvariant);

    /// <summary>What is accepted, for error messages.</summary>
    public const string Accepted = "an absolute POSIX path of letters, digits and . _ + - / without '..', spaces or shell characters";

    /// <summary>Absolute paths of letters, digits and . _ + - / only, with no '..' component.</summary>
    public static bool IsSafe(string path) => Rule.IsMatch(path) && !path.Split('/').Contains("..");
}
