using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace NasBurnin.Bench.Inventory;

/// <summary>
/// One sandbox NAS (tests/testnas) made into a host with exactly its own drives, whose smartctl answers
/// at native speed: only the configured delay is left.
/// <list type="bullet">
/// <item><c>smartctl</c> becomes a small compiled program (fastsmart.c): the first call with given
/// arguments runs the sandbox's Python shim (through a sh script) and keeps its answer and exit code;
/// every later call sleeps the delay and copies the kept answer: one process instead of a Python
/// start-up (about 0.2 s of CPU). The warm-up inventories fill the cache, so timed runs never reach Python.</item>
/// <item><c>lsblk</c> is the real one after the sandbox's first call has refreshed its emulated udev
/// database (a Python script, about 4 s on this machine); without a device argument it is given the
/// sandbox's own devices, so a host shows its drives and not every loop device on the machine (all
/// sandboxes share one kernel).</item>
/// </list>
/// </summary>
internal sealed class Sandbox : IDisposable
{
    private readonly string _repo;

    private Sandbox(string repo, string state, JsonElement facts)
    {
        _repo = repo;
        State = state;
        Port = facts.GetProperty("port").GetInt32();
        KeyPath = facts.GetProperty("clientKeyPath").GetString()!;
        Fingerprint = facts.GetProperty("hostKeyFingerprint").GetString()!;
        Devices = facts.GetProperty("drives").EnumerateArray().Select(d => d.GetProperty("device").GetString()!).ToList();
    }

    public string State { get; }
    public int Port { get; }
    public string KeyPath { get; }
    public string Fingerprint { get; }
    public IReadOnlyList<string> Devices { get; }

    public static Sandbox Start(string repo, int drives, int delayMs)
    {
        var state = Path.Combine(Path.GetTempPath(), "nb-bench-" + Guid.NewGuid().ToString("N")[..8]);
        if (Sh(Path.Combine(repo, "tests", "testnas", "start.sh"), state, "--drives", drives.ToString(CultureInfo.InvariantCulture),
            "--smart-delay-ms", delayMs.ToString(CultureInfo.InvariantCulture)) is { Length: > 0 } failed)
            throw new InvalidOperationException("The sandbox NAS did not start: " + failed);
        using var facts = JsonDocument.Parse(File.ReadAllText(Path.Combine(state, "testnas.json")));
        var box = new Sandbox(repo, state, facts.RootElement.Clone());
        box.InstallNativeShims(delayMs);
        return box;
    }

    private void InstallNativeShims(int delayMs)
    {
        var bin = Path.Combine(State, "bin");
        var cache = Path.Combine(State, "smartcache");
        Directory.CreateDirectory(cache);
        File.Move(Path.Combine(bin, "smartctl"), Path.Combine(bin, "smartctl.testnas"));
        File.Move(Path.Combine(bin, "lsblk"), Path.Combine(bin, "lsblk.testnas"));
        var delay = (delayMs / 1000.0).ToString("0.###", CultureInfo.InvariantCulture);
        // The fill script: a miss asks the Python shim once and keeps its answer and exit code.
        Write(Path.Combine(bin, "smartctl.fill"), $$"""
            #!/bin/sh
            c={{Q(cache)}}/$(printf '%s' "$*" | tr -c 'A-Za-z0-9._-' '_')
            {{Q(Path.Combine(bin, "smartctl.testnas"))}} "$@" > "$c.tmp"
            rc=$?
            mv -f "$c.tmp" "$c.out"
            echo "$rc" > "$c.rc"
            cat "$c.out"
            exit "$rc"
            """);
        // The hit path, compiled: one small process that sleeps the delay and copies the kept answer.
        var source = Path.Combine(AppContext.BaseDirectory, "fastsmart.c");
        if (Exec("gcc", "-O2", "-o", Path.Combine(bin, "smartctl"), source,
                $"-DCACHE=\"{cache}\"", $"-DFILL=\"{Path.Combine(bin, "smartctl.fill")}\"", $"-DDELAY_MS={delayMs}") is { Length: > 0 } cc)
            throw new InvalidOperationException("The native smartctl shim did not build (gcc is needed): " + cc);
        var real = new[] { "/usr/bin/lsblk", "/bin/lsblk", "/usr/sbin/lsblk", "/sbin/lsblk" }.First(File.Exists);
        var refreshed = Path.Combine(State, "lsblk-refreshed");
        Write(Path.Combine(bin, "lsblk"), $$"""
            #!/bin/sh
            # Benchmark lsblk: the sandbox's emulated udev database is refreshed once (by its own lsblk
            # shim, in Python), then the real lsblk answers; this sandbox's drives only, unless devices are named.
            if [ ! -f {{Q(refreshed)}} ]; then {{Q(Path.Combine(bin, "lsblk.testnas"))}} --version >/dev/null 2>&1; : > {{Q(refreshed)}}; fi
            case " $* " in *" /dev/"*) exec {{Q(real)}} "$@" ;; esac
            exec {{Q(real)}} "$@" {{string.Join(' ', Devices.Select(Q))}}
            """);
    }

    private static void Write(string path, string text)
    {
        File.WriteAllText(path, text.Replace("\r\n", "\n") + "\n");
        File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
    }

    private static string Q(string s) => "'" + s.Replace("'", "'\\''") + "'";

    public void Dispose() => Sh(Path.Combine(_repo, "tests", "testnas", "stop.sh"), State);

    /// <summary>Runs a script; returns its error output when it failed, else "".</summary>
    public static string Sh(string script, params string[] args) => Exec("bash", args.Prepend(script).ToArray());

    /// <summary>Runs a program; returns its error output when it failed, else "".</summary>
    public static string Exec(string program, params string[] args)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return p.ExitCode == 0 ? "" : $"{string.Join(' ', args.Take(1).Prepend(program))} exit {p.ExitCode}: {err.Result}";
    }
}
