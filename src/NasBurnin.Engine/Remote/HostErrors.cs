using NasBurnin.Engine.Common;

namespace NasBurnin.Engine.Remote;

/// <summary>
/// The errors of the remote layer, in one place so ids and wording stay stable. The target is always
/// the host name. No message ever carries a password or passphrase: none is ever passed in here.
/// </summary>
public static class HostErrors
{
    public static string Display(string host, int port) => port is 22 or 0 ? host : $"{host} port {port}";

    public static BurninException Unreachable(string host, int port, string reason, Exception? inner = null) =>
        new("HostUnreachable", ErrorKind.Connection,
            $"Cannot reach {Display(host, port)}: {reason}. Check the host name, the port, the network and that sshd runs there.", inner) { Target = host };

    public static BurninException ConnectionLost(string host, int port, Exception? inner = null) =>
        new("HostConnectionLost", ErrorKind.Connection,
            $"The connection to {Display(host, port)} dropped while a command ran; the command's result is unknown. Run it again when the host answers.", inner) { Target = host };

    public static BurninException AuthenticationFailed(string host, int port, string user, string how, string reason, Exception? inner = null) =>
        new("HostAuthenticationFailed", ErrorKind.Authentication,
            $"{Display(host, port)} refused the login as '{user}' with {how} ({reason}). Check the user name and that the key or password is accepted there.", inner) { Target = host };

    public static BurninException KeyFileNotFound(string host, string path) =>
        new("KeyFileNotFound", ErrorKind.NotFound,
            $"The key file '{path}' for {host} does not exist. Give -KeyFilePath the path of an OpenSSH private key.") { Target = host };

    public static BurninException KeyFileIsFolder(string host, string path) =>
        new("KeyFileIsFolder", ErrorKind.InvalidArgument,
            $"The key file '{path}' for {host} is a folder, not a file. Give -KeyFilePath the path of an OpenSSH private key file, for example '{Path.Combine(path, "id_ed25519")}'.") { Target = host };

    public static BurninException KeyFileInvalid(string host, string path, string reason, Exception? inner = null) =>
        new("KeyFileInvalid", ErrorKind.InvalidData,
            $"The key file '{path}' for {host} cannot be used ({reason}). Give an OpenSSH, PEM or PuTTY private key; if it is encrypted, give its passphrase as the password of -Credential.", inner) { Target = host };

    public static BurninException KeyPassphraseRequired(string host, string path) =>
        new("KeyPassphraseRequired", ErrorKind.Authentication,
            $"The key file '{path}' for {host} is encrypted. Give its passphrase as the password of -Credential (for example -Credential (Get-Credential root)).") { Target = host };

    public static BurninException CredentialRequired(string host, int port) =>
        new("HostCredentialRequired", ErrorKind.Authentication,
            $"{Display(host, port)} logs in with a password or an encrypted key, and NasBurnin never stores those. Run Connect-BurninHost -HostName {host}{(port is 22 or 0 ? "" : $" -Port {port}")} with -Credential in this session first.") { Target = host };

    public static BurninException KeyChanged(string host, int port, string pinned, string presented) =>
        new("HostKeyChanged", ErrorKind.Security,
            $"The host key of {Display(host, port)} has CHANGED. Pinned: {pinned}. Presented now: {presented}. Someone may be intercepting the connection, or the host was reinstalled. Nothing was sent. If you verified the new key on the host's console (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub), pin it with Connect-BurninHost -HostName {host} -HostKeyFingerprint '<the new SHA256 fingerprint>'.") { Target = host };

    public static BurninException KeyMismatch(string host, int port, string expected, string presented) =>
        new("HostKeyNotTrusted", ErrorKind.Security,
            $"The host key of {Display(host, port)} is {presented}, not the expected {expected}. The connection was refused and nothing was pinned.") { Target = host };

    public static BurninException KeyNotTrusted(string host, int port, string presented, string why) =>
        new("HostKeyNotTrusted", ErrorKind.Security,
            $"The host key of {Display(host, port)} ({presented}) is not trusted: {why}. Check it on the host's console (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub), then run Connect-BurninHost with -HostKeyFingerprint '{presented}' or -AcceptHostKey.") { Target = host };

    public static BurninException NotPinned(string host, int port) =>
        new("HostKeyNotTrusted", ErrorKind.Security,
            $"No host key is pinned for {Display(host, port)}. Run Connect-BurninHost -HostName {host} to check and pin it.") { Target = host };

    public static BurninException CommandTimeout(string host, TimeSpan timeout) =>
        new("RemoteCommandTimeout", ErrorKind.Timeout,
            $"A command on {host} did not finish within {timeout.TotalSeconds:0.#} s and was stopped.") { Target = host };

    public static BurninException SudoPasswordRequired(string host, string user) =>
        new("SudoPasswordRequired", ErrorKind.PermissionDenied,
            $"sudo on {host} wants a password for '{user}'. NasBurnin runs 'sudo -n' and never types passwords: allow the user to run commands without a password (NOPASSWD in sudoers), or connect as root and turn sudo off with Set-BurninHost -HostName {host} -UseSudo:$false.") { Target = host };

    public static BurninException SudoNotFound(string host) =>
        new("SudoNotFound", ErrorKind.ResourceUnavailable,
            $"{host} has no sudo, but the host is set to use it. Connect as root and run Set-BurninHost -HostName {host} -UseSudo:$false.") { Target = host };

    public static BurninException UploadFailed(string host, string path, string reason) =>
        new("RemoteUploadFailed", ErrorKind.WriteError,
            $"Could not write '{path}' on {host}: {reason}") { Target = host };

    public static BurninException LocalNotSupported() =>
        new("LocalTransportNotSupported", ErrorKind.NotImplemented,
            "-Local runs commands on this machine and works on Linux only. Connect to the NAS over SSH instead.") { Target = "localhost" };

    public static BurninException NotFound(string host, int? port) =>
        new("HostNotFound", ErrorKind.NotFound,
            $"No host named '{RemoteNames.Printable(host)}'{(port is { } p ? $" with port {p}" : "")} is registered. Register it with Connect-BurninHost; Get-BurninHost lists the registered hosts.") { Target = host };
}
