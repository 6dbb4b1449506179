using System.Management.Automation;
using NasBurnin.Completion;
using System.Security;
using NasBurnin.Common;
using NasBurnin.Engine.Auth;
using NasBurnin.Engine.Common;

namespace NasBurnin.Operators;

/// <summary>
/// Set-BurninUserPassword: change a password given the current one. The current password is checked
/// like a sign-in (same lockout, same answers). Prompts for what is not given: current, new, and the
/// new one again.
/// </summary>
[Cmdlet(VerbsCommon.Set, "BurninUserPassword", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(BurninUser))]
public sealed class SetBurninUserPasswordCommand : BurninCmdlet
{
    /// <summary>Defaults to the signed-in operator.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(UserNameCompleter))]
    public string? UserName { get; set; }

    [Parameter]
    public SecureString? CurrentPassword { get; set; }

    [Parameter]
    public SecureString? NewPassword { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var store = Store;
        var name = UserName ?? ModuleSession.Current.SignedInOperator;
        if (name is null)
            ThrowTerminatingError(ErrorRecords.Create("UserNameRequired", ErrorCategory.InvalidArgument,
                "Nobody is signed in, so name the user whose password to change with -UserName, or sign in first with Connect-BurninOperator.", null));
        name = Terminating(() => OperatorsFacade.ValidateUserName(name), name);
        if (!ShouldProcess(name, "Change the password"))
            return;
        var current = CurrentPassword ?? PasswordPrompt.Read(this, $"Current password for '{name}'", nameof(CurrentPassword));
        var next = NewPassword ?? PasswordPrompt.ReadNew(this, name, nameof(NewPassword));
        UserRecord user;
        using (var c = SecretChars.From(current))
        using (var n = SecretChars.From(next))
            user = Terminating(() => new OperatorsFacade(store).ChangePassword(name, c.Chars, n.Chars, Actor.CurrentSource()), name);
        WriteVerbose($"The password of '{user.UserName}' was changed.");
        if (PassThru)
            WriteObject(BurninUser.From(user));
    }
}
