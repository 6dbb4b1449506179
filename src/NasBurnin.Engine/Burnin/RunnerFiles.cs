using System.Reflection;
using System.Security.Cryptography;
using System.Text;

namespace NasBurnin.Engine.Burnin;

/// <summary>
/// The runner script and its awk helpers, embedded in the engine. They are installed on each NAS in a
/// folder named after their content hash, so a new NasBurnin version never mixes files with a run
/// still using the old ones.
/// </summary>
public static class RunnerFiles
{
    public static readonly IReadOnlyDictionary<string, string> Files = Load();

    /// <summary>Short content hash: the install folder's name.</summary>
    public static readonly string Version = ComputeVersion();

    private static Dictionary<string, string> Load()
    {
        var asm = typeof(RunnerFiles).Assembly;
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in new[] { "runner.sh", "runctl.sh", "selftest.sh", "surface.sh", "jsonflat.awk", "selftestlog.awk", "bbprogress.awk" })
        {
            using var s = asm.GetManifestResourceStream("NasBurnin.Runner." + name)
                ?? throw new InvalidOperationException("The runner file " + name + " is missing from the engine assembly.");
            using var r = new StreamReader(s, Encoding.UTF8);
            files[name] = r.ReadToEnd().Replace("\r\n", "\n", StringComparison.Ordinal);
        }
        return files;
    }

    private static string ComputeVersion()
    {
        var all = string.Concat(Files.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => f.Key + "\0" + f.Value + "\0"));
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(all)))[..12].ToLowerInvariant();
    }
}
