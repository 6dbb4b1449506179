using NasBurnin.Engine.Common;
using NasBurnin.Engine.Store;

namespace NasBurnin.Engine.Auth;

/// <summary>Who the session's sign-in stands for: the user's record (null when gone) and whether the store has users.</summary>
public sealed record SignInStatus(UserRecord? User, bool AnyUsers);

/// <summary>
/// The Operators feature, as the cmdlets see it (Connect/Disconnect/Get-BurninOperator, *-BurninUser):
/// sign-in, sign-out, password changes and the user accounts. It owns the <c>users</c> and
/// <c>login_failures</c> tables, through <see cref="UserRepository"/>, <see cref="LoginService"/> and
/// <see cref="LockoutPolicy"/>; nothing else writes them.
/// </summary>
public sealed class OperatorsFacade
{
    private readonly UserRepository _users;
    private readonly LoginService _login;

    public OperatorsFacade(BurninStore store, IPasswordHasher? hasher = null)
    {
        _users = new UserRepository(store, hasher);
        _login = new LoginService(store, hasher);
    }

    /// <inheritdoc cref="UserRepository.ValidateUserName"/>
    public static string ValidateUserName(string? userName) => UserRepository.ValidateUserName(userName);

    /// <summary>The error for a user name that is not in the store (UserNotFound).</summary>
    public static BurninException UserNotFound(string userName) => UserRepository.NotFound(userName);

    /// <summary>Signs <paramref name="userName"/> in; when someone else was signed in before, records their sign-out.</summary>
    public UserRecord SignIn(string userName, ReadOnlySpan<char> password, string source, string? previous)
    {
        var user = _login.SignIn(userName, password, source);
        if (previous is not null && !string.Equals(previous, user.UserName, StringComparison.OrdinalIgnoreCase))
            _login.SignOut(previous, source);
        return user;
    }

    public void SignOut(string userName, string source) => _login.SignOut(userName, source);

    public UserRecord ChangePassword(string userName, ReadOnlySpan<char> currentPassword, ReadOnlySpan<char> newPassword, string source) =>
        _login.ChangePassword(userName, currentPassword, newPassword, source);

    /// <summary>The signed-in user's current record, for Get-BurninOperator.</summary>
    public SignInStatus Status(string? signedInUser) =>
        new(signedInUser is null ? null : _users.Find(signedInUser), _users.AnyUsers());

    public IReadOnlyList<UserRecord> ListUsers() => _users.List();

    public UserRecord GetUser(string userName) => _users.Get(userName);

    public UserRecord CreateUser(string userName, string? fullName, bool isAdmin, ReadOnlySpan<char> password, Actor actor, bool firstUserSetup) =>
        _users.Create(userName, fullName, isAdmin, password, actor, firstUserSetup);

    public UserRecord UpdateUser(string userName, UserChanges changes, Actor actor) => _users.Update(userName, changes, actor);

    public void RemoveUser(string userName, Actor actor) => _users.Remove(userName, actor);

    public UserRecord ResetUser(string userName, ReadOnlySpan<char> newPassword, Actor actor) => _users.Reset(userName, newPassword, actor);
}
