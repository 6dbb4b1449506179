using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace NasBurnin.Tests.Harness;

/// <summary>What one script run produced.</summary>
public sealed class RunResult
{
    public required Collection<PSObject> Output { get; init; }
    public required List<ErrorRecord> Errors { get; init; }
    public required List<string> Warnings { get; init; }
    public required List<ProgressRecord> Progress { get; init; }
    public required List<string> Verbose { get; init; }
    /// <summary>The terminating error, if the script was stopped by one.</summary>
    public ErrorRecord? Terminating { get; init; }

    public IEnumerable<ErrorRecord> AllErrors => Terminating is null ? Errors : Errors.Append(Terminating);

    /// <summary>Fails the test with every error's id and message when the run had any.</summary>
    public RunResult AssertClean()
    {
        var all = AllErrors.ToList();
        if (all.Count > 0)
            throw new Xunit.Sdk.XunitException("The script had errors:\n" + string.Join("\n", all.Select(e => $"{e.FullyQualifiedErrorId}: {e}")));
        return this;
    }

    public T Single<T>() => (T)Output.Single().BaseObject;
}

/// <summary>
/// A fresh runspace on a <see cref="ScriptedHost"/> with the module imported from out/NasBurnin by path,
/// the way a user imports it. Dispose closes the runspace.
/// </summary>
public sealed class PsSession : IDisposable
{
    private readonly Runspace _runspace;

    public PsSession(bool importModule = true, string? storePath = null)
    {
        var iss = InitialSessionState.CreateDefault2();
        _runspace = RunspaceFactory.CreateRunspace(Host, iss);
        _runspace.Open();
        if (importModule)
            Run($"Import-Module '{Quote(RepoPaths.Manifest)}' -ErrorAction Stop").AssertClean();
        if (storePath is not null)
            Run($"Use-BurninStore -Path '{Quote(storePath)}'").AssertClean();
    }

    public ScriptedHost Host { get; } = new();

    public Runspace Runspace => _runspace;

    /// <summary>Single-quotes a value for embedding in a script.</summary>
    public static string Quote(string s) => s.Replace("'", "''", StringComparison.Ordinal);

    public RunResult Run(string script, IDictionary<string, object?>? variables = null)
    {
        using var ps = PowerShell.Create();
        ps.Runspace = _runspace;
        if (variables is not null)
            foreach (var kv in variables)
                _runspace.SessionStateProxy.SetVariable(kv.Key, kv.Value);
        ps.AddScript(script);
        Collection<PSObject> output;
        ErrorRecord? terminating = null;
        try
        {
            output = ps.Invoke();
        }
        catch (RuntimeException e)
        {
            output = new Collection<PSObject>();
            terminating = e.ErrorRecord;
        }
        return new RunResult
        {
            Output = output,
            Errors = ps.Streams.Error.ToList(),
            Warnings = ps.Streams.Warning.Select(w => w.Message).ToList(),
            Progress = ps.Streams.Progress.ToList(),
            Verbose = ps.Streams.Verbose.Select(v => v.Message).ToList(),
            Terminating = terminating,
        };
    }

    /// <summary>
    /// Runs a command that must stop with a terminating error and returns that error. A try/catch
    /// catches terminating errors only (non-terminating ones pass through it), so this fails for a
    /// command that merely wrote an error and carried on.
    /// </summary>
    public ErrorRecord RunTerminating(string command)
    {
        var r = Run($"try {{ {command}; 'NOT-STOPPED' }} catch {{ $_ }}");
        if (r.Output.Any(o => "NOT-STOPPED".Equals(o?.BaseObject)))
            throw new Xunit.Sdk.XunitException($"'{command}' did not stop with a terminating error; errors: " + string.Join("; ", r.AllErrors.Select(e => e.FullyQualifiedErrorId)));
        return r.Output.Select(o => o.BaseObject).OfType<ErrorRecord>().SingleOrDefault()
            ?? throw new Xunit.Sdk.XunitException($"'{command}' produced no terminating error");
    }

    public void Dispose() => _runspace.Dispose();
}
