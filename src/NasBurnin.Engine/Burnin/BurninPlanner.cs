using NasBurnin.Engine.Common;
using NasBurnin.Engine.Safety;
using NasBurnin.Engine.Store;

namespace NasBurnin.Engine.Burnin;

/// <summary>
/// Decides what a run will do and whether it may: the stages for the drive, the badblocks and
/// self-test parameters, and the safety rules (System and PoolMember never; Mounted and Stale only
/// with an open unlock bound to the serial; one run per drive at a time).
/// </summary>
public sealed class BurninPlanner
{
    private readonly BurninStore _store;
    private readonly ISmartReader _smart;

    public BurninPlanner(BurninStore store, ISmartReader smart)
    {
        _store = store;
        _smart = smart;
    }

    public DriveFacts LoadDrive(long driveId) => _store.Read(c =>
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = """
            SELECT d.id, d.host_id, h.name, d.device_path, d.serial, d.wwn, d.model, d.capacity_bytes, d.transport, d.rotational, d.role, d.last_smart_json,
                d.health, d.warnings
            FROM drives d LEFT JOIN hosts h ON h.id = d.host_id WHERE d.id = $id
            """;
        cmd.Parameters.AddWithValue("$id", driveId);
        using var r = cmd.ExecuteReader();
        if (!r.Read())
            throw new BurninException("DriveNotFound", ErrorKind.NotFound, $"No drive with id {driveId} is in the store. Run Get-BurninDrive first.") { Target = driveId };
        return new DriveFacts(r.GetInt64(0), r.NullableInt64("host_id"), r.NullableString("name"), r.GetString(3), r.NullableString("serial"),
            r.NullableString("wwn"), r.NullableString("model"), r.NullableInt64("capacity_bytes"), r.NullableString("transport"),
            r.NullableInt64("rotational") is { } rot ? rot != 0 : null, r.NullableString("role"), r.NullableString("last_smart_json"))
        {
            Health = r.NullableString("health"),
            HealthReason = Inventory.DriveRepository.ParseList(r.NullableString("warnings")).FirstOrDefault(),
        };
    });

    /// <summary>The stages for a drive: an explicit list, else the profile's.</summary>
    public IReadOnlyList<StageKind> StagesFor(DriveFacts d, BurninProfile profile, IReadOnlyList<StageKind>? explicitStages)
    {
        var timing = d.LastSmartJson is { } j ? _smart.Timing(j) : null;
        var isNvme = string.Equals(d.Transport, "Nvme", StringComparison.OrdinalIgnoreCase);
        var stages = explicitStages ?? StageKinds.ForProfile(profile, isNvme, timing?.ConveyanceMinutes is > 0);
        foreach (var s in stages)
        {
            if (s == StageKind.NvmeFormat && !isNvme)
                throw Refuse("StageNotApplicable", ErrorKind.InvalidArgument, d, $"NvmeFormat applies to NVMe drives only; {Name(d)} is {d.Transport ?? "of unknown transport"}. Use SurfaceValidate.");
            if (s == StageKind.SmartConveyance && explicitStages is not null && timing?.ConveyanceMinutes is not > 0)
                throw Refuse("StageNotApplicable", ErrorKind.InvalidArgument, d, $"{Name(d)} does not report a conveyance self-test.");
        }
        return stages;
    }

    /// <summary>
    /// The role rule for destructive stages: never System, PoolMember or Unknown; Mounted and Stale only with an
    /// open unlock for that role (returned, for the run to consume); Free as it is.
    /// </summary>
    private (long? UnlockId, string? UnlockedRole) CheckRole(DriveFacts d, Actor actor, bool auditRefusals)
    {
        if (DriveRoles.NeverDestroy(d.Role))
            throw AuditedRefusal(d, actor, auditRefusals, "DriveRoleRefused", $"{Name(d)} is a {d.Role} drive. NasBurnin never runs destructive stages on {d.Role} drives." +
                (d.Role == DriveRoles.PoolMember ? " Detach it from its pool with ZFS's own tools first; it then shows as Stale." : ""));
        if (DriveRoles.NeedsUnlock(d.Role))
        {
            var unlock = _store.Read(c => DriveUnlockService.Active(c, null, _store.Clock, d.Id, d.Serial ?? ""));
            if (unlock is null || unlock.Role != d.Role)
                throw AuditedRefusal(d, actor, auditRefusals, "DriveLocked", $"{Name(d)} is {d.Role}. Destructive stages on it need an unlock first: Unlock-MountedDrive (type the token it asks for), then start again within its validity.");
            return (unlock.Id, unlock.Role);
        }
        if (d.Role is not DriveRoles.Free)
            throw AuditedRefusal(d, actor, auditRefusals, "DriveRoleUnknown", $"{Name(d)} has no known role ({d.Role ?? "none"}); refresh the inventory with Get-BurninDrive before a destructive stage.");
        return (null, null);
    }

    /// <summary>Checks the safety rules and builds the run's spec; throws (and audits refusals) when the run may not start.</summary>
    /// <param name="auditRefusals">False under -WhatIf, which must change nothing, the audit trail included.</param>
    public RunPlan Plan(DriveFacts d, string profileName, IReadOnlyList<StageKind> stages, HostContext host, BurninSettings settings, Actor actor, int index, bool auditRefusals = true)
    {
        var destructive = stages.Any(s => s.IsDestructive());
        var (unlockId, unlockedRole) = destructive ? CheckRole(d, actor, auditRefusals) : (null, null);

        // A drive whose SMART cannot be read (a LUN, a virtual disk, SMART off) cannot be judged, and may not be a drive at all.
        if (destructive && d.Health is not (nameof(Inventory.SmartHealth.Passed) or nameof(Inventory.SmartHealth.Warning) or nameof(Inventory.SmartHealth.Failed)))
            throw AuditedRefusal(d, actor, auditRefusals, "DriveHealthUnknown",
                $"{Name(d)} has SMART health Unknown" + (d.HealthReason is { } why ? $" ({why.TrimEnd('.')})" : "") +
                ". Destructive stages need a drive whose SMART NasBurnin can read, to judge the burn-in; a LUN, virtual disk or RAID volume is no drive to burn in. " +
                "Refresh the inventory with Get-BurninDrive (with -WakeDrives for a drive in standby that was never read).");

        // Role first: a System drive is refused as System, whatever else is wrong with it.
        if (string.IsNullOrEmpty(d.Serial))
            throw Refuse("DriveIdentityUnknown", ErrorKind.InvalidData, d, $"{Name(d)} has no serial number in the inventory, so NasBurnin cannot confirm its identity on the host. It is refused.");
        var busy = new RunRepository(_store).Query(new RunQuery(UnfinishedOnly: true)).FirstOrDefault(r => r.DriveId == d.Id);
        if (busy is not null)
            throw Refuse("DriveBusy", ErrorKind.ResourceUnavailable, d, $"{Name(d)} already has run {busy.RunId()} ({busy.State}). Stop it with Stop-BurninRun or wait for it.");

        var timing = d.LastSmartJson is { } j ? _smart.Timing(j) : null;
        BadblocksArguments? bb = null;
        if (stages.Contains(StageKind.SurfaceValidate) || stages.Contains(StageKind.NvmeFormat))
        {
            if (d.CapacityBytes is not > 0)
                throw Refuse("DriveCapacityUnknown", ErrorKind.InvalidData, d, $"{Name(d)} has no known capacity; refresh the inventory first.");
            var solidState = d.Rotational == false && string.Equals(d.Transport, "Sata", StringComparison.OrdinalIgnoreCase);
            bb = BadblocksArguments.For(d.CapacityBytes.Value, timing?.PhysicalSectorBytes, solidState);
        }
        var spec = new RunSpec
        {
            RemoteId = RunnerScripts.NewRemoteId(_store.Clock.UtcNow, index),
            Device = d.Device,
            Serial = d.Serial,
            Wwn = d.Wwn,
            Stages = stages,
            WorkDir = host.WorkDir,
            Tools = host.Tools,
            MaxParallel = host.MaxParallel,
            PollSeconds = settings.RunnerPollSeconds,
            TemperatureLimitC = settings.TemperatureLimitC,
            ShortTimeout = SelfTestTimeout(timing?.ShortMinutes, 2),
            ConveyanceTimeout = SelfTestTimeout(timing?.ConveyanceMinutes, 5),
            LongTimeout = SelfTestTimeout(timing?.LongMinutes, EstimateLongMinutes(d.CapacityBytes)),
            Badblocks = bb,
            NvmeNamespace = NvmeNamespace(d.Device),
            UnlockedRole = unlockedRole,
        };
        return new RunPlan(d, profileName, stages, unlockId, unlockedRole, spec);
    }

    /// <summary>
    /// A self-test's deadline from the drive's own estimate with a wide margin: real long tests overrun
    /// their estimate by about 30 %, and fixed caps (4 h, 24 h) were wrong for 14 TB drives.
    /// </summary>
    internal static TimeSpan SelfTestTimeout(int? pollingMinutes, int fallbackMinutes) =>
        TimeSpan.FromMinutes((pollingMinutes is > 0 ? pollingMinutes.Value : fallbackMinutes) * 2 + 30);

    /// <summary>Without an estimate from the drive: a read of the whole drive at 100 MB/s.</summary>
    private static int EstimateLongMinutes(long? capacity) =>
        capacity is > 0 ? (int)Math.Min(int.MaxValue / 4, capacity.Value / 100_000_000 / 60 + 1) : 24 * 60;

    /// <summary>/dev/nvme0n2 is namespace 2; anything else is namespace 1.</summary>
    internal static int NvmeNamespace(string device)
    {
        var m = System.Text.RegularExpressions.Regex.Match(device, @"nvme\d+n(\d+)\z");
        return m.Success && int.TryParse(m.Groups[1].Value, out var n) ? n : 1;
    }

    private static string Name(DriveFacts d) => string.IsNullOrWhiteSpace(d.Serial)
        ? $"Drive {d.Device} on {d.HostName ?? "?"} (no serial)"
        : $"Drive {d.Serial} ({d.Device} on {d.HostName ?? "?"})";

    private static BurninException Refuse(string id, ErrorKind kind, DriveFacts d, string message) =>
        new(id, kind, message) { Target = string.IsNullOrWhiteSpace(d.Serial) ? d.Device : d.Serial };

    private BurninException AuditedRefusal(DriveFacts d, Actor actor, bool audit, string id, string message)
    {
        if (audit) new AuditLog(_store).Record("destructive_refused", actor, message, d.HostName, d.Serial);
        return Refuse(id, ErrorKind.PermissionDenied, d, message);
    }
}

public static class RunRecordExtensions
{
    public static string RunId(this RunRecord r) => r.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
