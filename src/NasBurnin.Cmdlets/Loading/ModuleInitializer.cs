using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;

namespace NasBurnin.Loading;

/// <summary>
/// Runs when the module is imported: answers the default context's request for the engine (the only
/// assembly the cmdlets reference directly) by loading it into the private context. The engine's own
/// references then resolve inside that context.
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    private static readonly string DepsDir =
        Path.Combine(Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location)!, "deps");

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

    private static Assembly? ResolveEngine(AssemblyLoadContext context, AssemblyName name) =>
        name.Name == "NasBurnin.Engine" ? Context.Value.LoadFromAssemblyName(name) : null;
}
