using System.Text.RegularExpressions;
using NasBurnin.Engine.Common;
using NasBurnin.Engine.Remote;

namespace NasBurnin.Engine.Inventory;

/// <summary>
/// The commands the inventory script runs on a host: bare names (found on the host's PATH plus the sbin
/// folders) or absolute paths, because NAS systems put smartctl and zpool in different places.
/// </summary>
public sealed record InventoryTools
{
    private static readonly Regex BareName = new(@"^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}\z", RegexOptions.CultureInvariant);

    public string Lsblk { get; init; } = "lsblk";
    public string Findmnt { get; init; } = "findmnt";
    public string Zpool { get; init; } = "zpool";
    public string Smartctl { get; init; } = "smartctl";

    public static InventoryTools Default { get; } = new();

    /// <summary>
    /// Takes the inventory tools from a host's per-tool paths (keys such as <c>smartctl</c>, <c>zpool</c>,
    /// case-insensitive); tools it does not name keep their bare names, other keys (nvme, badblocks) are ignored.
    /// </summary>
    public static InventoryTools FromToolPaths(IReadOnlyDictionary<string, string>? paths)
    {
        var t = Default;
        if (paths is null) return t;
        foreach (var (key, value) in paths)
        {
            if (string.IsNullOrWhiteSpace(value)) continue;
            t = key.ToLowerInvariant() switch
            {
                "lsblk" => t with { Lsblk = value },
                "findmnt" => t with { Findmnt = value },
                "zpool" => t with { Zpool = value },
                "smartctl" => t with { Smartctl = value },
                _ => t,
            };
        }
        t.Validate();
        return t;
    }

    /// <summary>Throws when a tool is neither a plain command name nor a safe absolute path.</summary>
    public void Validate()
    {
        Check(Lsblk, "lsblk");
        Check(Findmnt, "findmnt");
        Check(Zpool, "zpool");
        Check(Smartctl, "smartctl");
    }

    private static void Check(string value, string tool)
    {
        if (value is null || value.StartsWith('/'))
        {
            RemoteNames.RequireSafePath(value ?? "", $"path of {tool}");
            return;
        }
        if (!BareName.IsMatch(value))
            throw new BurninException("InvalidToolPath", ErrorKind.InvalidArgument,
                $"The {tool} command '{RemoteNames.Printable(value)}' is not accepted. Give a command name (letters, digits, . _ + -) or an absolute path such as /usr/sbin/{tool}.") { Target = value };
    }
}
