using System.Management.Automation;
using NasBurnin.Common;
using NasBurnin.Engine.Auth;
using NasBurnin.Engine.Common;

namespace NasBurnin.Operators;

/// <summary>
/// Connect-BurninOperator: sign in to the session's store as a NasBurnin user. From then on this
/// session's runs, stages and audit events carry that user name. A failure leaves the session as it was.
/// </summary>
[Cmdlet(VerbsCommunications.Connect, "BurninOperator")]
[OutputType(typeof(BurninOperator))]
public sealed class ConnectBurninOperatorCommand : BurninCmdlet
{
    [Parameter(Mandatory = true, Position = 0)]
    [PromptedCredential]
    [ValidateNotNull]
    public PSCredential Credential { get; set; } = PSCredential.Empty;

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var store = Store;
        if (Credential == PSCredential.Empty || Credential.Password is null)
            ThrowTerminatingError(ErrorRecords.Create("CredentialRequired", ErrorCategory.InvalidArgument,
                "Give a user name and password with -Credential, for example -Credential (Get-Credential).", null));
        var source = Actor.CurrentSource();
        var session = ModuleSession.Current;
        var previous = session.SignedInOperator;
        UserRecord user;
        using (var password = SecretChars.From(Credential.Password!))
            user = Terminating(() => new OperatorsFacade(store).SignIn(Credential.UserName, password.Chars, source, previous), Credential.UserName);
        session.SignIn(user.UserName, store.Path, store.Clock.UtcNow);
        if (store.Damage is { } damage)
            WriteWarning($"Signed in, but not recorded: the store is damaged and takes no writes ({damage.Finding}). Restore it with Restore-BurninStore.");
        WriteVerbose($"Signed in to '{store.Path}' as '{user.UserName}' from {source}.");
        if (PassThru)
            WriteObject(OperatorView.Current(store));
    }
}
