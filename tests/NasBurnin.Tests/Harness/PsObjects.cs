using System.Management.Automation;

namespace NasBurnin.Tests.Harness;

public static class PsObjects
{
    /// <summary>
    /// A property as the text users see: states, results, roles and health are enums (NasBurnin.Contracts), which
    /// this test assembly does not reference, so tests compare their names.
    /// </summary>
    public static string? Text(this PSObject o, string name) => o.Properties[name]?.Value?.ToString();
}
