using System.Text;
using System.Text.RegularExpressions;

namespace NasBurnin.Engine.Inventory;

/// <summary>
/// Filters for Get-BurninDrive; null or empty means "any". The same <see cref="Matches"/> serves live
/// inventories and the store, so -Offline filters exactly like a live call.
/// </summary>
public sealed record DriveQuery
{
    /// <summary>Host names, case-insensitive, exact.</summary>
    public IReadOnlyList<string>? HostNames { get; init; }
    /// <summary>Serial as a PowerShell wildcard (* ? [a-z]), case-insensitive.</summary>
    public string? Serial { get; init; }
    public IReadOnlyList<DriveRole>? Roles { get; init; }
    public IReadOnlyList<DriveTransport>? Transports { get; init; }
    /// <summary>Also return stored drives their host no longer has (only meaningful for the store).</summary>
    public bool IncludeMissing { get; init; } = true;

    public bool Matches(DriveInfo d) =>
        (HostNames is not { Count: > 0 } || HostNames.Contains(d.HostName, StringComparer.OrdinalIgnoreCase)) &&
        (Serial is null || (d.Serial is not null && Wildcard.IsMatch(Serial, d.Serial))) &&
        (Roles is not { Count: > 0 } || Roles.Contains(d.Role)) &&
        (Transports is not { Count: > 0 } || Transports.Contains(d.Transport)) &&
        (IncludeMissing || d.MissingSince is null);
}

/// <summary>PowerShell-style wildcards: * any run, ? one character, [abc] / [a-z] a set, ` escapes.</summary>
public static class Wildcard
{
    public static bool IsMatch(string pattern, string value) =>
        Regex.IsMatch(value, ToRegex(pattern), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    private static string ToRegex(string pattern)
    {
        var sb = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            switch (c)
            {
                case '`' when i + 1 < pattern.Length:
                    sb.Append(Regex.Escape(pattern[++i].ToString()));
                    break;
                case '*': sb.Append(".*"); break;
                case '?': sb.Append('.'); break;
                case '[':
                    var end = pattern.IndexOf(']', i + 1);
                    if (end <= i + 1) { sb.Append(@"\["); break; }
                    var set = pattern[(i + 1)..end];
                    sb.Append('[').Append(set.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("^", @"\^", StringComparison.Ordinal)).Append(']');
                    i = end;
                    break;
                default: sb.Append(Regex.Escape(c.ToString())); break;
            }
        }
        return sb.Append('$').ToString();
    }
}
