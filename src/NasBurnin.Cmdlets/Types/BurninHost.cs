using System.Collections.Specialized;
using NasBurnin.Engine.Remote;
using NasBurnin.Engine.Store;

namespace NasBurnin;

/// <summary>A registered NAS host: how NasBurnin reaches it, its pinned key and its per-host settings.</summary>
public sealed class BurninHost
{
    public string HostName { get; init; } = "";
    /// <summary>SSH port; 0 for the local transport.</summary>
    public int Port { get; init; }
    public string? UserName { get; init; }
    /// <summary>Ssh or Local.</summary>
    public string Transport { get; init; } = "";
    /// <summary>The pinned host key, SHA256:… as ssh-keygen -lf prints it.</summary>
    public string? HostKeyFingerprint { get; init; }
    public string? HostKeyAlgorithm { get; init; }
    /// <summary>Private key file used to log in (not a secret); empty for password logins.</summary>
    public string? KeyFilePath { get; init; }
    public bool UseSudo { get; init; }
    /// <summary>Effective work folder on the host (the host's own, else the store-wide HostWorkDir).</summary>
    public string WorkDir { get; init; } = "";
    /// <summary>Effective path of every tool: the host's own setting, else the bare name looked up in the host's PATH.</summary>
    public OrderedDictionary ToolPaths { get; init; } = new();
    /// <summary>Effective limit of parallel runs (the host's own, else the store-wide MaxParallelRuns).</summary>
    public int MaxParallelRuns { get; init; }
    /// <summary>Whether loop devices count as drives in this host's inventory (the sandbox NAS; off for real hosts).</summary>
    public bool IncludeLoopDevices { get; init; }
    /// <summary>Whether this PowerShell session holds a connection to the host.</summary>
    public bool Connected { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime? LastPollAt { get; init; }
    public DateTime? LastSuccessAt { get; init; }
    public string? LastError { get; init; }

    internal static BurninHost From(HostRecord h, BurninSettings settings, bool connected)
    {
        var tools = new OrderedDictionary(StringComparer.OrdinalIgnoreCase);
        foreach (var t in HostTools.All) tools[t] = h.ToolPath(t);
        return new BurninHost
        {
            HostName = h.Name,
            Port = h.Port,
            UserName = h.UserName,
            Transport = h.Transport.ToString(),
            HostKeyFingerprint = h.HostKeySha256,
            HostKeyAlgorithm = h.HostKeyAlgorithm,
            KeyFilePath = h.KeyFilePath,
            UseSudo = h.UseSudo,
            WorkDir = h.EffectiveWorkDir(settings),
            ToolPaths = tools,
            MaxParallelRuns = h.EffectiveMaxParallelRuns(settings),
            IncludeLoopDevices = h.IncludeLoopDevices,
            Connected = connected,
            CreatedAt = h.CreatedAt.UtcDateTime,
            LastPollAt = h.LastPollAt?.UtcDateTime,
            LastSuccessAt = h.LastSuccessAt?.UtcDateTime,
            LastError = h.LastError,
        };
    }
}
