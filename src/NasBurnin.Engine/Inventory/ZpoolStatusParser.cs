using System.Globalization;
using System.Text.RegularExpressions;

namespace NasBurnin.Engine.Inventory;

/// <summary>
/// Reads <c>zpool status</c> text (OpenZFS on Linux and FreeBSD, Solaris; with or without <c>-P -L -p</c>),
/// <c>zpool status -j</c> JSON (OpenZFS 2.3+) and <c>zpool list [-v]</c>; the format is detected. Nothing throws:
/// lines it does not understand are skipped.
/// </summary>
public static partial class ZpoolStatusParser
{
    private static readonly Regex PoolLine = new(@"^\s*pool:\s*(?<n>\S+)\s*$", RegexOptions.CultureInvariant);
    private static readonly Regex GroupName = new(@"^(?<k>mirror|raidz[1-3]?|draid[1-3]?(?::[0-9a-z]+)*|replacing|spare|indirect)-[0-9]+$", RegexOptions.CultureInvariant);

    public static ZpoolStatus Parse(string? text)
    {
        text ??= "";
        var trimmed = text.TrimStart();
        if (trimmed.StartsWith('{')) return ParseJson(text);
        var lines = text.Replace("\r", "", StringComparison.Ordinal).Split('\n');
        if (!lines.Any(l => PoolLine.IsMatch(l)) && lines.FirstOrDefault(l => l.Trim().Length > 0) is { } first &&
            first.TrimStart().StartsWith("NAME", StringComparison.Ordinal) && first.Contains("HEALTH", StringComparison.Ordinal))
            return ParseList(lines);
        return ParseText(lines);
    }

    /// <summary>
    /// Pool GUIDs by name from <c>zpool list -H -o name,guid</c> (tab or space separated); lines that are not
    /// a name and a decimal GUID are skipped.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ParseGuids(string? text)
    {
        var guids = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in (text ?? "").Split('\n'))
        {
            var f = line.Split(new[] { '\t', ' ' }, StringSplitOptions.RemoveEmptyEntries);
            if (f.Length == 2 && ulong.TryParse(f[1], NumberStyles.None, CultureInfo.InvariantCulture, out _)) guids[f[0]] = f[1];
        }
        return guids;
    }

    /// <summary>The same status with each pool's GUID filled in from <paramref name="guids"/> where it had none.</summary>
    public static ZpoolStatus WithGuids(ZpoolStatus status, IReadOnlyDictionary<string, string> guids) =>
        guids.Count == 0 ? status : status with
        {
            Pools = status.Pools.Select(p => p.Guid is null && guids.TryGetValue(p.Name, out var g) ? p with { Guid = g } : p).ToList(),
        };

    /// <summary>The section heading that puts the devices below it in a role, or null.</summary>
    internal static PoolRole? SectionRole(string name) => name switch
    {
        "logs" or "log" => PoolRole.Log,
        "cache" or "l2cache" => PoolRole.Cache,
        "spares" or "spare" => PoolRole.Spare,
        "special" => PoolRole.Special,
        "dedup" => PoolRole.Dedup,
        _ => null,
    };

    /// <summary>The path in a "was /dev/sdb1" note (a device that is not present, listed by GUID), or null.</summary>
    internal static string? WasPath(string? note) =>
        note is not null && note.StartsWith("was ", StringComparison.Ordinal) && note[4..].Trim() is { Length: > 0 } path ? path : null;

    /// <summary>A vdev of the config table while it is being read: text and list output nest these by indent.</summary>
    private sealed class Node
    {
        public required string Name;
        public string? State;
        public long? Read, Write, Cksum;
        public string? Note;
        public PoolRole Role;
        public int Level;
        public readonly List<Node> Children = new();

        public ZpoolVdev ToVdev()
        {
            var group = GroupName.Match(Name);
            var kind = group.Success ? KindOf(group.Groups["k"].Value) : Children.Count > 0 ? "group" : "disk";
            return new ZpoolVdev
            {
                Name = Name, Kind = kind, Role = Role, State = State, ReadErrors = Read, WriteErrors = Write,
                ChecksumErrors = Cksum, Note = Note, Was = WasPath(Note), Children = Children.Select(c => c.ToVdev()).ToList(),
            };
        }
    }

    private static string KindOf(string prefix) =>
        prefix.StartsWith("draid", StringComparison.Ordinal) ? "draid" : prefix == "raidz" ? "raidz1" : prefix;

    private sealed class PoolBuilder
    {
        public required string Name;
        public string? State, Status, Errors;
        public readonly List<Node> Top = new();
        public ZpoolPool Build() => new(Name, State, Status, Errors, Top.Select(n => n.ToVdev()).ToList());

        /// <summary>Puts a node under the nearest shallower node on the stack, or at the top.</summary>
        public void Attach(Node node, List<Node> stack)
        {
            while (stack.Count > 0 && stack[^1].Level >= node.Level) stack.RemoveAt(stack.Count - 1);
            if (stack.Count == 0) Top.Add(node);
            else stack[^1].Children.Add(node);
            stack.Add(node);
        }
    }
}
