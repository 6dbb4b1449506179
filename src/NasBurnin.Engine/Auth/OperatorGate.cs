using NasBurnin.Engine.Common;
using NasBurnin.Engine.Store;

namespace NasBurnin.Engine.Auth;

/// <summary>
/// Who may act. While the store has no users the operator is the OS user; once one exists, destructive
/// work needs a signed-in operator who still exists and is enabled, and user administration needs an
/// admin. The cmdlets reach this through <c>BurninCmdlet.RequireOperator()</c> and <c>RequireAdmin()</c>.
/// </summary>
public static class OperatorGate
{
    public const string SignInCommand = "Connect-BurninOperator";

    /// <summary>
    /// The actor for a destructive action: the OS user while there are no users, else the signed-in
    /// operator. Throws OperatorSignInRequired when nobody (or a since disabled or removed user) is signed in.
    /// </summary>
    public static Actor RequireOperator(BurninStore store, string? signedInUser, string source) =>
        Resolve(store, signedInUser, source, admin: false).Actor;

    /// <summary>
    /// The actor for user administration: a signed-in, enabled admin. While the users table is empty
    /// the OS user passes instead (first-user setup: someone must create the first admin), and
    /// <see cref="GateResult.FirstUserSetup"/> says so; the insert re-checks emptiness in its transaction.
    /// </summary>
    /// <param name="action">What the admin is needed for, for the refusal ("administer users", "change host settings").</param>
    public static GateResult RequireAdmin(BurninStore store, string? signedInUser, string source, string action = "administer users") =>
        Resolve(store, signedInUser, source, admin: true, action);

    private static GateResult Resolve(BurninStore store, string? signedInUser, string source, bool admin, string adminAction = "administer users") =>
        store.Read(c =>
        {
            if (!UserRepository.AnyUsers(c, null))
                return new GateResult(Actor.OsUser() with { Source = source }, FirstUserSetup: true);
            var action = admin ? adminAction : "do this";
            if (signedInUser is null)
                throw SignInRequired($"This store has NasBurnin users, so you must sign in to {action}. Sign in with {SignInCommand} -Credential <user name>.");
            var user = UserRepository.Find(c, null, signedInUser, store.Clock.UtcNow);
            if (user is null)
                throw SignInRequired($"The signed-in operator '{signedInUser}' no longer exists in this store. Sign in again with {SignInCommand} -Credential <user name>.");
            if (user.IsDisabled)
                throw SignInRequired($"The signed-in operator '{user.UserName}' has been disabled. Sign in as an enabled user with {SignInCommand} -Credential <user name>.");
            if (admin && !user.IsAdmin)
                throw AdminRequiredError(adminAction, user.UserName);
            return new GateResult(new Actor(user.UserName, source), FirstUserSetup: false);
        });

    private static BurninException SignInRequired(string message) =>
        new("OperatorSignInRequired", ErrorKind.PermissionDenied, message);

    internal static BurninException AdminRequiredError(string action, string? who = null) =>
        new("AdminRequired", ErrorKind.PermissionDenied,
            who is null
                ? $"Only a signed-in admin may {action}: this store already has users. Sign in as an admin with {SignInCommand}."
                : $"'{who}' is not an admin; only an admin may {action}. Sign in as an admin with {SignInCommand}.");
}

/// <summary>The acting operator, and whether the action runs as the first-user setup of an empty store.</summary>
public sealed record GateResult(Actor Actor, bool FirstUserSetup);
