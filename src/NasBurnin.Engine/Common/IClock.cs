namespace NasBurnin.Engine.Common;

/// <summary>The time source; injectable so lockouts, expiries and retention are testable without sleeps.</summary>
public interface IClock
{
    DateTimeOffset UtcNow { get; }
}

public sealed class SystemClock : IClock
{
    public static readonly SystemClock Instance = new();
    public DateTimeOffset UtcNow => DateTimeOffset.UtcNow;
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
