using System.Management.Automation;
using NasBurnin.Completion;
using NasBurnin.Common;
using NasBurnin.Engine.Auth;

namespace NasBurnin.Operators;

/// <summary>
/// Set-BurninUser: change a user's full name, admin right or disabled state (a signed-in admin only).
/// The last enabled admin can be neither demoted nor disabled.
/// </summary>
[Cmdlet(VerbsCommon.Set, "BurninUser", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(BurninUser))]
public sealed class SetBurninUserCommand : BurninCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(UserNameCompleter))]
    public string UserName { get; set; } = "";

    /// <summary>New full name; an empty string clears it.</summary>
    [Parameter]
    [AllowEmptyString]
    public string? FullName { get; set; }

    /// <summary>-Admin grants, -Admin:$false removes admin rights. Never bound from the pipeline.</summary>
    [Parameter]
    public SwitchParameter Admin { get; set; }

    /// <summary>-Disabled blocks sign-in, -Disabled:$false allows it again. Never bound from the pipeline.</summary>
    [Parameter]
    public SwitchParameter Disabled { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var store = Store;
        var bound = MyInvocation.BoundParameters;
        var changes = new UserChanges(
            bound.ContainsKey(nameof(FullName)) ? FullName ?? "" : null,
            bound.ContainsKey(nameof(Admin)) ? Admin.IsPresent : null,
            bound.ContainsKey(nameof(Disabled)) ? Disabled.IsPresent : null);
        var gate = RequireAdmin();
        if (changes == new UserChanges())
            WriteWarning($"No change was given for '{UserName}'; nothing changed. Name one, for example -FullName, -Admin or -Disabled.");
        var description = string.Join(", ", new[]
        {
            changes.FullName is null ? null : $"FullName = '{changes.FullName}'",
            changes.IsAdmin is null ? null : $"IsAdmin = {changes.IsAdmin}",
            changes.IsDisabled is null ? null : $"IsDisabled = {changes.IsDisabled}",
        }.Where(x => x is not null));
        UserRecord? user = null;
        if (description.Length > 0 && !ShouldProcess(UserName, $"Set {description}"))
            return;
        if (PerItem(() => user = new OperatorsFacade(store).UpdateUser(UserName, changes, gate.Actor), UserName) && PassThru)
            WriteObject(BurninUser.From(user!));
    }
}
