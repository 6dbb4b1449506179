using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace NasBurnin.Engine.Inventory;

/// <summary>
/// Reads <c>zpool status</c> text (OpenZFS on Linux and FreeBSD, Solaris; with or without <c>-P -L -p</c>),
/// <c>zpool status -j</c> JSON (OpenZFS 2.3+) and <c>zpool list [-v]</c>; the format is detected. Nothing throws:
/// lines it does not understand are skipped.
/// </summary>
public static class ZpoolStatusParser
{
    private static readonly Regex PoolLine = new(@"^\s*pool:\s*(?<n>\S+)\s*$", RegexOptions.CultureInvariant);
    // Keys are right-aligned to the colon ("  pool:", " state:", "   see:"), never indented like the config table.
    private static readonly Regex KeyLine = new(@"^ {0,4}(?<k>[a-z]{2,12}):(?:\s(?<v>.*))?$", RegexOptions.CultureInvariant);
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

    // ------------------------------------------------------------------ text

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
                ChecksumErrors = Cksum, Note = Note, Children = Children.Select(c => c.ToVdev()).ToList(),
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
    }

    private static ZpoolStatus ParseText(string[] lines)
    {
        var pools = new List<PoolBuilder>();
        var warnings = new List<string>();
        PoolBuilder? pool = null;
        string? lastKey = null;
        string? baseIndent = null; // leading whitespace of the NAME header row
        var inConfig = false;
        var role = PoolRole.Member;
        var stack = new List<Node>();

        foreach (var line in lines)
        {
            var pm = PoolLine.Match(line);
            if (pm.Success)
            {
                pool = new PoolBuilder { Name = pm.Groups["n"].Value };
                pools.Add(pool);
                inConfig = false;
                baseIndent = null;
                lastKey = null;
                continue;
            }
            if (pool is null) continue;

            if (inConfig)
            {
                if (baseIndent is null)
                {
                    if (line.Trim().Length == 0) continue;
                    var t = line.TrimStart();
                    if (t.StartsWith("NAME", StringComparison.Ordinal) && t.Contains("STATE", StringComparison.Ordinal))
                    {
                        baseIndent = line[..(line.Length - t.Length)];
                        role = PoolRole.Member;
                        stack.Clear();
                        continue;
                    }
                    inConfig = false; // no table (e.g. "config:" followed directly by text)
                }
                else if (line.Trim().Length > 0 && line.StartsWith(baseIndent, StringComparison.Ordinal) && !KeyLine.IsMatch(line))
                {
                    ConfigRow(pool, line[baseIndent.Length..], ref role, stack);
                    continue;
                }
                else
                {
                    inConfig = false;
                    if (line.Trim().Length == 0) continue;
                }
            }

            var km = KeyLine.Match(line);
            if (km.Success)
            {
                var key = km.Groups["k"].Value;
                var value = km.Groups["v"].Value.Trim();
                switch (key)
                {
                    case "state": pool.State = value; lastKey = key; continue;
                    case "status": pool.Status = value; lastKey = key; continue;
                    case "errors": pool.Errors = pool.Errors is null ? value : pool.Errors + " " + value; lastKey = key; continue;
                    case "config": inConfig = true; baseIndent = null; lastKey = key; continue;
                    case "action" or "see" or "scan" or "remove" or "checkpoint" or "dedup": lastKey = key; continue;
                }
            }
            // Continuation of a multi-line "status:" text (indented with a tab or spaces).
            if (lastKey == "status" && line.Length > 0 && char.IsWhiteSpace(line[0]) && line.Trim().Length > 0)
                pool.Status += " " + line.Trim();
        }
        var result = pools.Select(p => p.Build()).ToList();
        foreach (var p in result.Where(p => p.Vdevs.Count == 0))
            warnings.Add($"zpool: pool '{p.Name}' has no configuration table in the output.");
        return new ZpoolStatus(result, warnings);
    }

    private static void ConfigRow(PoolBuilder pool, string row, ref PoolRole role, List<Node> stack)
    {
        var content = row.TrimStart(' ');
        var level = (row.Length - content.Length) / 2;
        var tokens = content.Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries);
        if (tokens.Length == 0) return;
        var name = tokens[0];

        if (level == 0)
        {
            stack.Clear();
            if (SectionRole(name) is { } r && (tokens.Length == 1 || tokens.Skip(1).All(t => t == "-")))
                role = r;
            else if (name == pool.Name)
            {
                role = PoolRole.Member;
                if (tokens.Length > 1) pool.State ??= tokens[1];
            }
            return;
        }

        var node = new Node { Name = name, Role = role, Level = level };
        if (tokens.Length > 1) node.State = tokens[1];
        var noteAt = 2;
        if (tokens.Length >= 5 && Count(tokens[2]) is { } rd && Count(tokens[3]) is { } wr && Count(tokens[4]) is { } ck)
        {
            node.Read = rd;
            node.Write = wr;
            node.Cksum = ck;
            noteAt = 5;
        }
        if (tokens.Length > noteAt) node.Note = string.Join(' ', tokens.Skip(noteAt));

        while (stack.Count > 0 && stack[^1].Level >= level) stack.RemoveAt(stack.Count - 1);
        if (stack.Count == 0) pool.Top.Add(node);
        else stack[^1].Children.Add(node);
        stack.Add(node);
    }

    /// <summary>An error counter: "0", "100980", or a scaled "1.2K" (zpool without -p).</summary>
    private static long? Count(string s)
    {
        if (long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return n;
        if (s.Length < 2) return null;
        var power = "KMGTPE".IndexOf(char.ToUpperInvariant(s[^1])) + 1;
        if (power == 0 || !double.TryParse(s[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return null;
        return (long)Math.Round(d * Math.Pow(1024, power));
    }

    // ------------------------------------------------------------------ zpool list [-v]

    private static ZpoolStatus ParseList(string[] lines)
    {
        var header = lines.First(l => l.Trim().Length > 0).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var health = Array.IndexOf(header, "HEALTH");
        var pools = new List<PoolBuilder>();
        PoolBuilder? pool = null;
        var role = PoolRole.Member;
        var stack = new List<Node>();
        foreach (var line in lines.SkipWhile(l => l.Trim().Length == 0).Skip(1))
        {
            if (line.Trim().Length == 0) continue;
            var content = line.TrimStart(' ', '\t');
            var level = (line.Length - content.Length) / 2;
            var t = content.Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries);
            var state = health >= 0 && health < t.Length && t[health] != "-" ? t[health] : null;
            if (level == 0)
            {
                stack.Clear();
                if (SectionRole(t[0]) is { } r && pool is not null && state is null) { role = r; continue; }
                pool = new PoolBuilder { Name = t[0], State = state };
                pools.Add(pool);
                role = PoolRole.Member;
                continue;
            }
            if (pool is null) continue;
            if (SectionRole(t[0]) is { } sr && state is null && level == 1) { role = sr; stack.Clear(); continue; }
            var node = new Node { Name = t[0], State = state, Role = role, Level = level };
            while (stack.Count > 0 && stack[^1].Level >= level) stack.RemoveAt(stack.Count - 1);
            if (stack.Count == 0) pool.Top.Add(node);
            else stack[^1].Children.Add(node);
            stack.Add(node);
        }
        return new ZpoolStatus(pools.Select(p => p.Build()).ToList(), Array.Empty<string>());
    }

    // ------------------------------------------------------------------ zpool status -j

    private static ZpoolStatus ParseJson(string text)
    {
        using var doc = JsonRead.TryParse(text, out var problem);
        if (doc is null) return new ZpoolStatus(Array.Empty<ZpoolPool>(), new[] { $"zpool: {problem}." });
        var pools = new List<ZpoolPool>();
        if (doc.RootElement.Get("pools") is { ValueKind: JsonValueKind.Object } map)
        {
            foreach (var p in map.EnumerateObject())
            {
                var name = p.Value.Get("name").Text() ?? p.Name;
                var vdevs = new List<ZpoolVdev>();
                // The root vdev's children are the top-level vdevs; spares, l2cache, logs may sit beside it.
                foreach (var root in Objects(p.Value.Get("vdevs")))
                {
                    if (root.Get("vdev_type").Text() == "root") vdevs.AddRange(Objects(root.Get("vdevs")).Select(v => JsonVdev(v, null)));
                    else vdevs.Add(JsonVdev(root, null));
                }
                foreach (var (key, r) in new[] { ("spares", PoolRole.Spare), ("l2cache", PoolRole.Cache), ("logs", PoolRole.Log), ("special", PoolRole.Special), ("dedup", PoolRole.Dedup) })
                    vdevs.AddRange(Objects(p.Value.Get(key)).Select(v => JsonVdev(v, r)));
                pools.Add(new ZpoolPool(name, p.Value.Get("state").Text(), p.Value.Get("status").Text(), p.Value.Get("error_count").Str(), vdevs));
            }
        }
        return new ZpoolStatus(pools, Array.Empty<string>());
    }

    private static IEnumerable<JsonElement> Objects(JsonElement? e) =>
        e is { ValueKind: JsonValueKind.Object } o ? o.EnumerateObject().Select(p => p.Value) : Enumerable.Empty<JsonElement>();

    private static ZpoolVdev JsonVdev(JsonElement v, PoolRole? role)
    {
        var type = v.Get("vdev_type").Text() ?? "disk";
        var cls = v.Get("class").Text();
        var r = role ?? cls switch
        {
            "special" => PoolRole.Special,
            "dedup" => PoolRole.Dedup,
            "log" or "logs" => PoolRole.Log,
            "l2cache" or "cache" => PoolRole.Cache,
            "spare" or "spares" => PoolRole.Spare,
            _ => PoolRole.Member,
        };
        var children = Objects(v.Get("vdevs")).Select(c => JsonVdev(c, r)).ToList();
        var kind = type switch
        {
            "disk" or "file" => "disk",
            "raidz" => "raidz" + (v.Get("nparity").Text() ?? "1"),
            _ => type,
        };
        return new ZpoolVdev
        {
            Name = v.Get("path").Text() ?? v.Get("name").Text() ?? "?",
            Kind = children.Count > 0 && kind == "disk" ? "group" : kind,
            Role = r,
            State = v.Get("state").Text(),
            ReadErrors = v.Get("read_errors").Long(),
            WriteErrors = v.Get("write_errors").Long(),
            ChecksumErrors = v.Get("checksum_errors").Long(),
            Note = v.Get("aux").Text() ?? v.Get("was").Text(),
            Children = children,
        };
    }
}
