using System.Management.Automation;
using NasBurnin.Engine.Remote;

namespace NasBurnin.Common;

/// <summary>Finds the registered hosts a cmdlet was asked about (-HostName, -Port).</summary>
internal static class HostSelection
{
    /// <summary>
    /// Hosts matching <paramref name="names"/> (all hosts when none is given). With
    /// <paramref name="allowWildcards"/>, * and ? match; a name without wildcards that matches nothing
    /// is a HostNotFound error for that name (written, not thrown), like Get-Item.
    /// </summary>
    public static List<HostRecord> Resolve(BurninCmdlet cmdlet, string[]? names, int? port, bool allowWildcards = true)
    {
        var repo = new HostRepository(cmdlet.Store);
        if (names is null || names.Length == 0) return repo.List(null, port).ToList();
        var found = new List<HostRecord>();
        foreach (var name in names)
        {
            var wildcard = allowWildcards && WildcardPattern.ContainsWildcardCharacters(name);
            var matches = wildcard ? repo.List(name, port) : repo.ListNamed(name, port);
            if (matches.Count == 0 && !wildcard)
                cmdlet.WriteError(ErrorRecords.From(HostErrors.NotFound(name, port), name));
            found.AddRange(matches.Where(m => found.All(f => f.Id != m.Id)));
        }
        return found;
    }
}
