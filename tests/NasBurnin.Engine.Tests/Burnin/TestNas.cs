using System.Diagnostics;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using NasBurnin.Engine.Common;

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

    /// <summary>
    /// Records a sandbox drive in a store the way an inventory would (role, and optionally its SMART
    /// document), through a plain connection so the benchmark, which links this file, can use it too.
    /// </summary>
    public static long InsertDrive(string storePath, JsonElement d, string role, string? smartJson = null)
    {
        using var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = storePath, Pooling = false }.ToString());
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = """
            INSERT INTO drives(identity, model, serial, wwn, capacity_bytes, transport, rotational, device_path, role, health, last_smart_json, first_seen_at, last_seen_at)
            VALUES ($i, $m, $s, $w, $cap, $t, $rot, $dev, $role, 'Passed', $smart, $now, $now) RETURNING id
            """;
        cmd.Parameters.AddWithValue("$i", "testnas:" + d.GetProperty("serial").GetString());
        cmd.Parameters.AddWithValue("$m", d.GetProperty("model").GetString());
        cmd.Parameters.AddWithValue("$s", d.GetProperty("serial").GetString());
        cmd.Parameters.AddWithValue("$w", d.GetProperty("wwn").GetString());
        cmd.Parameters.AddWithValue("$cap", d.GetProperty("sizeBytes").GetInt64());
        cmd.Parameters.AddWithValue("$t", d.GetProperty("transport").GetString());
        cmd.Parameters.AddWithValue("$rot", d.GetProperty("rotational").GetBoolean() ? 1 : 0);
        cmd.Parameters.AddWithValue("$dev", d.GetProperty("device").GetString());
        cmd.Parameters.AddWithValue("$role", role);
        cmd.Parameters.AddWithValue("$smart", (object?)smartJson ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$now", StoreTime.Format(DateTimeOffset.UtcNow));
        return (long)cmd.ExecuteScalar()!;
    }

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
