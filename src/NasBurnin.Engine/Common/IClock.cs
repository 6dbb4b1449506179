namespace NasBurnin.Engine.Common;

/// <summary>The time source; injectable so lockouts, expiries and retention are testable without sleeps.</summary>
public interface IClock
{
    DateTimeOffset UtcNow { get; }
}

public sealed class SystemClock : IClock
{
    public static readonly SystemClock Instance = new();
    public DateTimeOffset UtcNow => ClockOverride.UtcNow ?? DateTimeOffset.UtcNow;
}

/// <summary>
/// Test-only: a frozen "now" for the whole process, so module tests (and a second process they start)
/// can step through lockout windows without sleeping. Internal on purpose: PowerShell scripts cannot
/// name it, and reaching it takes reflection into the module's private load context, which constrained
/// language mode and JEA endpoints forbid. A full-language user who can do that can equally edit the
/// store file they must be able to write, so it gives nobody a way around a lockout they did not
/// already have. Deliberately not an environment variable: constrained language may set those.
/// </summary>
internal static class ClockOverride
{
    private static volatile object? _value;

    internal static DateTimeOffset? UtcNow
    {
        get => (DateTimeOffset?)_value;
        set => _value = value;
    }
}

/// <summary>Times are stored as UTC ISO-8601 text so they sort and compare as strings.</summary>
public static class StoreTime
{
    public static string Format(DateTimeOffset t) =>
        t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    public static DateTimeOffset Parse(string s) =>
        DateTimeOffset.Parse(s, System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal);

    public static DateTimeOffset? ParseOrNull(object? value) =>
        value is string s && s.Length > 0 ? Parse(s) : null;
}
