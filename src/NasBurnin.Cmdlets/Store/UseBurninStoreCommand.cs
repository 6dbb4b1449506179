using System.Management.Automation;
using NasBurnin.Common;
using NasBurnin.Engine.Store;

namespace NasBurnin.Store;

/// <summary>Use-BurninStore: switch this session to another store file, creating it when missing.</summary>
[Cmdlet(VerbsOther.Use, "BurninStore")]
[OutputType(typeof(BurninStoreInfo))]
public sealed class UseBurninStoreCommand : BurninCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>Write the store's description to the pipeline.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var full = ResolveFilePath(Path);
        var store = Terminating(() => ModuleSession.Current.UseStore(full), full);
        WriteVerbose($"This session now uses the store '{store.Path}'.");
        if (PassThru)
            WriteObject(BurninStoreInfo.From(Terminating(new ConfigFacade(store).Info, store.Path)));
    }
}
