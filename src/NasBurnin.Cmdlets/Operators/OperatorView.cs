using NasBurnin.Common;
using NasBurnin.Engine.Auth;
using NasBurnin.Engine.Common;
using NasBurnin.Engine.Store;

namespace NasBurnin.Operators;

/// <summary>Builds the BurninOperator view of the current session, for Get- and Connect-BurninOperator.</summary>
internal static class OperatorView
{
    public static BurninOperator Current(BurninStore store)
    {
        var session = ModuleSession.Current;
        var signIn = session.CurrentSignIn;
        var status = new OperatorsFacade(store).Status(signIn?.UserName);
        var user = status.User;
        var valid = user is { IsDisabled: false };
        return new BurninOperator
        {
            UserName = signIn?.UserName ?? Environment.UserName,
            FullName = user?.FullName,
            IsAdmin = valid && user!.IsAdmin,
            IsSignedIn = signIn is not null,
            SignInRequired = !valid && status.AnyUsers,
            Source = Actor.CurrentSource(),
            SignedInAt = signIn?.At.UtcDateTime,
            StorePath = store.Path,
        };
    }
}
