using NasBurnin.Engine.Store;

namespace NasBurnin.Engine.Remote;

/// <summary>How commands reach a host.</summary>
public enum HostTransport
{
    Ssh,
    /// <summary>On this machine, without SSH (pwsh runs on the NAS itself; Linux only).</summary>
    Local,
}

/// <summary>
/// A registered host as the store keeps it. Identity is name (case-insensitive) + port; the pinned
/// host key belongs to that pair. No secret is ever part of this record.
/// </summary>
public sealed record HostRecord
{
    public long Id { get; init; }
    public required string Name { get; init; }
    /// <summary>22 by default; 0 for the local transport.</summary>
    public int Port { get; init; } = 22;
    public string? UserName { get; init; }
    public HostTransport Transport { get; init; } = HostTransport.Ssh;
    /// <summary>Private key file for key logins (a path, not a secret). Null for password logins.</summary>
    public string? KeyFilePath { get; init; }
    /// <summary>Pinned key, <c>SHA256:</c> + base64.</summary>
    public string? HostKeySha256 { get; init; }
    public string? HostKeyAlgorithm { get; init; }
    public bool UseSudo { get; init; }
    /// <summary>Only the tools set for this host; the rest resolve through the host's PATH.</summary>
    public IReadOnlyDictionary<string, string> ToolPaths { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);
    /// <summary>Null: the store-wide HostWorkDir setting.</summary>
    public string? WorkDir { get; init; }
    /// <summary>Null: the store-wide MaxParallelRuns setting.</summary>
    public int? MaxParallelRuns { get; init; }
    /// <summary>
    /// Treat loop devices as drives in this host's inventory. Off for real hosts (a loop device is a file on
    /// another disk: snaps, images); on for the sandbox NAS, whose drives are loop devices.
    /// </summary>
    public bool IncludeLoopDevices { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? LastPollAt { get; init; }
    public DateTimeOffset? LastSuccessAt { get; init; }
    public string? LastError { get; init; }

    /// <summary>The path (or bare name, resolved through PATH) to run a tool with on this host.</summary>
    public string ToolPath(string tool) => ToolPaths.TryGetValue(HostTools.Require(tool), out var p) ? p : tool;

    public string EffectiveWorkDir(BurninSettings settings) => WorkDir ?? settings.HostWorkDir;

    public int EffectiveMaxParallelRuns(BurninSettings settings) => MaxParallelRuns ?? settings.MaxParallelRuns;

    public override string ToString() => HostErrors.Display(Name, Port);

    /// <summary>
    /// The settings that differ from <paramref name="before"/>, as "Name: old -> new" (for the
    /// host_changed audit event and the admin gate). A host record holds no secret, so every value may be shown.
    /// </summary>
    public IReadOnlyList<string> ChangesFrom(HostRecord before)
    {
        var list = new List<string>();
        void Add(string name, object? old, object? now)
        {
            string Show(object? v) => v is null || (v is string s && s.Length == 0) ? "(none)" : Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture)!;
            if (Show(old) != Show(now)) list.Add($"{name}: {Show(old)} -> {Show(now)}");
        }
        Add("Transport", before.Transport, Transport);
        Add("UserName", before.UserName, UserName);
        Add("KeyFilePath", before.KeyFilePath, KeyFilePath);
        Add("HostKey", before.HostKeySha256, HostKeySha256);
        Add("UseSudo", before.UseSudo, UseSudo);
        Add("WorkDir", before.WorkDir, WorkDir);
        Add("MaxParallelRuns", before.MaxParallelRuns, MaxParallelRuns);
        Add("IncludeLoopDevices", before.IncludeLoopDevices, IncludeLoopDevices);
        foreach (var tool in HostTools.All)
            Add(tool + " path", before.ToolPaths.GetValueOrDefault(tool), ToolPaths.GetValueOrDefault(tool));
        return list;
    }
}

/// <summary>The tools whose location can be set per host, because NAS systems put them in different places.</summary>
public static class HostTools
{
    public const string Smartctl = "smartctl";
    public const string Zpool = "zpool";
    public const string Nvme = "nvme";
    public const string Badblocks = "badblocks";
    public const string Lsblk = "lsblk";
    public const string Findmnt = "findmnt";

    public static IReadOnlyList<string> All { get; } = new[] { Smartctl, Zpool, Nvme, Badblocks, Lsblk, Findmnt };

    public static string Require(string tool) => All.Contains(tool, StringComparer.Ordinal)
        ? tool
        : throw new ArgumentException($"'{tool}' is not a known tool: {string.Join(", ", All)}.", nameof(tool));
}
