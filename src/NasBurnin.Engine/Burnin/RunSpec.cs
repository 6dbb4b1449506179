using System.Globalization;
using System.Text;
using NasBurnin.Engine.Common;
using NasBurnin.Engine.Remote;

namespace NasBurnin.Engine.Burnin;

/// <summary>Everything the runner on the host needs for one run; becomes the sourced <c>spec</c> file.</summary>
public sealed record RunSpec
{
    public required string RemoteId { get; init; }
    public required string Device { get; init; }
    public required string Serial { get; init; }
    /// <summary>WWN as 0x-hex (inventory form); empty when the drive has none.</summary>
    public string? Wwn { get; init; }
    public required IReadOnlyList<StageKind> Stages { get; init; }
    public required string WorkDir { get; init; }
    public required RunnerTools Tools { get; init; }
    public int MaxParallel { get; init; } = 4;
    public int PollSeconds { get; init; } = 30;
    public int TemperatureLimitC { get; init; } = 55;
    public TimeSpan ShortTimeout { get; init; } = TimeSpan.FromMinutes(30);
    public TimeSpan ConveyanceTimeout { get; init; } = TimeSpan.FromMinutes(60);
    public TimeSpan LongTimeout { get; init; } = TimeSpan.FromHours(24);
    public BadblocksArguments? Badblocks { get; init; }
    public int NvmeNamespace { get; init; } = 1;
    /// <summary>The role an operator unlocked this drive for (Mounted or Stale), consumed by this run.</summary>
    public string? UnlockedRole { get; init; }

    /// <summary>
    /// The spec as sh assignments. Every value goes through <see cref="PosixShell.Quote"/>; control
    /// characters are refused outright, because the spec travels inside a here-document.
    /// </summary>
    public string ToShell()
    {
        var bb = Badblocks ?? new BadblocksArguments(4096, 4096, false);
        var pairs = new (string, string)[]
        {
            ("NB_RUN_ID", RemoteId),
            ("NB_DEVICE", RemoteNames.RequireDevicePath(Device)),
            ("NB_SERIAL", Serial),
            ("NB_WWN", WwnTriple(Wwn)),
            ("NB_STAGES", string.Join(' ', Stages)),
            ("NB_WORK", RemoteNames.RequireSafePath(WorkDir, "work folder")),
            ("NB_MAX_PARALLEL", Int(MaxParallel)),
            ("NB_POLL", Int(PollSeconds)),
            ("NB_TICK", Int(Math.Min(5, PollSeconds))),
            ("NB_HEAT_EVERY", Int(PollSeconds)),
            // A surface stage's checkpoint (for Resume-BurninRun): once a minute, more often when the runner polls faster.
            ("NB_CHECKPOINT_EVERY", Int(Math.Clamp(2 * PollSeconds, 1, 60))),
            ("NB_TEMP_LIMIT", Int(TemperatureLimitC)),
            ("NB_TIMEOUT_SHORT", Int((int)ShortTimeout.TotalSeconds)),
            ("NB_TIMEOUT_CONVEYANCE", Int((int)ConveyanceTimeout.TotalSeconds)),
            ("NB_TIMEOUT_LONG", Int((int)LongTimeout.TotalSeconds)),
            ("NB_BB_BLOCK", Int(bb.BlockSize)),
            ("NB_BB_CHUNK", Int(bb.BlocksPerIo)),
            ("NB_BB_PATTERN", bb.SinglePattern ? "random" : "default"),
            ("NB_NSID", Int(NvmeNamespace)),
            ("NB_UNLOCKED_ROLE", UnlockedRole ?? ""),
            ("NB_SMARTCTL", Tools.Smartctl),
            ("NB_BADBLOCKS", Tools.Badblocks),
            ("NB_NVME", Tools.Nvme),
            ("NB_LSBLK", Tools.Lsblk),
            ("NB_FINDMNT", Tools.Findmnt),
        };
        var sb = new StringBuilder();
        foreach (var (name, value) in pairs)
        {
            if (value.Any(char.IsControl))
                throw new BurninException("RunSpecValueInvalid", ErrorKind.InvalidData,
                    $"The value for {name} contains control characters and cannot be sent to the host: '{RemoteNames.Printable(value)}'.") { Target = value };
            sb.Append(name).Append('=').Append(PosixShell.Quote(value)).Append('\n');
        }
        return sb.ToString();
    }

    private static string Int(int v) => v.ToString(CultureInfo.InvariantCulture);

    /// <summary>smartctl reports a WWN as naa, oui and id; the runner compares those three numbers.</summary>
    public static string WwnTriple(string? wwn)
    {
        if (string.IsNullOrWhiteSpace(wwn)) return "";
        var hex = wwn.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? wwn[2..] : wwn;
        if (!ulong.TryParse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var v)) return "";
        return string.Create(CultureInfo.InvariantCulture, $"{v >> 60} {(v >> 36) & 0xFFFFFF} {v & 0xFFFFFFFFFUL}");
    }
}

/// <summary>Per-host tool paths (validated absolute paths or bare command names).</summary>
public sealed record RunnerTools(string Smartctl = "smartctl", string Badblocks = "badblocks", string Nvme = "nvme",
    string Lsblk = "lsblk", string Findmnt = "findmnt", string Zpool = "zpool");
