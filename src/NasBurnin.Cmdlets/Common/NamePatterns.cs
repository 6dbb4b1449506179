using NasBurnin.Engine.Common;

namespace NasBurnin.Common;

/// <summary>
/// The wildcard parameters (-HostName, -Serial, -UserName, -Type) parsed once by the engine's
/// <see cref="Wildcard"/>: an invalid pattern stops the cmdlet with InvalidWildcard naming it.
/// </summary>
internal static class NamePatterns
{
    public static Wildcard? Parse(BurninCmdlet cmdlet, string? pattern) =>
        pattern is null ? null : cmdlet.Terminating(() => Wildcard.Parse(pattern), pattern);

    public static IReadOnlyList<Wildcard>? Parse(BurninCmdlet cmdlet, IEnumerable<string>? patterns) =>
        patterns?.Select(p => Parse(cmdlet, p)!).ToList();

    /// <summary>
    /// Writes <paramref name="notFound"/>'s error for each pattern without wildcards that matched none of
    /// <paramref name="found"/>, like Get-Item does for a name; a wildcard that matches nothing is just empty.
    /// </summary>
    public static void ReportUnmatched(BurninCmdlet cmdlet, IEnumerable<Wildcard> patterns, IEnumerable<string?> found,
        Func<string, BurninException> notFound)
    {
        var names = found.Where(n => n is not null).ToList();
        foreach (var p in patterns.Where(p => !p.HasWildcards))
            if (!names.Any(p.IsMatch))
                cmdlet.WriteError(ErrorRecords.From(notFound(p.Literal!), p.Literal));
    }
}
