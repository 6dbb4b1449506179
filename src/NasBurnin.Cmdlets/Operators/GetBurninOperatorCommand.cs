using System.Management.Automation;
using NasBurnin.Common;

namespace NasBurnin.Operators;

/// <summary>Get-BurninOperator: who acts in this session (the signed-in user, else the OS user), from which source.</summary>
[Cmdlet(VerbsCommon.Get, "BurninOperator")]
[OutputType(typeof(BurninOperator))]
public sealed class GetBurninOperatorCommand : BurninCmdlet
{
    protected override void ProcessRecord()
    {
        var store = Store;
        var view = Terminating(() => OperatorView.Current(store), store.Path);
        if (view.IsSignedIn && view.SignInRequired)
            WriteWarning($"The signed-in user '{view.UserName}' has since been disabled or removed; destructive commands will refuse until you sign in again with Connect-BurninOperator.");
        WriteObject(view);
    }
}
