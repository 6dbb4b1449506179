using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Management.Automation.Runspaces;
using System.Runtime.Loader;

// NasBurnin.ScriptHost [-PreloadAssembly <path>]... -Command <script>
// The stand-in for `pwsh -NoProfile -NonInteractive -Command` where no real pwsh is at hand (the tests use
// the real one when they find it). It gives pwsh's exit code: N after `exit N`, 1 after an error that
// stopped the script, else 1 when the last statement failed ($? false) and 0 when it succeeded; earlier
// failed statements do not count, as in pwsh. No prompts: its host has no UI, so prompting cmdlets fail
// before anything is written. Output objects as text on stdout; errors as "id: message" and warnings on stderr.
string? script = null;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "-PreloadAssembly": AssemblyLoadContext.Default.LoadFromAssemblyPath(Path.GetFullPath(args[++i])); break;
        case "-Command": script = args[++i]; break;
        case "-NonInteractive": case "-NoProfile": break;
        default: Console.Error.WriteLine($"unknown argument {args[i]}"); return 64;
    }
}
if (script is null) { Console.Error.WriteLine("usage: NasBurnin.ScriptHost [-PreloadAssembly path] -Command script"); return 64; }

var host = new ExitCodeHost();
using var runspace = RunspaceFactory.CreateRunspace(host, InitialSessionState.CreateDefault2());
runspace.Open();
using var ps = PowerShell.Create();
ps.Runspace = runspace;
// pwsh reads $? once the command is over; here the script itself records it after its last statement
// (a probe in a new pipeline would see a fresh $?).
ps.AddScript(script + "\n$global:__NasBurninLastSucceeded = $?");
var stopped = false;
try
{
    foreach (var o in ps.Invoke())
        Console.WriteLine(o?.ToString());
}
catch (RuntimeException e)
{
    Console.Error.WriteLine($"{e.ErrorRecord?.FullyQualifiedErrorId}: {e.Message}");
    stopped = true;
}
foreach (var e in ps.Streams.Error)
    Console.Error.WriteLine($"{e.FullyQualifiedErrorId}: {e}");
foreach (var w in ps.Streams.Warning)
    Console.Error.WriteLine($"WARNING: {w}");
if (host.ExitCode is int code) return code;
if (stopped) return 1;
return runspace.SessionStateProxy.GetVariable("__NasBurninLastSucceeded") is true ? 0 : 1;

/// <summary>A host without a UI that remembers `exit N`.</summary>
internal sealed class ExitCodeHost : PSHost
{
    private readonly Guid _id = Guid.NewGuid();
    public int? ExitCode { get; private set; }
    public override string Name => "NasBurnin.ScriptHost";
    public override Version Version => new(1, 0);
    public override Guid InstanceId => _id;
    public override PSHostUserInterface? UI => null;
    public override CultureInfo CurrentCulture => CultureInfo.CurrentCulture;
    public override CultureInfo CurrentUICulture => CultureInfo.CurrentUICulture;
    public override void SetShouldExit(int exitCode) => ExitCode = exitCode;
    public override void EnterNestedPrompt() => throw new NotSupportedException();
    public override void ExitNestedPrompt() => throw new NotSupportedException();
    public override void NotifyBeginApplication() { }
    public override void NotifyEndApplication() { }
}
