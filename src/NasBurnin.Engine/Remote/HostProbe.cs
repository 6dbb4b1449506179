using System.Text;
using NasBurnin.Engine.Store;

namespace NasBurnin.Engine.Remote;

/// <summary>What Test-BurninHost learned about a host in one round trip.</summary>
public sealed record HostProbeResult(
    string System,
    string User,
    int? Uid,
    string? SmartctlVersion,
    IReadOnlyDictionary<string, string?> Tools,
    string WorkDir,
    bool WorkDirWritable)
{
    /// <summary>Tools that could not be found with the host's tool path or PATH.</summary>
    public IReadOnlyList<string> MissingTools => Tools.Where(t => t.Value is null).Select(t => t.Key).ToList();
}

/// <summary>
/// A read-only health probe: who we are on the host, which tools it has, whether the work folder can
/// be written. It changes nothing on the host. Every host value in the script is quoted by
/// <see cref="PosixShell"/> (and was validated when stored).
/// </summary>
public static class HostProbe
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    public static string Script(HostRecord host, string workDir)
    {
        var sb = new StringBuilder();
        sb.AppendLine("export LC_ALL=C");
        sb.AppendLine("printf 'system=%s\\n' \"$(uname -a 2>/dev/null)\"");
        sb.AppendLine("printf 'user=%s\\n' \"$(id -un 2>/dev/null)\"");
        sb.AppendLine("printf 'uid=%s\\n' \"$(id -u 2>/dev/null)\"");
        foreach (var tool in HostTools.All)
        {
            var path = PosixShell.Quote(host.ToolPath(tool));
            // An absolute path must be an executable file; a bare name is looked up in PATH.
            var find = host.ToolPaths.ContainsKey(tool)
                ? $"if [ -f {path} ] && [ -x {path} ]; then p={path}; else p=; fi"
                : $"p=$(command -v {path} 2>/dev/null) || p=";
            sb.AppendLine(find);
            sb.AppendLine($"printf 'tool.{tool}=%s\\n' \"$p\"");
            if (tool == HostTools.Smartctl)
                sb.AppendLine("if [ -n \"$p\" ]; then printf 'smartctl.version=%s\\n' \"$(\"$p\" --version 2>/dev/null | head -n 1)\"; fi");
        }
        sb.AppendLine($"d={PosixShell.Quote(workDir)}");
        sb.AppendLine("while [ ! -e \"$d\" ]; do d=$(dirname \"$d\"); done");
        sb.AppendLine("if [ -d \"$d\" ] && [ -w \"$d\" ]; then echo workdir.writable=1; else echo workdir.writable=0; fi");
        return sb.ToString();
    }

    public static HostProbeResult Parse(string stdout, string workDir)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in stdout.Split('\n'))
        {
            var eq = line.IndexOf('=');
            if (eq > 0) values[line[..eq]] = line[(eq + 1)..].TrimEnd('\r');
        }
        string? V(string key) => values.TryGetValue(key, out var v) && v.Length > 0 ? v : null;
        var tools = HostTools.All.ToDictionary(t => t, t => V("tool." + t));
        return new HostProbeResult(
            V("system") ?? "",
            V("user") ?? "",
            int.TryParse(V("uid"), out var uid) ? uid : null,
            V("smartctl.version"),
            tools,
            workDir,
            V("workdir.writable") == "1");
    }

    public static async Task<HostProbeResult> RunAsync(IRemoteShell shell, HostRecord host, BurninSettings settings,
        TimeSpan timeout, CancellationToken cancellationToken)
    {
        var workDir = host.EffectiveWorkDir(settings);
        var result = await shell.RunAsync(Script(host, workDir), timeout, cancellationToken).ConfigureAwait(false);
        return Parse(result.StdOut, workDir);
    }
}
