using System.Text.RegularExpressions;
using NasBurnin.Engine.Common;

namespace NasBurnin.Engine.Remote;

/// <summary>
/// Validation of names that reach a NAS: device paths, tool paths, work folders and host names.
/// Validation comes before quoting: a value that fails here never reaches a command at all.
/// </summary>
public static class RemoteNames
{
    // Kernel block device names: sda, sdaa, nvme0n1, vda, xvdb, hda, loop12, mmcblk0, dm-3, md127, sr0.
    private static readonly Regex KernelName = new(@"^[a-z][a-z0-9-]{0,31}\z", RegexOptions.CultureInvariant);
    private static readonly Regex ByIdName = new(@"^[A-Za-z0-9._:+@-]{1,200}\z", RegexOptions.CultureInvariant);
    private static readonly Regex HostNameRule = new(@"^(?=.{1,253}\z)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\z", RegexOptions.CultureInvariant);

    /// <summary>Is this <c>/dev/</c> + a kernel name, or a <c>/dev/disk/by-id/</c> link name?</summary>
    public static bool IsDevicePath(string path) =>
        path.StartsWith("/dev/disk/by-id/", StringComparison.Ordinal)
            ? ByIdName.IsMatch(path["/dev/disk/by-id/".Length..])
            : path.StartsWith("/dev/", StringComparison.Ordinal) && KernelName.IsMatch(path[5..]);

    public static string RequireDevicePath(string path) => IsDevicePath(path)
        ? path
        : throw new BurninException("InvalidDevicePath", ErrorKind.InvalidArgument,
            $"'{Printable(path)}' is not a device path NasBurnin accepts. Give /dev/ followed by a kernel name (for example /dev/sdb or /dev/nvme0n1) or a /dev/disk/by-id/ link.") { Target = path };

    /// <summary>Absolute paths of letters, digits and . _ + - / only, with no '..' component (<see cref="SafePaths"/>).</summary>
    public static bool IsSafePath(string path) => SafePaths.IsSafe(path);

    public static string RequireSafePath(string path, string what) => IsSafePath(path)
        ? path
        : throw new BurninException("InvalidRemotePath", ErrorKind.InvalidArgument,
            $"The {what} '{Printable(path)}' is not accepted. Give {SafePaths.Accepted}.") { Target = path };

    /// <summary>DNS names, IPv4 and IPv6 literals.</summary>
    public static bool IsHostName(string name) =>
        HostNameRule.IsMatch(name) || System.Net.IPAddress.TryParse(name, out _);

    public static string RequireHostName(string name) => IsHostName(name)
        ? name
        : throw new BurninException("InvalidHostName", ErrorKind.InvalidArgument,
            $"'{Printable(name)}' is not a host name or IP address. Give a DNS name such as nas01.example.lan, or an address such as 192.0.2.10.") { Target = name };

    /// <summary>Shows control characters visibly so an error message cannot be used to spoof output.</summary>
    internal static string Printable(string s) =>
        string.Concat(s.Select(c => char.IsControl(c) ? $"\\x{(int)c:x2}" : c.ToString()));
}
