using System.Management.Automation;
using NasBurnin.Completion;
using NasBurnin.Common;
using NasBurnin.Engine.Auth;

namespace NasBurnin.Operators;

/// <summary>Remove-BurninUser: delete operator accounts (a signed-in admin only; never the last enabled admin).</summary>
[Cmdlet(VerbsCommon.Remove, "BurninUser", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(void))]
public sealed class RemoveBurninUserCommand : BurninCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(UserNameCompleter))]
    public string[] UserName { get; set; } = Array.Empty<string>();

    protected override void ProcessRecord()
    {
        var store = Store;
        var gate = RequireAdmin();
        foreach (var name in UserName)
        {
            if (!ShouldProcess(name, "Remove the NasBurnin user"))
                continue;
            if (PerItem(() => new OperatorsFacade(store).RemoveUser(name, gate.Actor), name)
                && string.Equals(ModuleSession.Current.SignedInOperator, name, StringComparison.OrdinalIgnoreCase))
            {
                ModuleSession.Current.SignOut();
                WriteWarning($"You removed your own user '{name}' and are now signed out.");
            }
        }
    }
}
