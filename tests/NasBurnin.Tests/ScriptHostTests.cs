using NasBurnin.Tests.Harness;
using Xunit;

namespace NasBurnin.Tests;

/// <summary>
/// The stand-in NasBurnin.ScriptHost (used only where no real pwsh is found) gives the exit codes the real
/// `pwsh -NoProfile -NonInteractive -Command` gives, for the kinds of script the module tests run.
/// </summary>
public class ScriptHostTests
{
    private static string Import => $"Import-Module '{PsSession.Quote(RepoPaths.Manifest)}' -ErrorAction Stop";

    public static TheoryData<string, string> Scripts => new()
    {
        { "success", "'ok'" },
        { "an error, then a success: only the last statement counts", "Write-Error 'x'; 'ok'" },
        { "a success, then an error", "'ok'; Write-Error 'x'" },
        { "a silenced error as the last statement", "Write-Error 'x' -ErrorAction SilentlyContinue" },
        { "a throw stops the script", "throw 'x'; 'ok'" },
        { "exit N", "'ok'; exit 7" },
        { "a failing native command as the last statement: 1, not its code", "bash -c 'exit 3'" },
        { "ErrorActionPreference Stop", "$ErrorActionPreference = 'Stop'; Write-Error 'x'; 'ok'" },
        { "a refused store as the last command", $"{Import}; Use-BurninStore -Path '/'" },
        { "a refused store, then more", $"{Import}; Use-BurninStore -Path '/'; 'more'" },
        { "a password prompt nobody can answer", $"{Import}; Use-BurninStore -Path '{{store}}'; New-BurninUser -UserName alice" },
    };

    [PwshTheory]
    [MemberData(nameof(Scripts))]
    public void The_stand_in_exits_like_pwsh(string what, string script)
    {
        using var dir = new TempDir();
        script = script.Replace("{store}", PsSession.Quote(dir.File("burnin.db")), StringComparison.Ordinal);
        var pwsh = ChildProcess.Run(RealPwsh.Path!, new[] { "-NoProfile", "-NonInteractive", "-Command", script });
        var standIn = ChildProcess.Run("dotnet", new[] { RepoPaths.ScriptHostDll, "-NonInteractive", "-Command", script });
        Assert.True(pwsh.ExitCode == standIn.ExitCode, $"{what}: pwsh exits {pwsh.ExitCode}, the stand-in {standIn.ExitCode}");
        Assert.DoesNotContain("password for", pwsh.StdOut + pwsh.StdErr, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("password for", standIn.StdOut + standIn.StdErr, StringComparison.OrdinalIgnoreCase);
    }
}
