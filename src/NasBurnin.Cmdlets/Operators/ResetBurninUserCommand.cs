using System.Management.Automation;
using NasBurnin.Completion;
using System.Security;
using NasBurnin.Common;
using NasBurnin.Engine.Auth;

namespace NasBurnin.Operators;

/// <summary>
/// Reset-BurninUser: the out-of-band recovery for whoever can write the store (a forgotten admin
/// password, a lockout to lift now). Sets a new password without the old one, clears every lockout of
/// the user, and records a user_reset audit event. Deliberately not behind the sign-in gate: it is the
/// way back in when nobody can sign in.
/// </summary>
[Cmdlet(VerbsCommon.Reset, "BurninUser", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(BurninUser))]
public sealed class ResetBurninUserCommand : BurninCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(UserNameCompleter))]
    public string UserName { get; set; } = "";

    [Parameter]
    public SecureString? NewPassword { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var store = Store;
        var operators = new OperatorsFacade(store);
        var name = Terminating(() => operators.GetUser(UserName).UserName, UserName);
        if (!ShouldProcess(name, "Reset the password and clear all lockouts"))
            return;
        var secure = NewPassword ?? PasswordPrompt.ReadNew(this, name, nameof(NewPassword));
        UserRecord user;
        using (var password = SecretChars.From(secure))
            user = Terminating(() => operators.ResetUser(name, password.Chars, ModuleSession.Current.Actor), name);
        WriteVerbose($"The password of '{user.UserName}' was reset and its lockouts cleared.");
        if (PassThru)
            WriteObject(BurninUser.From(user));
    }
}
