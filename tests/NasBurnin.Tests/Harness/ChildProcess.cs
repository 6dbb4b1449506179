using System.Diagnostics;

namespace NasBurnin.Tests.Harness;

/// <summary>Runs programs for tests: the pwsh stand-in, sqlite3, shell scripts. Always bounded in time.</summary>
public static class ChildProcess
{
    public sealed record Result(int ExitCode, string StdOut, string StdErr);

    public static Result Run(string file, IEnumerable<string> args, TimeSpan? timeout = null, IDictionary<string, string>? env = null)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (env is not null) foreach (var kv in env) psi.Environment[kv.Key] = kv.Value;
        using var p = Process.Start(psi)!;
        p.StandardInput.Close(); // no standard input, like a scheduled task
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout ?? TimeSpan.FromMinutes(3)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in time");
        }
        p.WaitForExit();
        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>`pwsh -NoProfile -NonInteractive -Command script`, via the stand-in host.</summary>
    public static Result Pwsh(string script, IEnumerable<string>? preload = null, TimeSpan? timeout = null, IDictionary<string, string>? env = null)
    {
        var args = new List<string> { RepoPaths.ScriptHostDll };
        foreach (var p in preload ?? Array.Empty<string>()) { args.Add("-PreloadAssembly"); args.Add(p); }
        args.Add("-NonInteractive");
        args.Add("-Command");
        args.Add(script);
        return Run("dotnet", args, timeout, env);
    }

    /// <summary>Starts `pwsh -c` without waiting, for concurrency tests.</summary>
    /// <remarks>On its own thread (LongRunning): it blocks for the child's whole life and must not starve the pool.</remarks>
    public static Task<Result> PwshAsync(string script, TimeSpan? timeout = null) =>
        Task.Factory.StartNew(() => Pwsh(script, timeout: timeout), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
}
