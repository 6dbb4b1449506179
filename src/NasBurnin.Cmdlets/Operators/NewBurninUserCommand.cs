using System.Management.Automation;
using System.Security;
using NasBurnin.Common;
using NasBurnin.Engine.Auth;

namespace NasBurnin.Operators;

/// <summary>
/// New-BurninUser: create an operator account. While the store has no users anyone may create the
/// first one (always an admin); after that only a signed-in admin may. Without -Password it prompts
/// twice, securely, and fails instead of hanging when nobody can answer.
/// </summary>
[Cmdlet(VerbsCommon.New, "BurninUser", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(BurninUser))]
public sealed class NewBurninUserCommand : BurninCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string UserName { get; set; } = "";

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? FullName { get; set; }

    /// <summary>Make the user an admin. Not bound from the pipeline: granting admin is always explicit.</summary>
    [Parameter]
    public SwitchParameter Admin { get; set; }

    [Parameter]
    public SecureString? Password { get; set; }

    protected override void ProcessRecord()
    {
        var store = Store;
        var name = Terminating(() => OperatorsFacade.ValidateUserName(UserName), UserName);
        var gate = RequireAdmin();
        var what = gate.FirstUserSetup ? "Create the first NasBurnin user, as an admin" : $"Create a NasBurnin {(Admin ? "admin" : "operator")}";
        if (!ShouldProcess(name, what))
            return;
        var secure = Password ?? PasswordPrompt.ReadNew(this, name, nameof(Password));
        UserRecord user;
        using (var password = SecretChars.From(secure))
            user = Terminating(() => new OperatorsFacade(store).CreateUser(name, FullName, Admin, password.Chars, gate.Actor, gate.FirstUserSetup), name);
        if (gate.FirstUserSetup && !Admin)
            WriteWarning($"'{user.UserName}' is the first user of this store, so it was made an admin. From now on, destructive commands need a signed-in operator (Connect-BurninOperator).");
        WriteObject(BurninUser.From(user));
    }
}
