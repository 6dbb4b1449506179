using System.Runtime.InteropServices;

namespace NasBurnin.Tests.Harness;

/// <summary>
/// The real pwsh for the tests' child processes (scheduled tasks, a second window): exit codes, prompts
/// and output exactly as users get them. Found like .ci/run finds it: $NASBURNIN_TEST_PWSH (.ci/run sets
/// it to the pwsh it installed), else the shared pwsh beside the repository (../shared/tools/pwsh/install.sh,
/// linux-x64), unpacked once into a temp folder named for its version and reused. Null where neither exists, or when
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
        // One unpacked copy per version of the shared tools, reused by later test runs (a test host is often
        // killed, not ended, so a per-run copy would never be cleaned up). Unpacked beside it and renamed into
        // place, so concurrent test runs never see half a copy.
        var stamp = string.Join("|", Directory.GetFiles(System.IO.Path.GetDirectoryName(Installer)!).Order(StringComparer.Ordinal)
            .Select(f => $"{System.IO.Path.GetFileName(f)}:{new FileInfo(f).Length}:{File.GetLastWriteTimeUtc(f).Ticks}"));
        var hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(stamp)))[..12].ToLowerInvariant();
        var dir = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "nasburnin-test-pwsh-" + hash);
        if (!File.Exists(System.IO.Path.Combine(dir, "pwsh", "pwsh")))
        {
            var fresh = Directory.CreateTempSubdirectory("nasburnin-test-pwsh-unpacking-").FullName;
            try
            {
                // Readable by all: a test runs it as an unprivileged user (setpriv) too.
                File.SetUnixFileMode(fresh, (UnixFileMode)Convert.ToInt32("755", 8));
                Install(fresh);
                try { Directory.Move(fresh, dir); }
                catch (IOException) when (File.Exists(System.IO.Path.Combine(dir, "pwsh", "pwsh"))) { } // another run was first
            }
            finally
            {
                if (Directory.Exists(fresh)) Directory.Delete(fresh, recursive: true);
            }
        }
        return Install(dir); // unpacks nothing when it is there; checks that it starts and prints its path
    }

    private static string Install(string dir)
    {
        var r = ChildProcess.Run("bash", new[] { Installer, dir }, TimeSpan.FromMinutes(5));
        if (r.ExitCode != 0) throw new InvalidOperationException($"{Installer} {dir} failed ({r.ExitCode}): {r.StdErr}");
        return r.StdOut.Trim();
    }
}
