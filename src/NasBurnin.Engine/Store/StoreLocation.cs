namespace NasBurnin.Engine.Store;

/// <summary>Where the store lives when the session has not chosen one with Use-BurninStore.</summary>
public static class StoreLocation
{
    public const string HomeVariable = "NASBURNIN_HOME";
    public const string FileName = "burnin.db";

    /// <summary>
    /// <c>$env:NASBURNIN_HOME</c> when set; else <c>%LOCALAPPDATA%\NasBurnin</c> on Windows and
    /// <c>$XDG_DATA_HOME/NasBurnin</c> (default <c>~/.local/share/NasBurnin</c>) elsewhere.
    /// </summary>
    public static string DefaultDirectory()
    {
        var home = Environment.GetEnvironmentVariable(HomeVariable);
        if (!string.IsNullOrWhiteSpace(home))
            return Path.GetFullPath(home);
        if (OperatingSystem.IsWindows())
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "NasBurnin");
        var xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        var dataHome = !string.IsNullOrWhiteSpace(xdg) && Path.IsPathRooted(xdg)
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        return Path.Combine(dataHome, "NasBurnin");
    }

    public static string DefaultPath() => Path.Combine(DefaultDirectory(), FileName);
}
