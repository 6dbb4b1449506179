using NasBurnin.Engine.Common;

namespace NasBurnin.Engine.Notifications;

/// <summary>
/// Reads a channel's secret at send time from where its configuration points: an environment variable, or a
/// file only its owner can read. A file that group or others may read is refused (its secret may already have
/// leaked; fix the mode first). The secret never enters the store, a message, an audit event or an error.
/// </summary>
internal static class SecretReader
{
    public static string? Read(NotificationChannel c)
    {
        if (c.SecretEnvironmentVariable is { } env)
        {
            var value = Environment.GetEnvironmentVariable(env);
            if (string.IsNullOrEmpty(value))
                throw Fail(c, "NotificationSecretMissing", $"the environment variable {env} that holds its secret is not set in this process (a scheduled task needs it in its own environment).");
            return value;
        }
        if (c.SecretFile is not { } file) return null;
        if (!File.Exists(file))
            throw Fail(c, "NotificationSecretMissing", $"its secret file '{file}' does not exist.");
        if (!OperatingSystem.IsWindows())
        {
            var mode = File.GetUnixFileMode(file);
            const UnixFileMode others = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
                                        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
            if ((mode & others) != 0)
                throw Fail(c, "NotificationSecretFileInsecure",
                    $"its secret file '{file}' has mode {Convert.ToString((int)mode, 8).PadLeft(4, '0')}, so others can read it. Make it readable by its owner only (chmod 600 '{file}'), and change the secret if others could have read it.");
        }
        try
        {
            var text = File.ReadAllText(file).TrimEnd('\r', '\n');
            if (text.Length == 0) throw Fail(c, "NotificationSecretMissing", $"its secret file '{file}' is empty.");
            return text;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Fail(c, "NotificationSecretUnreadable", $"its secret file '{file}' cannot be read: {e.Message}");
        }
    }

    private static BurninException Fail(NotificationChannel c, string id, string why) =>
        new(id, ErrorKind.PermissionDenied, $"Channel '{c.Name}' ({c.Kind} {c.Endpoint}): {why}") { Target = c.Name };
}
