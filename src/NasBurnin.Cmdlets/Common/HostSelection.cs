using NasBurnin.Engine.Common;
using NasBurnin.Engine.Remote;

namespace NasBurnin.Common;

/// <summary>Finds the registered hosts a cmdlet was asked about (-HostName, -Port).</summary>
internal static class HostSelection
{
    /// <summary>
    /// Hosts matching <paramref name="names"/> (all hosts when none is given). With
    /// <paramref name="allowWildcards"/>, names are PowerShell wildcards (<see cref="Wildcard"/>); a name
    /// without wildcards that matches nothing is a HostNotFound error for that name (written, not thrown), like Get-Item.
    /// </summary>
    public static List<HostRecord> Resolve(BurninCmdlet cmdlet, string[]? names, int? port, bool allowWildcards = true)
    {
        var hosts = new HostsFacade(cmdlet.Store);
        if (names is null || names.Length == 0) return hosts.Matching(null, port).ToList();
        var found = new List<HostRecord>();
        foreach (var name in names)
        {
            var pattern = allowWildcards ? NamePatterns.Parse(cmdlet, name)! : Wildcard.Exact(name);
            var matches = hosts.Matching(pattern, port);
            if (matches.Count == 0 && !pattern.HasWildcards)
                cmdlet.WriteError(ErrorRecords.From(HostErrors.NotFound(pattern.Literal!, port), pattern.Literal));
            found.AddRange(matches.Where(m => found.All(f => f.Id != m.Id)));
        }
        return found;
    }
}
