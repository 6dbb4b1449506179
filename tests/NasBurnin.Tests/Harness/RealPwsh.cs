using System.Runtime.InteropServices;

namespace NasBurnin.Tests.Harness;

/// <summary>
/// The real pwsh for the tests' child processes (scheduled tasks, a second window): exit codes, prompts
/// and output exactly as users get them. Found like .ci/run finds it: $NASBURNIN_TEST_PWSH (.ci/run sets
/// it to the pwsh it installed), else the shared pwsh beside the repository (../shared/tools/pwsh/install.sh,
/// linux-x64), unpacked once per test run into a temp folder. Null where neither exists, or when
/// $NASBURNIN_TEST_PWSH is "none": then <see cref="ChildProcess"/> falls back to the stand-in NasBurnin.ScriptHost.
/// </summary>
public static class RealPwsh
{
    public const string Variable = "NASBURNIN_TEST_PWSH";

    private static readonly Lazy<string?> Found = new(Find, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string? Path => Found.Value;

    /// <summary>The installer of the shared pwsh, relative to the repository root as in .ci/run.</summary>
    public static string Installer => System.IO.Path.GetFullPath(System.IO.Path.Combine(RepoPaths.Root, "..", "shared", "tools", "pwsh", "install.sh"));

    private static string? Find()
    {
        var given = Environment.GetEnvironmentVariable(Variable);
        if (given == "none")
            return null;
        if (!string.IsNullOrEmpty(given))
            return File.Exists(given) ? given : throw new InvalidOperationException($"{Variable} names '{given}', which does not exist.");
        if (!OperatingSystem.IsLinux() || RuntimeInformation.OSArchitecture != Architecture.X64 || !File.Exists(Installer))
            return null;
        var dir = Directory.CreateTempSubdirectory("nasburnin-test-pwsh-").FullName;
        // Readable by all: a test runs it as an unprivileged user (setpriv) too.
        File.SetUnixFileMode(dir, (UnixFileMode)Convert.ToInt32("755", 8));
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        };
        var r = ChildProcess.Run("bash", new[] { Installer, dir }, TimeSpan.FromMinutes(5));
        if (r.ExitCode != 0) throw new InvalidOperationException($"{Installer} {dir} failed ({r.ExitCode}): {r.StdErr}");
        return r.StdOut.Trim();
    }
}
