using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace NasBurnin.Loading;

/// <summary>
/// The private load context for the engine and its dependencies (SSH.NET, BouncyCastle, SQLite, BCrypt).
/// A session that already loaded another module's copy of those (Posh-SSH, for one) keeps its copy;
/// NasBurnin uses its own. Native SQLite is resolved here too, because PowerShell never reads a
/// module's deps.json.
/// </summary>
internal sealed class ModuleLoadContext : AssemblyLoadContext
{
    /// <summary>The shared enums, which stay in the default context (see ModuleInitializer).</summary>
    internal const string ContractsName = "NasBurnin.Contracts";

    private readonly string _depsDir;
    private readonly ConcurrentDictionary<string, IntPtr> _natives = new(StringComparer.Ordinal);

    public ModuleLoadContext(string depsDir) : base("NasBurnin", isCollectible: false) => _depsDir = depsDir;

    protected override Assembly? Load(AssemblyName name)
    {
        // Anything shipped in deps/ loads here; everything else (the framework, PowerShell) falls back
        // to the default context by returning null. The shared enums always do, even if a copy strayed into
        // deps/: the cmdlets' parameters and the engine must see one type identity.
        if (name.Name == ContractsName) return null;
        var candidate = Path.Combine(_depsDir, name.Name + ".dll");
        return File.Exists(candidate) ? LoadFromAssemblyPath(candidate) : null;
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName) =>
        _natives.GetOrAdd(unmanagedDllName, n =>
        {
            foreach (var path in NativeCandidates(n))
                if (File.Exists(path) && NativeLibrary.TryLoad(path, out var handle))
                    return handle;
            return IntPtr.Zero; // let the runtime's default probing try
        });

    private IEnumerable<string> NativeCandidates(string name)
    {
        var file = Path.GetFileName(name);
        string[] names = OperatingSystem.IsWindows() ? new[] { file, file + ".dll" }
            : OperatingSystem.IsMacOS() ? new[] { "lib" + file + ".dylib", file + ".dylib", file }
            : new[] { "lib" + file + ".so", file + ".so", file };
        foreach (var rid in RuntimeIds())
            foreach (var n in names)
                yield return Path.Combine(_depsDir, "runtimes", rid, "native", n);
    }

    /// <summary>The RIDs to probe, most specific first (linux-musl-x64 before linux-x64).</summary>
    internal static IEnumerable<string> RuntimeIds()
    {
        var arch = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => "x64",
            Architecture.Arm64 => "arm64",
            Architecture.X86 => "x86",
            Architecture.Arm => "arm",
            var a => a.ToString().ToLowerInvariant(),
        };
        if (OperatingSystem.IsWindows()) { yield return "win-" + arch; yield break; }
        if (OperatingSystem.IsMacOS()) { yield return "osx-" + arch; yield break; }
        if (IsMusl()) yield return "linux-musl-" + arch;
        yield return "linux-" + arch;
    }

    private static bool IsMusl() =>
        Directory.Exists("/lib") && Directory.EnumerateFiles("/lib", "ld-musl-*").Any();
}
