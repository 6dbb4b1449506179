using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Runtime.Loader;

// NasBurnin.ScriptHost [-PreloadAssembly <path>]... -Command <script>
// Behaves like `pwsh -NoProfile -NonInteractive -Command`: no prompts (the default host refuses them),
// output objects as text on stdout, errors on stderr, exit 1 when the script failed, else $LASTEXITCODE.
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

var iss = InitialSessionState.CreateDefault2();
using var runspace = RunspaceFactory.CreateRunspace(iss);
runspace.Open();
using var ps = PowerShell.Create();
ps.Runspace = runspace;
ps.AddScript(script);
var failed = false;
try
{
    foreach (var o in ps.Invoke())
        Console.WriteLine(o?.ToString());
}
catch (RuntimeException e)
{
    Console.Error.WriteLine($"{e.ErrorRecord?.FullyQualifiedErrorId}: {e.Message}");
    failed = true;
}
foreach (var e in ps.Streams.Error)
    Console.Error.WriteLine($"{e.FullyQualifiedErrorId}: {e}");
foreach (var w in ps.Streams.Warning)
    Console.Error.WriteLine($"WARNING: {w}");
if (failed || ps.HadErrors) return 1;
return runspace.SessionStateProxy.GetVariable("LASTEXITCODE") is int code ? code : 0;
