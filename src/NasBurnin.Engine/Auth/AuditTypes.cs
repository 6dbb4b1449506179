namespace NasBurnin.Engine.Auth;

/// <summary>The audit event types written for operators. Every one carries the source; none a secret.</summary>
public static class AuditTypes
{
    public const string Login = "user_login";
    public const string LoginFailed = "user_login_failed";
    public const string LoginLockedOut = "user_login_locked_out";
    public const string Logout = "user_logout";
    public const string PasswordChanged = "user_password_changed";
    public const string Created = "user_created";
    public const string Updated = "user_updated";
    public const string Removed = "user_removed";
    public const string Reset = "user_reset";
}
