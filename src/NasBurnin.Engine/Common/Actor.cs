namespace NasBurnin.Engine.Common;

/// <summary>
/// Who does something and from where: recorded on every run, stage and audit event. The operator is
/// the signed-in NasBurnin user, or the OS user while the store has no users.
/// </summary>
public sealed record Actor(string Operator, string Source)
{
    /// <summary>The OS user of this process, from the current source.</summary>
    public static Actor OsUser() => new(Environment.UserName, CurrentSource());

    /// <summary>
    /// The SSH client address when pwsh runs inside an SSH session (<c>SSH_CLIENT</c> or
    /// <c>SSH_CONNECTION</c>), else the machine and OS user.
    /// </summary>
    public static string CurrentSource() => SourceFrom(
        Environment.GetEnvironmentVariable("SSH_CLIENT"),
        Environment.GetEnvironmentVariable("SSH_CONNECTION"),
        Environment.MachineName,
        Environment.UserName);

    public static string SourceFrom(string? sshClient, string? sshConnection, string machine, string user)
    {
        var ssh = !string.IsNullOrWhiteSpace(sshClient) ? sshClient : sshConnection;
        if (!string.IsNullOrWhiteSpace(ssh))
        {
            var address = ssh.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
            return "ssh:" + address;
        }
        return $"local:{machine}\\{user}";
    }
}
