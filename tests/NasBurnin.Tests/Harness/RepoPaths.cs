namespace NasBurnin.Tests.Harness;

/// <summary>Locations in the repository: the assembled module, the sandbox NAS, the shared fixtures.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string ModuleDir => Path.Combine(Root, "out", "NasBurnin");
    public static string Manifest => Path.Combine(ModuleDir, "NasBurnin.psd1");
    public static string TestNas => Path.Combine(Root, "tests", "testnas");

    /// <summary>The real-world captures beside the repository (absent on some machines: tests skip then).</summary>
    public static string SharedFixtures => Path.GetFullPath(Path.Combine(Root, "..", "shared", "fixtures"));

    /// <summary>The stand-in for `pwsh -c`, built beside the tests.</summary>
    public static string ScriptHostDll => Path.Combine(AppContext.BaseDirectory, "NasBurnin.ScriptHost.dll");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "NasBurnin.sln")))
                return dir.FullName;
        throw new InvalidOperationException("Cannot find the repository root (NasBurnin.sln) above " + AppContext.BaseDirectory);
    }
}
