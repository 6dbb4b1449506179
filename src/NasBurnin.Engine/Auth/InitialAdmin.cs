using NasBurnin.Engine.Common;
using NasBurnin.Engine.Store;

namespace NasBurnin.Engine.Auth;

/// <summary>
/// Unattended first-user setup: <c>NASBURNIN_INITIAL_ADMIN_USERNAME</c> and
/// <c>NASBURNIN_INITIAL_ADMIN_PASSWORD</c> create the first admin when a store with no users is opened,
/// and are ignored once any user exists. The password is only ever stored as its bcrypt hash.
/// A half-set or invalid pair fails the open: silently carrying on would leave the store without the
/// sign-in its owner asked for.
/// </summary>
public static class InitialAdmin
{
    public const string UserNameVariable = "NASBURNIN_INITIAL_ADMIN_USERNAME";
    public const string PasswordVariable = "NASBURNIN_INITIAL_ADMIN_PASSWORD";

    /// <summary>Reads the two variables of this process; see <see cref="Apply"/>.</summary>
    public static UserRecord? ApplyFromEnvironment(BurninStore store, IPasswordHasher? hasher = null) =>
        Apply(store, Environment.GetEnvironmentVariable(UserNameVariable), Environment.GetEnvironmentVariable(PasswordVariable), hasher);

    /// <summary>Creates the first admin when the store has no users; returns it, or null when nothing was done.</summary>
    public static UserRecord? Apply(BurninStore store, string? userName, string? password, IPasswordHasher? hasher = null)
    {
        var hasName = !string.IsNullOrWhiteSpace(userName);
        var hasPassword = !string.IsNullOrEmpty(password);
        if (!hasName && !hasPassword)
            return null;
        var users = new UserRepository(store, hasher);
        if (users.AnyUsers())
            return null;
        if (!hasName || !hasPassword)
            throw new BurninException("InitialAdminIncomplete", ErrorKind.InvalidArgument,
                $"Only one of {UserNameVariable} and {PasswordVariable} is set, and the store '{store.Path}' has no users yet. " +
                "Set both to create the first admin, or neither to create it with New-BurninUser.") { Target = store.Path };

        string name, hash;
        // The environment hands the password over as a string; copy it out once and clear the copy.
        var chars = password!.ToCharArray();
        try
        {
            name = UserRepository.ValidateUserName(userName);
            PasswordRules.Validate(chars, name);
            hash = (hasher ?? BcryptPasswordHasher.Instance).Hash(chars);
        }
        catch (BurninException e)
        {
            throw new BurninException("InitialAdminInvalid", ErrorKind.InvalidArgument,
                $"The initial admin from {UserNameVariable}/{PasswordVariable} cannot be created: {e.Message}", e) { Target = store.Path };
        }
        finally
        {
            Array.Clear(chars);
        }
        // Another process may have created the first user meanwhile: then this one does nothing.
        return store.Write((c, tx) => UserRepository.AnyUsers(c, tx)
            ? null
            : UserRepository.Insert(c, tx, store.Clock, name, null, isAdmin: true, hash, Actor.OsUser(), firstUserSetup: true,
                note: $"from {UserNameVariable} and {PasswordVariable}"));
    }
}
