using System.Globalization;
using System.Text.RegularExpressions;

namespace NasBurnin.Engine.Inventory;

public static partial class ZpoolStatusParser
{
    // Keys are right-aligned to the colon ("  pool:", " state:", "   see:"), never indented like the config table.
    private static readonly Regex KeyLine = new(@"^ {0,4}(?<k>[a-z]{2,12}):(?:\s(?<v>.*))?$", RegexOptions.CultureInvariant);

    private static ZpoolStatus ParseText(string[] lines)
    {
        var reader = new TextReader();
        foreach (var line in lines) reader.Read(line);
        var pools = reader.Pools.Select(p => p.Build()).ToList();
        var warnings = pools.Where(p => p.Vdevs.Count == 0)
            .Select(p => $"zpool: pool '{p.Name}' has no configuration table in the output.").ToList();
        return new ZpoolStatus(pools, warnings);
    }

    /// <summary>
    /// Reads <c>zpool status</c> text line by line: "pool:" starts a pool, keys ("state:", "status:", "errors:")
    /// fill it, and the table after "config:" (from its NAME header to the first line that leaves its indent)
    /// gives the vdevs, nested by indent, with section headings (logs, cache, spares…) setting the role.
    /// </summary>
    private sealed class TextReader
    {
        public readonly List<PoolBuilder> Pools = new();
        private PoolBuilder? _pool;
        private string? _lastKey;
        private string? _baseIndent; // leading whitespace of the NAME header row
        private bool _inConfig;
        private PoolRole _role;
        private readonly List<Node> _stack = new();

        public void Read(string line)
        {
            if (StartsPool(line) || _pool is null) return;
            if (_inConfig && ReadConfig(line)) return;
            if (ReadKey(line)) return;
            // Continuation of a multi-line "status:" text (indented with a tab or spaces).
            if (_lastKey == "status" && line.Length > 0 && char.IsWhiteSpace(line[0]) && line.Trim().Length > 0)
                _pool.Status += " " + line.Trim();
        }

        private bool StartsPool(string line)
        {
            var pm = PoolLine.Match(line);
            if (!pm.Success) return false;
            _pool = new PoolBuilder { Name = pm.Groups["n"].Value };
            Pools.Add(_pool);
            (_inConfig, _baseIndent, _lastKey) = (false, null, null);
            return true;
        }

        /// <summary>One line while in the config part; false when it ends the table and is read as a key line instead.</summary>
        private bool ReadConfig(string line)
        {
            var blank = line.Trim().Length == 0;
            if (_baseIndent is null)
            {
                if (blank) return true;
                var t = line.TrimStart();
                if (t.StartsWith("NAME", StringComparison.Ordinal) && t.Contains("STATE", StringComparison.Ordinal))
                {
                    _baseIndent = line[..(line.Length - t.Length)];
                    _role = PoolRole.Member;
                    _stack.Clear();
                    return true;
                }
                _inConfig = false; // no table (e.g. "config:" followed directly by text)
                return false;
            }
            if (!blank && line.StartsWith(_baseIndent, StringComparison.Ordinal) && !KeyLine.IsMatch(line))
            {
                ConfigRow(line[_baseIndent.Length..]);
                return true;
            }
            _inConfig = false;
            return blank;
        }

        private bool ReadKey(string line)
        {
            var km = KeyLine.Match(line);
            if (!km.Success) return false;
            var key = km.Groups["k"].Value;
            var value = km.Groups["v"].Value.Trim();
            switch (key)
            {
                case "state": _pool!.State = value; break;
                case "status": _pool!.Status = value; break;
                case "errors": _pool!.Errors = _pool.Errors is null ? value : _pool.Errors + " " + value; break;
                case "config": (_inConfig, _baseIndent) = (true, null); break;
                case "action" or "see" or "scan" or "remove" or "checkpoint" or "dedup": break;
                default: return false;
            }
            _lastKey = key;
            return true;
        }

        /// <summary>A table row: the pool's own row or a section heading at level 0, else a vdev.</summary>
        private void ConfigRow(string row)
        {
            var content = row.TrimStart(' ');
            var level = (row.Length - content.Length) / 2;
            var tokens = content.Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries);
            if (tokens.Length == 0) return;
            if (level > 0)
            {
                _pool!.Attach(VdevRow(tokens, level, _role), _stack);
                return;
            }
            _stack.Clear();
            if (SectionRole(tokens[0]) is { } r && (tokens.Length == 1 || tokens.Skip(1).All(t => t == "-")))
                _role = r;
            else if (tokens[0] == _pool!.Name)
            {
                _role = PoolRole.Member;
                if (tokens.Length > 1) _pool.State ??= tokens[1];
            }
        }
    }

    /// <summary>NAME STATE [READ WRITE CKSUM] [note…]; a spare row has no counters ("sdk1 INUSE currently in use").</summary>
    private static Node VdevRow(string[] tokens, int level, PoolRole role)
    {
        var node = new Node { Name = tokens[0], Role = role, Level = level };
        if (tokens.Length > 1) node.State = tokens[1];
        var noteAt = 2;
        if (tokens.Length >= 5 && Count(tokens[2]) is { } rd && Count(tokens[3]) is { } wr && Count(tokens[4]) is { } ck)
        {
            (node.Read, node.Write, node.Cksum) = (rd, wr, ck);
            noteAt = 5;
        }
        if (tokens.Length > noteAt) node.Note = string.Join(' ', tokens.Skip(noteAt));
        return node;
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
}
