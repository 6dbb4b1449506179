namespace NasBurnin.Engine.Tests;

internal static class TestPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>Real captures beside the repository; tests that read them skip with a message when absent.</summary>
    public static string SharedFixtures => Path.GetFullPath(Path.Combine(Root, "..", "shared", "fixtures"));

    public static string Temp()
    {
        var p = Path.Combine(Path.GetTempPath(), "nasburnin-engine-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(p);
        return p;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "NasBurnin.sln"))) return dir.FullName;
        throw new InvalidOperationException("NasBurnin.sln not found above " + AppContext.BaseDirectory);
    }
}
