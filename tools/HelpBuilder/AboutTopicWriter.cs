using System.Text;

namespace HelpBuilder;

/// <summary>
/// Turns an about_*.md page into the plain-text about_*.help.txt that Get-Help shows: headings become
/// upper-case lines, body text is indented four spaces, code fences are kept verbatim and indented.
/// </summary>
internal static class AboutTopicWriter
{
    public static string Write(string markdown)
    {
        var sb = new StringBuilder();
        var inFence = false;
        foreach (var raw in markdown.Replace("\r\n", "\n").Split('\n'))
        {
            var line = raw.TrimEnd();
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal)) { inFence = !inFence; continue; }
            if (inFence) { sb.Append("        ").Append(line).Append('\n'); continue; }
            if (line.StartsWith("# ", StringComparison.Ordinal)) { sb.Append("TOPIC\n    ").Append(line[2..].Trim().ToLowerInvariant()).Append("\n\n"); continue; }
            if (line.StartsWith("#", StringComparison.Ordinal)) { sb.Append(line.TrimStart('#').Trim().ToUpperInvariant()).Append('\n'); continue; }
            sb.Append(line.Length == 0 ? "" : "    " + line).Append('\n');
        }
        return sb.ToString();
    }
}
