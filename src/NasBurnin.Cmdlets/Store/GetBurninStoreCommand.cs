using System.Management.Automation;
using NasBurnin.Common;
using NasBurnin.Engine.Store;

namespace NasBurnin.Store;

/// <summary>Get-BurninStore: the session's store file, schema version, size, journal mode and row counts.</summary>
[Cmdlet(VerbsCommon.Get, "BurninStore")]
[OutputType(typeof(BurninStoreInfo))]
public sealed class GetBurninStoreCommand : BurninCmdlet
{
    protected override void EndProcessing()
    {
        var store = Store;
        WriteObject(BurninStoreInfo.From(Terminating(new ConfigFacade(store).Info, store.Path)));
    }
}
