using System.Diagnostics;
using System.Text.Json;

namespace NasBurnin.Tests.Harness;

/// <summary>
/// The sandbox NAS (tests/testnas) for module tests: sshd on 127.0.0.1 and loop-device drives with
/// tool shims. Root only (it creates loop devices); <see cref="Available"/> says whether this machine
/// can run it, and tests skip with a message otherwise. Dispose runs stop.sh, which leaves no sshd,
/// loop device, mount or temp dir behind, also after a failed test.
/// </summary>
public sealed class SandboxNas : IDisposable
{
    private SandboxNas(string stateDir, JsonElement facts)
    {
        StateDir = stateDir;
        Facts = facts;
    }

    public static bool Available =>
        OperatingSystem.IsLinux() && Environment.UserName == "root" && File.Exists("/usr/sbin/sshd") && File.Exists("/usr/sbin/badblocks");

    public static string Unavailable => "skipped: the sandbox NAS needs Linux, root, OpenSSH's sshd and badblocks";

    public string StateDir { get; }
    public JsonElement Facts { get; }
    public int Port => Facts.GetProperty("port").GetInt32();
    public string KeyPath => Facts.GetProperty("clientKeyPath").GetString()!;
    public string Fingerprint => Facts.GetProperty("hostKeyFingerprint").GetString()!;
    public string WorkDir => Facts.GetProperty("workDir").GetString()!;
    public IEnumerable<JsonElement> Drives => Facts.GetProperty("drives").EnumerateArray();

    public JsonElement Drive(string serial) => Drives.First(d => d.GetProperty("serial").GetString() == serial);

    public string Device(string serial) => Drive(serial).GetProperty("device").GetString()!;

    /// <summary>Starts a sandbox (start.sh options such as --faulty, --drives N, --smart-delay-ms MS).</summary>
    public static SandboxNas Start(params string[] options)
    {
        var state = Path.Combine(Path.GetTempPath(), "nb-nas-" + Guid.NewGuid().ToString("N")[..8]);
        var start = Sh(Path.Combine(RepoPaths.TestNas, "start.sh"), new[] { state }.Concat(options));
        if (start.ExitCode != 0)
        {
            Sh(Path.Combine(RepoPaths.TestNas, "stop.sh"), new[] { state });
            throw new InvalidOperationException("The sandbox NAS did not start: " + start.StdErr + start.StdOut);
        }
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(state, "testnas.json")));
        return new SandboxNas(state, doc.RootElement.Clone());
    }

    /// <summary>The Connect-BurninHost call for this sandbox (key login, pinned fingerprint, loop devices as drives).</summary>
    public string ConnectCommand(string hostName = "127.0.0.1") =>
        $"Connect-BurninHost -HostName {hostName} -Port {Port} -UserName root -KeyFilePath '{PsSession.Quote(KeyPath)}' " +
        $"-HostKeyFingerprint '{Fingerprint}' -IncludeLoopDevices -WorkDir '{PsSession.Quote(WorkDir)}'";

    /// <summary>Runs a shell command on the sandbox as the runner would see it (its PATH, its shims).</summary>
    public ChildProcess.Result Shell(string command) =>
        ChildProcess.Run("/bin/sh", new[] { "-c", command }, env: new Dictionary<string, string>
        {
            ["PATH"] = Facts.GetProperty("binDir").GetString() + ":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            ["NASBURNIN_TESTNAS"] = StateDir,
        });

    private static ChildProcess.Result Sh(string script, IEnumerable<string> args) =>
        ChildProcess.Run("bash", new[] { script }.Concat(args), TimeSpan.FromMinutes(3));

    public void Dispose() => Sh(Path.Combine(RepoPaths.TestNas, "stop.sh"), new[] { StateDir });
}
