using System.Management.Automation;
using NasBurnin.Tests.Harness;
using Xunit;

namespace NasBurnin.Tests;

/// <summary>Every exported cmdlet has real help: a new cmdlet without a help page fails here.</summary>
public class HelpTests
{
    private static readonly HashSet<string> Common = new(StringComparer.OrdinalIgnoreCase)
    {
        "Verbose", "Debug", "ErrorAction", "WarningAction", "InformationAction", "ProgressAction", "ErrorVariable", "WarningVariable",
        "InformationVariable", "OutVariable", "OutBuffer", "PipelineVariable", "WhatIf", "Confirm",
    };

    public static IEnumerable<object[]> Cmdlets() => ModuleLoadingTests.ManifestCmdlets().Select(c => new object[] { c });

    [Theory]
    [MemberData(nameof(Cmdlets))]
    public void Cmdlet_has_synopsis_description_example_and_parameter_help(string name)
    {
        using var s = new PsSession();
        var help = s.Run($"Get-Help {name} -Full").AssertClean().Output.Single();
        var synopsis = help.Properties["Synopsis"].Value?.ToString() ?? "";
        Assert.False(string.IsNullOrWhiteSpace(synopsis) || synopsis.TrimStart().StartsWith(name, StringComparison.OrdinalIgnoreCase),
            $"{name}: no synopsis (Get-Help generated one from the syntax)");
        Assert.NotEmpty(Text(help.Properties["description"]?.Value));
        var examples = s.Run($"@((Get-Help {name} -Full).examples.example).Count").Output.Single();
        Assert.True((int)examples.BaseObject >= 1, $"{name}: no example");

        var parameters = s.Run($"(Get-Command {name}).Parameters.Keys").Output.Select(o => o.ToString()!).Where(p => !Common.Contains(p)).ToList();
        foreach (var p in parameters)
        {
            var d = s.Run($"((Get-Help {name} -Parameter {p}).description | ForEach-Object {{ $_.Text }}) -join ' '").Output.SingleOrDefault()?.ToString();
            Assert.False(string.IsNullOrWhiteSpace(d), $"{name} -{p}: no parameter description");
        }
    }

    [Fact]
    public void About_topic_is_available()
    {
        using var s = new PsSession();
        var r = s.Run("Get-Help about_NasBurnin | ForEach-Object { $_.ToString() }").AssertClean();
        Assert.Contains("NasBurnin", string.Join("\n", r.Output));
        Assert.Contains("SAFETY", string.Join("\n", r.Output));
    }

    private static string Text(object? description) => description switch
    {
        null => "",
        object[] parts => string.Join(" ", parts.Select(p => PSObject.AsPSObject(p).Properties["Text"]?.Value)),
        PSObject o when o.BaseObject is object[] arr => Text(arr),
        _ => PSObject.AsPSObject(description).Properties["Text"]?.Value?.ToString() ?? description.ToString()!,
    };
}
