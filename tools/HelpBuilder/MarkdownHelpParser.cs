using System.Text;
using System.Text.RegularExpressions;

namespace HelpBuilder;

/// <summary>
/// Reads the platyPS v1 markdown schema (schema: 2.0.0): `# Name`, `## SYNOPSIS`, `## SYNTAX`,
/// `## DESCRIPTION`, `## EXAMPLES` (`### Example N: title`, a code fence, remarks),
/// `## PARAMETERS` (`### -Name`, description, a yaml fence), `## INPUTS`, `## OUTPUTS`, `## NOTES`,
/// `## RELATED LINKS`. Anything it cannot read is an error naming the file and line, so broken help
/// fails the build instead of shipping empty.
/// </summary>
internal static class MarkdownHelpParser
{
    private static readonly Regex LinkLine = new(@"^\[(?<text>[^\]]*)\]\((?<uri>[^)]*)\)", RegexOptions.CultureInvariant);

    public static CommandHelp Parse(string text, string file)
    {
        var lines = text.Replace("\r\n", "\n").Split('\n');
        var help = new CommandHelp();
        var i = SkipFrontMatter(lines);
        string? section = null;
        while (i < lines.Length)
        {
            var line = lines[i];
            if (line.StartsWith("# ", StringComparison.Ordinal))
            {
                help.Name = line[2..].Trim();
                i++;
            }
            else if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                section = line[3..].Trim().ToUpperInvariant();
                i++;
                switch (section)
                {
                    case "SYNOPSIS": help.Synopsis = string.Join(" ", ReadParagraphs(lines, ref i)); break;
                    case "DESCRIPTION": help.Description.AddRange(ReadParagraphs(lines, ref i)); break;
                    case "NOTES": help.Notes.AddRange(ReadParagraphs(lines, ref i)); break;
                    case "RELATED LINKS":
                        foreach (var p in ReadParagraphs(lines, ref i))
                            foreach (Match m in LinkLine.Matches(p)) help.Links.Add((m.Groups["text"].Value, m.Groups["uri"].Value));
                        break;
                    case "SYNTAX": SkipToNextSection(lines, ref i); break;
                }
            }
            else if (line.StartsWith("### ", StringComparison.Ordinal))
            {
                var title = line[4..].Trim();
                i++;
                switch (section)
                {
                    case "EXAMPLES": help.Examples.Add(ReadExample(title, lines, ref i, file)); break;
                    case "PARAMETERS":
                        if (title == "CommonParameters") ReadParagraphs(lines, ref i);
                        else help.Parameters.Add(ReadParameter(title, lines, ref i, file));
                        break;
                    case "INPUTS": help.Inputs.Add(new TypeHelp(title, ReadParagraphs(lines, ref i))); break;
                    case "OUTPUTS": help.Outputs.Add(new TypeHelp(title, ReadParagraphs(lines, ref i))); break;
                    default: ReadParagraphs(lines, ref i); break;
                }
            }
            else
            {
                i++;
            }
        }
        if (help.Name.Length == 0) throw new FormatException($"{file}: no '# Command-Name' heading.");
        if (help.Synopsis.Length == 0) throw new FormatException($"{file}: the SYNOPSIS section is empty.");
        return help;
    }

    private static int SkipFrontMatter(string[] lines)
    {
        if (lines.Length == 0 || lines[0].Trim() != "---") return 0;
        for (var i = 1; i < lines.Length; i++)
            if (lines[i].Trim() == "---") return i + 1;
        return lines.Length;
    }

    private static void SkipToNextSection(string[] lines, ref int i)
    {
        var inFence = false;
        while (i < lines.Length && (inFence || !lines[i].StartsWith("## ", StringComparison.Ordinal)))
        {
            if (lines[i].TrimStart().StartsWith("```", StringComparison.Ordinal)) inFence = !inFence;
            i++;
        }
    }

    /// <summary>Reads blank-line separated paragraphs up to the next heading or code fence.</summary>
    private static List<string> ReadParagraphs(string[] lines, ref int i)
    {
        var result = new List<string>();
        var current = new StringBuilder();
        void Flush()
        {
            if (current.Length > 0) result.Add(current.ToString().Trim());
            current.Clear();
        }
        while (i < lines.Length && !lines[i].StartsWith('#') && !lines[i].TrimStart().StartsWith("```", StringComparison.Ordinal))
        {
            var l = lines[i].TrimEnd();
            if (l.Length == 0) Flush();
            else
            {
                // List items start their own line, like platyPS keeps them.
                if (current.Length > 0) current.Append(l.TrimStart().StartsWith("- ", StringComparison.Ordinal) ? "\n" : " ");
                current.Append(l.Trim());
            }
            i++;
        }
        Flush();
        return result;
    }

    private static string ReadFence(string[] lines, ref int i, string file)
    {
        while (i < lines.Length && lines[i].Trim().Length == 0) i++;
        if (i >= lines.Length || !lines[i].TrimStart().StartsWith("```", StringComparison.Ordinal))
            throw new FormatException($"{file}:{i + 1}: expected a ``` code fence.");
        i++;
        var sb = new StringBuilder();
        while (i < lines.Length && !lines[i].TrimStart().StartsWith("```", StringComparison.Ordinal))
            sb.Append(lines[i++]).Append('\n');
        if (i >= lines.Length) throw new FormatException($"{file}: a code fence is not closed.");
        i++;
        return sb.ToString().TrimEnd('\n');
    }

    private static ExampleHelp ReadExample(string title, string[] lines, ref int i, string file)
    {
        var before = ReadParagraphs(lines, ref i);
        var code = ReadFence(lines, ref i, file);
        var remarks = ReadParagraphs(lines, ref i);
        remarks.InsertRange(0, before);
        return new ExampleHelp(title, code, remarks);
    }

    private static ParameterHelp ReadParameter(string title, string[] lines, ref int i, string file)
    {
        var p = new ParameterHelp { Name = title.TrimStart('-').Trim() };
        p.Description.AddRange(ReadParagraphs(lines, ref i));
        var yaml = ReadFence(lines, ref i, file);
        foreach (var raw in yaml.Split('\n'))
        {
            var colon = raw.IndexOf(':');
            if (colon < 0) continue;
            var key = raw[..colon].Trim();
            var value = raw[(colon + 1)..].Trim();
            switch (key)
            {
                case "Type": p.Type = value; break;
                case "Parameter Sets": p.ParameterSets.AddRange(value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)); break;
                case "Aliases": p.Aliases = value; break;
                case "Required": p.Required = value.StartsWith("True", StringComparison.OrdinalIgnoreCase); break;
                case "Position": p.Position = value.Length == 0 ? "Named" : value; break;
                case "Default value": p.DefaultValue = value.Length == 0 ? "None" : value; break;
                case "Accept pipeline input": p.PipelineInput = value.Length == 0 ? "False" : value; break;
                case "Accept wildcard characters": p.Wildcards = value.StartsWith("True", StringComparison.OrdinalIgnoreCase); break;
            }
        }
        if (p.Description.Count == 0) throw new FormatException($"{file}: parameter -{p.Name} has no description.");
        return p;
    }
}
