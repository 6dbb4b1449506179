using System.Management.Automation;
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
    public string[]? UserName { get; set; }

    protected override void ProcessRecord()
    {
        var store = Store;
        RequireOperator();
        var users = Terminating(() => new UserRepository(store).List(), store.Path);
        if (UserName is null)
        {
            foreach (var u in users) WriteObject(BurninUser.From(u));
            return;
        }
        foreach (var pattern in UserName)
        {
            var wildcard = new WildcardPattern(pattern, WildcardOptions.IgnoreCase);
            var matches = users.Where(u => wildcard.IsMatch(u.UserName)).ToList();
            if (matches.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(pattern))
                WriteError(ErrorRecords.From(UserRepository.NotFound(pattern)));
            foreach (var u in matches) WriteObject(BurninUser.From(u));
        }
    }
}
