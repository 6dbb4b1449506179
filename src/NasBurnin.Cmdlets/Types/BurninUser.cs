namespace NasBurnin;

/// <summary>A NasBurnin operator account. It never carries the password hash.</summary>
public sealed class BurninUser
{
    public string UserName { get; init; } = "";
    public string? FullName { get; init; }
    public bool IsAdmin { get; init; }
    public bool IsDisabled { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; init; }
    public DateTime? PasswordChangedAt { get; init; }
    public DateTime? LastLoginAt { get; init; }

    /// <summary>Sources (SSH client address, or machine and OS user) locked out for this user now.</summary>
    public string[] LockedSources { get; init; } = Array.Empty<string>();

    /// <summary>When the last of those lockouts ends (UTC), if any.</summary>
    public DateTime? LockedUntil { get; init; }

    internal static BurninUser From(NasBurnin.Engine.Auth.UserRecord u) => new()
    {
        UserName = u.UserName,
        FullName = u.FullName,
        IsAdmin = u.IsAdmin,
        IsDisabled = u.IsDisabled,
        CreatedAt = u.CreatedAt.UtcDateTime,
        UpdatedAt = u.UpdatedAt.UtcDateTime,
        PasswordChangedAt = u.PasswordChangedAt?.UtcDateTime,
        LastLoginAt = u.LastLoginAt?.UtcDateTime,
        LockedSources = u.Locks.Select(l => l.Source).ToArray(),
        LockedUntil = u.Locks.Count == 0 ? null : u.Locks.Max(l => l.LockedUntil).UtcDateTime,
    };
}
