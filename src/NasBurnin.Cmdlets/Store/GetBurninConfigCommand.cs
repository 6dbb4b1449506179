using System.Management.Automation;
using NasBurnin.Common;
using NasBurnin.Engine.Store;

namespace NasBurnin.Store;

/// <summary>Get-BurninConfig: the effective settings of the session's store.</summary>
[Cmdlet(VerbsCommon.Get, "BurninConfig")]
[OutputType(typeof(BurninConfig))]
public sealed class GetBurninConfigCommand : BurninCmdlet
{
    protected override void EndProcessing()
    {
        var store = Store;
        WriteObject(BurninConfig.From(Terminating(() => new ConfigFacade(store).Settings(), store.Path), store.Path));
    }
}
