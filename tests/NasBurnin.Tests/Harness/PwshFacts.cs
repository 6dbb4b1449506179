using Xunit;

namespace NasBurnin.Tests.Harness;

/// <summary>A fact that needs the real pwsh (<see cref="RealPwsh"/>): skipped, with the reason shown, where there is none.</summary>
public sealed class PwshFactAttribute : FactAttribute
{
    public PwshFactAttribute()
    {
        if (RealPwsh.Path is null)
            Skip = SkipReason;
    }

    internal static string SkipReason => $"No real pwsh here: set {RealPwsh.Variable}, or put the shared pwsh at {RealPwsh.Installer}.";
}

/// <summary>A theory that needs the real pwsh: skipped, with the reason shown, where there is none.</summary>
public sealed class PwshTheoryAttribute : TheoryAttribute
{
    public PwshTheoryAttribute()
    {
        if (RealPwsh.Path is null)
            Skip = PwshFactAttribute.SkipReason;
    }
}
