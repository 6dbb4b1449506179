using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace NasBurnin.Engine.Inventory;

/// <summary>One section of the inventory script's output. <see cref="ExitCode"/> is null when the section was cut off.</summary>
public sealed record InventorySection(string Name, string Output, string Error, int? ExitCode)
{
    public bool Truncated => ExitCode is null;

    /// <summary>127: the shell did not find the tool.</summary>
    public bool ToolMissing => ExitCode == 127;

    /// <summary>The first line of stderr, for warnings.</summary>
    public string? FirstErrorLine => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
}

/// <summary>The inventory script's stdout split into its sections (see <see cref="InventoryScript"/>).</summary>
public sealed class InventoryOutput
{
    private const string Prefix = "===NASBURNIN:";
    private static readonly Regex Begin = new(@"^===NASBURNIN:BEGIN (?<n>[^=\n]{1,200})===$", RegexOptions.CultureInvariant);
    private static readonly Regex StdErr = new(@"^===NASBURNIN:STDERR (?<n>[^=\n]{1,200})===$", RegexOptions.CultureInvariant);
    private static readonly Regex End = new(@"^===NASBURNIN:END (?<n>[^=\n]{1,200}) rc=(?<rc>[0-9]{1,9})===$", RegexOptions.CultureInvariant);
    private const string Done = "===NASBURNIN:DONE===";
    private const string SmartctlPrefix = "smartctl ";

    private readonly Dictionary<string, InventorySection> _sections;

    private InventoryOutput(Dictionary<string, InventorySection> sections, List<string> order, bool complete, List<string> warnings)
    {
        _sections = sections;
        Order = order;
        Complete = complete;
        Warnings = warnings;
    }

    /// <summary>Section names in the order the host printed them.</summary>
    public IReadOnlyList<string> Order { get; }

    /// <summary>True when the script ran to its end marker (the channel did not drop mid-way).</summary>
    public bool Complete { get; }

    /// <summary>Problems with the output itself (cut-off sections, duplicates).</summary>
    public IReadOnlyList<string> Warnings { get; }

    public IReadOnlyCollection<InventorySection> Sections => _sections.Values;

    public InventorySection? Get(string name) => _sections.TryGetValue(name, out var s) ? s : null;

    /// <summary>The smartctl sections as (device path as printed, section); callers validate the path.</summary>
    public IEnumerable<(string Device, InventorySection Section)> SmartctlSections =>
        Order.Where(n => n.StartsWith(SmartctlPrefix, StringComparison.Ordinal))
             .Select(n => (n[SmartctlPrefix.Length..], _sections[n]));

    /// <summary>The key=value lines of the <c>meta</c> section.</summary>
    public IReadOnlyDictionary<string, string> Meta
    {
        get
        {
            var d = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var line in (Get("meta")?.Output ?? "").Split('\n'))
            {
                var i = line.IndexOf('=');
                if (i > 0) d[line[..i].Trim()] = line[(i + 1)..].Trim();
            }
            return d;
        }
    }

    /// <summary>Splits the script's stdout. Text outside sections (login banners) is ignored; nothing throws.</summary>
    public static InventoryOutput Parse(string? stdout)
    {
        var reader = new SectionReader();
        foreach (var raw in (stdout ?? "").Split('\n'))
            reader.Line(raw.EndsWith('\r') ? raw[..^1] : raw);
        return reader.Finish();
    }

    /// <summary>Reads the output line by line: markers open, switch and close sections; other lines are their text.</summary>
    private sealed class SectionReader
    {
        private readonly Dictionary<string, InventorySection> _sections = new(StringComparer.Ordinal);
        private readonly List<string> _order = new();
        private readonly List<string> _warnings = new();
        private bool _complete;
        private string? _name;
        private StringBuilder _output = new(), _error = new();
        private bool _inError;

        public void Line(string line)
        {
            if (line.StartsWith(Prefix, StringComparison.Ordinal) && Marker(line)) return;
            if (_name is null) return;
            (_inError ? _error : _output).Append(line).Append('\n');
        }

        public InventoryOutput Finish()
        {
            Close(null);
            if (!_complete) _warnings.Add("The inventory output ends before the script's end marker: the connection dropped or the script was stopped.");
            return new InventoryOutput(_sections, _order, _complete, _warnings);
        }

        /// <summary>Handles a marker line; false when the line only looks like one (then it is section text).</summary>
        private bool Marker(string line)
        {
            Match m;
            if ((m = Begin.Match(line)).Success)
            {
                Close(null);
                (_name, _output, _error, _inError) = (m.Groups["n"].Value, new StringBuilder(), new StringBuilder(), false);
                return true;
            }
            if (_name is not null && (m = StdErr.Match(line)).Success && m.Groups["n"].Value == _name)
            {
                _inError = true;
                return true;
            }
            if (_name is not null && (m = End.Match(line)).Success && m.Groups["n"].Value == _name)
            {
                Close(int.Parse(m.Groups["rc"].Value, CultureInfo.InvariantCulture));
                return true;
            }
            if (line != Done) return false;
            Close(null);
            _complete = true;
            return true;
        }

        /// <summary>Ends the open section; a null exit code means it was cut off.</summary>
        private void Close(int? rc)
        {
            if (_name is null) return;
            if (rc is null) _warnings.Add($"The '{_name}' section of the inventory output is cut off.");
            if (_sections.ContainsKey(_name)) _warnings.Add($"The inventory output has the '{_name}' section twice; the last one counts.");
            else _order.Add(_name);
            _sections[_name] = new InventorySection(_name, Joined(_output), Joined(_error), rc);
            _name = null;
        }
    }

    // The script prints a newline before each marker, so the captured text is everything up to that newline.
    private static string Joined(StringBuilder sb) => sb.Length > 0 ? sb.ToString(0, sb.Length - 1) : "";
}
