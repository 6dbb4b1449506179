using System.Diagnostics;
using System.Text.Json;

namespace NasBurnin.Engine.Tests.Burnin;

/// <summary>
/// The sandbox NAS (tests/testnas) for engine tests: loop-device drives and tool shims, used through a
/// local shell with the sandbox's PATH. Needs root; tests skip without it. Dispose stops it and
/// leaves nothing behind.
/// </summary>
public sealed class TestNas : IDisposable
{
    private TestNas(string stateDir, JsonElement facts)
    {
        StateDir = stateDir;
        Facts = facts;
    }

    public string StateDir { get; }
    public JsonElement Facts { get; }
    public string BinDir => Facts.GetProperty("binDir").GetString()!;

    public static bool Available => Environment.UserName == "root" && File.Exists("/usr/sbin/sshd") && File.Exists("/usr/sbin/badblocks");

    public static TestNas Start(params string[] options)
    {
        var state = Path.Combine(Path.GetTempPath(), "nb-nas-" + Guid.NewGuid().ToString("N")[..8]);
        var script = Path.Combine(TestPaths.Root, "tests", "testnas", "start.sh");
        var (code, output) = Run("bash", new[] { script, state }.Concat(options).ToArray());
        if (code != 0)
        {
            Run("bash", Path.Combine(TestPaths.Root, "tests", "testnas", "stop.sh"), state);
            throw new InvalidOperationException("testnas start failed: " + output);
        }
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(state, "testnas.json")));
        return new TestNas(state, doc.RootElement.Clone());
    }

    public JsonElement Drive(Func<JsonElement, bool> pick) => Facts.GetProperty("drives").EnumerateArray().First(pick);

    public JsonElement DriveBySerial(string serial) => Drive(d => d.GetProperty("serial").GetString() == serial);

    /// <summary>Environment of a shell on the sandbox: its tools first on PATH, tagged so stop.sh finds every process.</summary>
    public IDictionary<string, string> ShellEnvironment => new Dictionary<string, string>
    {
        ["PATH"] = BinDir + ":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        ["NASBURNIN_TESTNAS"] = StateDir,
    };

    public static (int, string) Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var o = p.StandardOutput.ReadToEndAsync();
        var e = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(3))) { p.Kill(true); throw new TimeoutException(file); }
        return (p.ExitCode, o.Result + e.Result);
    }

    public void Dispose() => Run("bash", Path.Combine(TestPaths.Root, "tests", "testnas", "stop.sh"), StateDir);
}
