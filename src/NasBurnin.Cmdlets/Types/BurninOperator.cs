namespace NasBurnin;

/// <summary>Who acts in this session, from where, and whether the store needs a sign-in.</summary>
public sealed class BurninOperator
{
    /// <summary>The signed-in NasBurnin user, else the OS user.</summary>
    public string UserName { get; init; } = "";
    public string? FullName { get; init; }
    public bool IsAdmin { get; init; }

    /// <summary>True when a NasBurnin user is signed in to this store with Connect-BurninOperator.</summary>
    public bool IsSignedIn { get; init; }

    /// <summary>True when the store has users and nobody is signed in: destructive cmdlets will refuse.</summary>
    public bool SignInRequired { get; init; }

    /// <summary>The SSH client address (ssh:...) or machine and OS user (local:...), as recorded in the audit trail.</summary>
    public string Source { get; init; } = "";
    public DateTime? SignedInAt { get; init; }
    public string StorePath { get; init; } = "";
}
