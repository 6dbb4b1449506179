using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;

namespace NasBurnin.Loading;

/// <summary>
/// Runs when the module is imported: answers the default context's request for the engine by loading it
/// into the private context. The engine's own references then resolve inside that context, except the
/// shared enums (NasBurnin.Contracts): the manifest loads those into the default context beside the cmdlet
/// assembly (RequiredAssemblies), before PowerShell reflects over the parameter types, and the private
/// context defers to that copy. Should a host load the cmdlet assembly without the manifest, the handler
/// answers for the enums from the module folder too.
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    private static readonly string ModuleDir = Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location)!;

    private static readonly string DepsDir = Path.Combine(ModuleDir, "deps");

    private static readonly Lazy<ModuleLoadContext> Context = new(() => new ModuleLoadContext(DepsDir));

    private static int _registered;

    internal static AssemblyLoadContext LoadContext => Context.Value;

    public void OnImport()
    {
        // Process-wide and registered once: a second import in another runspace must not add a second
        // handler, and removing the module must not strip the handler from runspaces still using it.
        if (Interlocked.Exchange(ref _registered, 1) == 0)
            AssemblyLoadContext.Default.Resolving += ResolveEngine;
    }

    public void OnRemove(PSModuleInfo module)
    {
        // Assemblies cannot be unloaded; keep the resolver so other runspaces keep working. This
        // runspace's host connections close with the module.
        Common.ModuleSession.Current.Shells.CloseAll();
    }

    private static Assembly? ResolveEngine(AssemblyLoadContext context, AssemblyName name) => name.Name switch
    {
        "NasBurnin.Engine" => Context.Value.LoadFromAssemblyName(name),
        ModuleLoadContext.ContractsName => AssemblyLoadContext.Default.LoadFromAssemblyPath(Path.Combine(ModuleDir, name.Name + ".dll")),
        _ => null,
    };
}
