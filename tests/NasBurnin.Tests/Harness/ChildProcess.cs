using System.Diagnostics;

namespace NasBurnin.Tests.Harness;

/// <summary>Runs programs for tests: pwsh (or its stand-in), sqlite3, shell scripts. Always bounded in time.</summary>
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

    /// <summary>
    /// `pwsh -NoProfile -NonInteractive -Command script`, as a scheduled task runs it: the real pwsh where this
    /// machine has one (<see cref="RealPwsh"/>), else the stand-in NasBurnin.ScriptHost. Errors are shown in
    /// NormalView, which names each error's FullyQualifiedErrorId (the stand-in prints "id: message").
    /// <paramref name="preload"/> assemblies are loaded into the default load context first, as another module would.
    /// </summary>
    public static Result Pwsh(string script, IEnumerable<string>? preload = null, TimeSpan? timeout = null, IDictionary<string, string>? env = null)
    {
        var (file, args) = PwshCommand(script, preload);
        return Run(file, args, timeout, env);
    }

    /// <summary>The program and arguments of <see cref="Pwsh"/>, for callers that start it another way (as another user, say).</summary>
    public static (string File, List<string> Args) PwshCommand(string script, IEnumerable<string>? preload = null)
    {
        if (RealPwsh.Path is { } pwsh)
        {
            var prefix = "$ErrorView = 'NormalView'\n" + string.Concat((preload ?? Array.Empty<string>())
                .Select(p => $"[System.Reflection.Assembly]::LoadFrom('{p.Replace("'", "''", StringComparison.Ordinal)}') > $null\n"));
            return (pwsh, new List<string> { "-NoProfile", "-NonInteractive", "-Command", prefix + script });
        }
        var args = new List<string> { RepoPaths.ScriptHostDll };
        foreach (var p in preload ?? Array.Empty<string>()) { args.Add("-PreloadAssembly"); args.Add(p); }
        args.Add("-NonInteractive");
        args.Add("-Command");
        args.Add(script);
        return ("dotnet", args);
    }

    /// <summary>Starts `pwsh -c` without waiting, for concurrency tests.</summary>
    /// <remarks>On its own thread (LongRunning): it blocks for the child's whole life and must not starve the pool.</remarks>
    public static Task<Result> PwshAsync(string script, TimeSpan? timeout = null) =>
        Task.Factory.StartNew(() => Pwsh(script, timeout: timeout), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
}
