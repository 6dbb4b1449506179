namespace HelpBuilder;

/// <summary>One cmdlet's help as read from a platyPS-format markdown page.</summary>
internal sealed class CommandHelp
{
    public string Name { get; set; } = "";
    public string Synopsis { get; set; } = "";
    public List<string> Description { get; } = new();
    public List<ExampleHelp> Examples { get; } = new();
    public List<ParameterHelp> Parameters { get; } = new();
    public List<TypeHelp> Inputs { get; } = new();
    public List<TypeHelp> Outputs { get; } = new();
    public List<string> Notes { get; } = new();
    public List<(string Text, string Uri)> Links { get; } = new();
}

internal sealed record ExampleHelp(string Title, string Code, List<string> Remarks);

internal sealed class ParameterHelp
{
    public string Name { get; set; } = "";
    public List<string> Description { get; } = new();
    public string Type { get; set; } = "Object";
    public List<string> ParameterSets { get; } = new();
    public string Aliases { get; set; } = "";
    public bool Required { get; set; }
    public string Position { get; set; } = "Named";
    public string DefaultValue { get; set; } = "None";
    public string PipelineInput { get; set; } = "False";
    public bool Wildcards { get; set; }
    public bool IsSwitch => Type is "SwitchParameter" or "System.Management.Automation.SwitchParameter";
}

internal sealed record TypeHelp(string Name, List<string> Description);
