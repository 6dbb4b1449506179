using System.Globalization;
using NasBurnin.Engine.Common;

namespace NasBurnin.Engine.Store;

/// <summary>One configurable setting: its name (also the cmdlet parameter), default and accepted values.</summary>
public sealed class SettingDefinition
{
    private readonly Func<object, string?> _check;

    private SettingDefinition(string name, Type type, object defaultValue, string accepted, Func<object, string?> check, string description)
    {
        Name = name;
        Type = type;
        Default = defaultValue;
        Accepted = accepted;
        _check = check;
        Description = description;
    }

    public string Name { get; }
    public Type Type { get; }
    public object Default { get; }
    /// <summary>Human-readable description of the accepted values, used in error messages.</summary>
    public string Accepted { get; }
    public string Description { get; }

    internal static SettingDefinition Int(string name, int def, int min, int max, string description) =>
        new(name, typeof(int), def, $"a whole number from {min} to {max}",
            v => v is int i && i >= min && i <= max ? null : "out of range", description);

    internal static SettingDefinition Bool(string name, bool def, string description) =>
        new(name, typeof(bool), def, "$true or $false", v => v is bool ? null : "not a boolean", description);

    internal static SettingDefinition Number(string name, double def, double min, double max, string description) =>
        new(name, typeof(double), def, $"a number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}",
            v => v is double d && !double.IsNaN(d) && d >= min && d <= max ? null : "out of range", description);

    /// <summary>Remote paths end up in commands on the NAS: the same rule as the host cmdlets' (<see cref="SafePaths"/>).</summary>
    internal static SettingDefinition RemotePath(string name, string def, string description) =>
        new(name, typeof(string), def, SafePaths.Accepted,
            v => v is string s && SafePaths.IsSafe(s) ? null : "not a safe path", description);

    /// <summary>Converts and checks a value; throws a BurninException naming the setting and what is accepted.</summary>
    public object Normalize(object? value)
    {
        object? converted;
        try
        {
            converted = Type == typeof(string)
                ? value as string
                : value is null ? null : Convert.ChangeType(value, Type, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is FormatException or InvalidCastException or OverflowException)
        {
            converted = null;
        }
        if (converted is null || _check(converted) is not null)
        {
            throw new BurninException("InvalidSettingValue", ErrorKind.InvalidArgument,
                $"The value '{value}' is not valid for the setting {Name}. {Name} accepts {Accepted}.") { Target = Name };
        }
        return converted;
    }

    internal string Format(object value) => Convert.ToString(value, CultureInfo.InvariantCulture)!;

    internal object Parse(string text)
    {
        try { return Normalize(Type == typeof(string) ? text : Convert.ChangeType(text, Type, CultureInfo.InvariantCulture)); }
        catch (Exception e) when (e is BurninException or FormatException or InvalidCastException or OverflowException)
        {
            return Default; // a value written by a newer or broken tool: fall back rather than fail every command
        }
    }
}

/// <summary>The settings NasBurnin knows; names match the Set-BurninConfig parameters.</summary>
public static class SettingDefinitions
{
    public static readonly SettingDefinition LogRetentionDays =
        SettingDefinition.Int(nameof(LogRetentionDays), 35, 1, 3650, "Days a finished stage keeps its log text before retention prunes it.");
    public static readonly SettingDefinition BackupKeep =
        SettingDefinition.Int(nameof(BackupKeep), 14, 1, 1000, "How many daily store backups retention keeps.");
    public static readonly SettingDefinition PollIntervalMinutes =
        SettingDefinition.Int(nameof(PollIntervalMinutes), 15, 1, 1440, "How often a scheduled Sync-BurninInventory runs; the health check calls an inventory older than three intervals stale.");
    public static readonly SettingDefinition TemperatureLimitC =
        SettingDefinition.Int(nameof(TemperatureLimitC), 55, 30, 80, "Drive temperature (°C) at which work pauses; it resumes 5 °C lower and fails 5 °C higher.");
    public static readonly SettingDefinition HostWorkDir =
        SettingDefinition.RemotePath(nameof(HostWorkDir), "/var/tmp/nasburnin", "Folder on each NAS where runners keep their state, unless the host sets its own.");
    public static readonly SettingDefinition MaxParallelRuns =
        SettingDefinition.Int(nameof(MaxParallelRuns), 4, 1, 64, "How many burn-in runs a host runs at once; the rest queue on the host.");
    public static readonly SettingDefinition StallHours =
        SettingDefinition.Number(nameof(StallHours), 6.0, 0.001, 720, "Hours without progress after which a running stage is reported Stalled.");

    public static readonly SettingDefinition RunnerPollSeconds =
        SettingDefinition.Int(nameof(RunnerPollSeconds), 30, 1, 600, "How often the runner on a NAS checks self-tests and drive temperature.");

    public static readonly SettingDefinition AutoResume =
        SettingDefinition.Bool(nameof(AutoResume), false, "Whether Sync-BurninInventory resumes Interrupted runs whose drives pass every check (audited under the operator who started the run).");

    public static IReadOnlyList<SettingDefinition> All { get; } = new[]
    {
        LogRetentionDays, BackupKeep, PollIntervalMinutes, TemperatureLimitC, HostWorkDir, MaxParallelRuns, StallHours, RunnerPollSeconds, AutoResume,
    };

    public static SettingDefinition Find(string name) =>
        All.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new BurninException("UnknownSetting", ErrorKind.InvalidArgument,
            $"There is no setting named '{name}'. Known settings: {string.Join(", ", All.Select(d => d.Name))}.") { Target = name };
}
