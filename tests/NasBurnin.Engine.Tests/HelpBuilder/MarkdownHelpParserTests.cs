using HelpBuilder;
using Xunit;

namespace NasBurnin.Engine.Tests.HelpBuilderTests;

public class MarkdownHelpParserTests
{
    private const string Page = """
        ---
        external help file: NasBurnin.Cmdlets.dll-Help.xml
        schema: 2.0.0
        ---

        # Get-Thing

        ## SYNOPSIS
        Gets things.

        ## SYNTAX

        ```
        Get-Thing [-Name] <String> [<CommonParameters>]
        ```

        ## DESCRIPTION
        First paragraph.

        Second paragraph.

        ## EXAMPLES

        ### Example 1: all things
        ```powershell
        PS> Get-Thing -Name x
        ```

        Gets x.

        ## PARAMETERS

        ### -Name
        The name.

        ```yaml
        Type: String
        Parameter Sets: (All)
        Aliases: N

        Required: True
        Position: 0
        Default value: None
        Accept pipeline input: True (ByPropertyName)
        Accept wildcard characters: True
        ```

        ### CommonParameters
        Common.

        ## INPUTS

        ### System.String

        ## OUTPUTS

        ### Thing
        A thing.

        ## NOTES

        ## RELATED LINKS

        [Set-Thing](Set-Thing.md)
        """;

    [Fact]
    public void Parses_every_section()
    {
        var h = MarkdownHelpParser.Parse(Page, "Get-Thing.md");
        Assert.Equal("Get-Thing", h.Name);
        Assert.Equal("Gets things.", h.Synopsis);
        Assert.Equal(new[] { "First paragraph.", "Second paragraph." }, h.Description);
        var ex = Assert.Single(h.Examples);
        Assert.Equal("PS> Get-Thing -Name x", ex.Code);
        Assert.Equal("Gets x.", Assert.Single(ex.Remarks));
        var p = Assert.Single(h.Parameters);
        Assert.True(p.Required);
        Assert.True(p.Wildcards);
        Assert.Equal("0", p.Position);
        Assert.Equal("N", p.Aliases);
        Assert.Equal("True (ByPropertyName)", p.PipelineInput);
        Assert.Equal("Thing", Assert.Single(h.Outputs).Name);
        Assert.Equal(("Set-Thing", "Set-Thing.md"), Assert.Single(h.Links));
    }

    [Fact]
    public void A_parameter_without_description_is_an_error_naming_the_file()
    {
        var broken = Page.Replace("The name.\n", "");
        var e = Assert.Throws<FormatException>(() => MarkdownHelpParser.Parse(broken, "Get-Thing.md"));
        Assert.Contains("Get-Thing.md", e.Message);
        Assert.Contains("-Name", e.Message);
    }

    [Fact]
    public void Maml_has_the_command_parameters_and_examples()
    {
        var xml = MamlWriter.Write(new[] { MarkdownHelpParser.Parse(Page, "x.md") }).ToString();
        Assert.Contains("<command:name>Get-Thing</command:name>", xml);
        Assert.Contains("<maml:para>The name.</maml:para>", xml);
        Assert.Contains("PS&gt; Get-Thing -Name x", xml);
    }
}
