using System.Collections.Specialized;
using NasBurnin.Engine.Remote;

namespace NasBurnin;

/// <summary>What Test-BurninHost found on one host.</summary>
public sealed class BurninHostTest
{
    public string HostName { get; init; } = "";
    public int Port { get; init; }
    /// <summary>True when a command ran on the host.</summary>
    public bool Reachable { get; init; }
    /// <summary>uname -a of the host.</summary>
    public string? System { get; init; }
    /// <summary>The user commands run as on the host (after sudo).</summary>
    public string? RemoteUser { get; init; }
    public bool IsRoot { get; init; }
    /// <summary>First line of smartctl --version; empty when smartctl is missing.</summary>
    public string? SmartctlVersion { get; init; }
    /// <summary>Where each tool was found on the host; empty when it was not found.</summary>
    public OrderedDictionary Tools { get; init; } = new();
    public string[] MissingTools { get; init; } = Array.Empty<string>();
    public string? WorkDir { get; init; }
    /// <summary>The work folder exists and is writable, or can be created.</summary>
    public bool WorkDirWritable { get; init; }
    /// <summary>Why the host could not be tested (also written as an error).</summary>
    public string? Error { get; init; }

    internal static BurninHostTest From(HostRecord h, HostProbeResult r)
    {
        var tools = new OrderedDictionary(StringComparer.OrdinalIgnoreCase);
        foreach (var t in r.Tools) tools[t.Key] = t.Value;
        return new BurninHostTest
        {
            HostName = h.Name,
            Port = h.Port,
            Reachable = true,
            System = r.System,
            RemoteUser = r.User,
            IsRoot = r.Uid == 0,
            SmartctlVersion = r.SmartctlVersion,
            Tools = tools,
            MissingTools = r.MissingTools.ToArray(),
            WorkDir = r.WorkDir,
            WorkDirWritable = r.WorkDirWritable,
        };
    }

    internal static BurninHostTest Failed(HostRecord h, string error) => new()
    {
        HostName = h.Name,
        Port = h.Port,
        Reachable = false,
        Error = error,
    };
}
