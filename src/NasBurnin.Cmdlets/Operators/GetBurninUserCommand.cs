using System.Management.Automation;
using NasBurnin.Completion;
using NasBurnin.Common;
using NasBurnin.Engine.Auth;

namespace NasBurnin.Operators;

/// <summary>Get-BurninUser: list operator accounts, with their current lockouts. Needs a signed-in operator once users exist.</summary>
[Cmdlet(VerbsCommon.Get, "BurninUser")]
[OutputType(typeof(BurninUser))]
public sealed class GetBurninUserCommand : BurninCmdlet
{
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(UserNameCompleter))]
    public string[]? UserName { get; set; }

    protected override void ProcessRecord()
    {
        var store = Store;
        RequireOperator();
        var users = Terminating(() => new OperatorsFacade(store).ListUsers(), store.Path);
        if (UserName is null)
        {
            foreach (var u in users) WriteObject(BurninUser.From(u));
            return;
        }
        foreach (var pattern in NamePatterns.Parse(this, UserName)!)
        {
            NamePatterns.ReportUnmatched(this, new[] { pattern }, users.Select(u => u.UserName), OperatorsFacade.UserNotFound);
            foreach (var u in users.Where(u => pattern.IsMatch(u.UserName))) WriteObject(BurninUser.From(u));
        }
    }
}
