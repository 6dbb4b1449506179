using System.Management.Automation;

namespace NasBurnin.Tests.Harness;

/// <summary>
/// A store and a sandbox NAS wired together for burn-in module tests: sessions import the module,
/// use the rig's store, poll the runner every second and are connected to the sandbox.
/// </summary>
public sealed class BurninRig : IDisposable
{
    private readonly TempDir _dir = new();

    public BurninRig(params string[] nasOptions)
    {
        Nas = SandboxNas.Start(nasOptions);
        StorePath = _dir.File("burnin.db");
        using var s = Session();
        s.Run("Set-BurninConfig -RunnerPollSeconds 1").AssertClean();
    }

    public SandboxNas Nas { get; }
    public string StorePath { get; }

    /// <summary>A fresh runspace on the rig's store, connected to the sandbox.</summary>
    public PsSession Session()
    {
        var s = new PsSession(storePath: StorePath);
        s.Run(Nas.ConnectCommand() + " > $null").AssertClean();
        return s;
    }

    /// <summary>
    /// A script fragment that yields the sandbox drive with this serial, from a live inventory. Filtered by
    /// device too: another sandbox on the same machine has drives with the same serials.
    /// </summary>
    public string Drive(string serial) => $"(Get-BurninDrive -Serial '{serial}' | Where-Object {{ $_.Device -eq '{Nas.Device(serial)}' }})";

    /// <summary>A per-drive state file of the sandbox's smartctl shim (temperature, attrs, selftest_result, ...).</summary>
    public string DriveStateFile(string serial, string file) => Path.Combine(Nas.Drive(serial).GetProperty("stateDir").GetString()!, file);

    /// <summary>The newest run folder on the sandbox host for a drive.</summary>
    public string RunDir(string serial) => Directory.GetDirectories(Path.Combine(Nas.WorkDir, "runs"))
        .Where(d => File.ReadAllText(Path.Combine(d, "spec")).Contains($"NB_SERIAL={serial}", StringComparison.Ordinal))
        .OrderBy(d => d, StringComparer.Ordinal).Last();

    /// <summary>Polls Get-BurninRun until the run ends; returns it.</summary>
    public static PSObject WaitFinished(PsSession s, long runId, int seconds = 180)
    {
        var r = s.Run($"Wait-BurninRun -RunId {runId} -PollSeconds 1 -Timeout '00:{seconds / 60:00}:{seconds % 60:00}'").AssertClean();
        var run = r.Output.SingleOrDefault() ?? throw new Xunit.Sdk.XunitException($"run {runId} did not finish within {seconds} s");
        return run;
    }

    public void Dispose()
    {
        Nas.Dispose();
        _dir.Dispose();
    }
}
