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
        var sections = new Dictionary<string, InventorySection>(StringComparer.Ordinal);
        var order = new List<string>();
        var warnings = new List<string>();
        var complete = false;
        string? name = null;
        StringBuilder? output = null, error = null;
        var inError = false;

        void Close(int? rc)
        {
            if (name is null) return;
            if (rc is null) warnings.Add($"The '{name}' section of the inventory output is cut off.");
            if (sections.ContainsKey(name)) warnings.Add($"The inventory output has the '{name}' section twice; the last one counts.");
            else order.Add(name);
            sections[name] = new InventorySection(name, Joined(output!), Joined(error!), rc);
            name = null;
        }

        foreach (var raw in (stdout ?? "").Split('\n'))
        {
            var line = raw.EndsWith('\r') ? raw[..^1] : raw;
            if (line.StartsWith(Prefix, StringComparison.Ordinal))
            {
                Match m;
                if ((m = Begin.Match(line)).Success)
                {
                    Close(null);
                    name = m.Groups["n"].Value;
                    output = new StringBuilder();
                    error = new StringBuilder();
                    inError = false;
                    continue;
                }
                if (name is not null && (m = StdErr.Match(line)).Success && m.Groups["n"].Value == name)
                {
                    inError = true;
                    continue;
                }
                if (name is not null && (m = End.Match(line)).Success && m.Groups["n"].Value == name)
                {
                    Close(int.Parse(m.Groups["rc"].Value, CultureInfo.InvariantCulture));
                    continue;
                }
                if (line == Done)
                {
                    Close(null);
                    complete = true;
                    continue;
                }
            }
            if (name is null) continue;
            var sb = inError ? error! : output!;
            sb.Append(line).Append('\n');
        }
        Close(null);
        if (!complete) warnings.Add("The inventory output ends before the script's end marker: the connection dropped or the script was stopped.");
        return new InventoryOutput(sections, order, complete, warnings);
    }

    // The script prints a newline before each marker, so the captured text is everything up to that newline.
    private static string Joined(StringBuilder sb) => sb.Length > 0 ? sb.ToString(0, sb.Length - 1) : "";
}
