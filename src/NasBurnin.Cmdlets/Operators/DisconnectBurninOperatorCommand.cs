using System.Management.Automation;
using NasBurnin.Common;
using NasBurnin.Engine.Auth;
using NasBurnin.Engine.Common;

namespace NasBurnin.Operators;

/// <summary>Disconnect-BurninOperator: sign out of the session's store; records user_logout.</summary>
[Cmdlet(VerbsCommunications.Disconnect, "BurninOperator")]
[OutputType(typeof(void))]
public sealed class DisconnectBurninOperatorCommand : BurninCmdlet
{
    protected override void ProcessRecord()
    {
        var store = Store;
        var session = ModuleSession.Current;
        if (session.SignedInOperator is not { } name)
        {
            WriteVerbose("Nobody is signed in to this store; nothing to do.");
            return;
        }
        Terminating(() => { new OperatorsFacade(store).SignOut(name, Actor.CurrentSource()); return true; }, name);
        session.SignOut();
        WriteVerbose($"'{name}' signed out of '{store.Path}'.");
    }
}
