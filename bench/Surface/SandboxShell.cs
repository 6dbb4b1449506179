using System.Diagnostics;
using NasBurnin.Engine.Tests.Burnin;

namespace NasBurnin.Bench.Surface;

/// <summary>
/// /bin/sh on this machine with the sandbox's environment (its wrappers and shims first on PATH,
/// tagged so stop.sh finds every process): the same tools the runner gets.
/// </summary>
internal sealed class SandboxShell
{
    private readonly TestNas _nas;

    public SandboxShell(TestNas nas) => _nas = nas;

    public string StateDir => _nas.StateDir;

    /// <summary>Runs <paramref name="script"/> with positional arguments; stdout is returned, stderr too when it fails.</summary>
    public async Task<(int ExitCode, string StdOut, string StdErr)> RunAsync(string script, IEnumerable<string> args, CancellationToken ct)
    {
        var psi = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add("sh");
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var kv in _nas.ShellEnvironment) psi.Environment[kv.Key] = kv.Value;
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var o = p.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var e = p.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await p.WaitForExitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            // SIGTERM reaches only this process: take the child (badblocks, dd) down with it.
            try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            throw;
        }
        return (p.ExitCode, await o, await e);
    }

    public async Task<string> CheckedAsync(string script, IEnumerable<string> args, CancellationToken ct)
    {
        var (rc, o, e) = await RunAsync(script, args, ct);
        if (rc != 0) throw new InvalidOperationException($"sandbox command failed (exit {rc}): {script} {string.Join(' ', args)}: {e.Trim()}");
        return o;
    }
}
