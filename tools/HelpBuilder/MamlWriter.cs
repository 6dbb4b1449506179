using System.Xml.Linq;

namespace HelpBuilder;

/// <summary>Writes the MAML that Get-Help reads for binary cmdlets (the format platyPS's New-ExternalHelp produces).</summary>
internal static class MamlWriter
{
    private static readonly XNamespace Msh = "http://msh";
    private static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    private static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

    public static XDocument Write(IEnumerable<CommandHelp> commands) =>
        new(new XDeclaration("1.0", "utf-8", null),
            new XElement(Msh + "helpItems", new XAttribute("schema", "maml"), commands.Select(Command_)));

    private static XElement Command_(CommandHelp h)
    {
        var dash = h.Name.IndexOf('-');
        return new XElement(Command + "command",
            new XAttribute(XNamespace.Xmlns + "maml", Maml),
            new XAttribute(XNamespace.Xmlns + "command", Command),
            new XAttribute(XNamespace.Xmlns + "dev", Dev),
            new XElement(Command + "details",
                new XElement(Command + "name", h.Name),
                new XElement(Command + "verb", dash > 0 ? h.Name[..dash] : h.Name),
                new XElement(Command + "noun", dash > 0 ? h.Name[(dash + 1)..] : ""),
                Description(new[] { h.Synopsis })),
            Description(h.Description),
            new XElement(Command + "syntax", SyntaxItems(h)),
            new XElement(Command + "parameters", h.Parameters.Select(p => Parameter(p, withDescription: true))),
            new XElement(Command + "inputTypes", h.Inputs.Select(t =>
                new XElement(Command + "inputType", TypeElement(t.Name), Description(t.Description)))),
            new XElement(Command + "returnValues", h.Outputs.Select(t =>
                new XElement(Command + "returnValue", TypeElement(t.Name), Description(t.Description)))),
            new XElement(Maml + "alertSet", new XElement(Maml + "alert", Paras(h.Notes))),
            new XElement(Command + "examples", h.Examples.Select(e =>
                new XElement(Command + "example",
                    new XElement(Maml + "title", $"-------------------------- {e.Title} --------------------------"),
                    new XElement(Dev + "code", e.Code),
                    new XElement(Dev + "remarks", Paras(e.Remarks))))),
            new XElement(Command + "relatedLinks", h.Links.Select(l =>
                new XElement(Maml + "navigationLink", new XElement(Maml + "linkText", l.Text), new XElement(Maml + "uri", l.Uri)))));
    }

    /// <summary>One syntax item per parameter set named in the parameters' yaml; "(All)" joins every set.</summary>
    private static IEnumerable<XElement> SyntaxItems(CommandHelp h)
    {
        var sets = h.Parameters.SelectMany(p => p.ParameterSets).Where(s => s != "(All)").Distinct().ToList();
        if (sets.Count == 0) sets.Add("(All)");
        foreach (var set in sets)
        {
            var ps = h.Parameters.Where(p => p.ParameterSets.Count == 0 || p.ParameterSets.Contains("(All)") || p.ParameterSets.Contains(set))
                .OrderBy(p => int.TryParse(p.Position, out var n) ? n : int.MaxValue);
            yield return new XElement(Command + "syntaxItem", new XElement(Maml + "name", h.Name), ps.Select(p => Parameter(p, withDescription: false)));
        }
    }

    private static XElement Parameter(ParameterHelp p, bool withDescription)
    {
        var e = new XElement(Command + "parameter",
            new XAttribute("required", p.Required ? "true" : "false"),
            new XAttribute("variableLength", "true"),
            new XAttribute("globbing", p.Wildcards ? "true" : "false"),
            new XAttribute("pipelineInput", p.PipelineInput),
            new XAttribute("position", p.Position.ToLowerInvariant() == "named" ? "named" : p.Position),
            new XAttribute("aliases", string.IsNullOrEmpty(p.Aliases) ? "none" : p.Aliases),
            new XElement(Maml + "name", p.Name));
        if (withDescription) e.Add(Description(p.Description));
        if (!p.IsSwitch || withDescription)
            e.Add(new XElement(Command + "parameterValue", new XAttribute("required", p.IsSwitch ? "false" : "true"),
                new XAttribute("variableLength", "false"), p.Type));
        e.Add(TypeElement(p.Type), new XElement(Dev + "defaultValue", p.DefaultValue));
        return e;
    }

    private static XElement TypeElement(string name) =>
        new(Dev + "type", new XElement(Maml + "name", name), new XElement(Maml + "uri"));

    private static XElement Description(IEnumerable<string> paragraphs) => new(Maml + "description", Paras(paragraphs));

    private static IEnumerable<XElement> Paras(IEnumerable<string> paragraphs) =>
        paragraphs.Select(p => new XElement(Maml + "para", p));
}
