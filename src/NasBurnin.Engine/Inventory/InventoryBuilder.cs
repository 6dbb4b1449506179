using System.Globalization;
using NasBurnin.Engine.Common;
using NasBurnin.Engine.Remote;

namespace NasBurnin.Engine.Inventory;

/// <summary>How an inventory is taken and judged.</summary>
public sealed record InventoryOptions
{
    public InventoryScriptOptions Script { get; init; } = new();
    public HealthThresholds Thresholds { get; init; } = HealthThresholds.Default;
    /// <summary>Overrides of the health limits per model or serial (Set-BurninHealthRule).</summary>
    public IReadOnlyList<HealthRuleOverride> HealthOverrides { get; init; } = Array.Empty<HealthRuleOverride>();
    /// <summary>Limit for the whole round trip (the script runs smartctl for every disk).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(5);
    public IClock Clock { get; init; } = SystemClock.Instance;

    /// <summary>The limits in force for one drive: the defaults with its model's, then its serial's overrides.</summary>
    public HealthThresholds ThresholdsFor(string? model, string? serial) => HealthRules.Resolve(Thresholds, HealthOverrides, model, serial);
}

/// <summary>
/// One host's inventory. <see cref="Complete"/> is true when the device list was read, so a known drive
/// that is not in <see cref="Drives"/> has really left the host.
/// </summary>
public sealed record HostInventory(
    string HostName, DateTimeOffset TakenAt, IReadOnlyList<DriveInfo> Drives, IReadOnlyList<string> Warnings,
    ZpoolStatus? Pools, bool Complete);

/// <summary>
/// Turns the inventory script's sections into <see cref="DriveInfo"/> records: the host's own disks
/// included, every device name validated, and one broken tool or drive degrading only its own part of the
/// answer (a warning) instead of failing the whole inventory.
/// </summary>
public static class InventoryBuilder
{
    // Preferred by-id link kinds, most readable first (model_serial names before WWN/EUI ones).
    private static readonly string[] ByIdPreference = { "ata-", "scsi-SATA_", "scsi-", "usb-", "wwn-", "" };

    public static HostInventory Build(string hostName, InventoryOutput output, InventoryOptions? options = null)
    {
        options ??= new InventoryOptions();
        var includeLoop = options.Script.IncludeLoop;
        var warnings = new List<string>(output.Warnings);
        var meta = output.Meta;
        if (meta.TryGetValue("error", out var metaError)) warnings.Add($"The inventory script failed on the host: {metaError}.");
        if (meta.TryGetValue("uid", out var uid) && uid.Length > 0 && uid != "0")
            warnings.Add($"The inventory ran as user id {uid}, not root: smartctl needs root (register the host with sudo), and lsblk may not see every signature.");

        var lsblk = ReadLsblk(output.Get("lsblk"), warnings);
        var mounts = ReadMounts(output, warnings);
        var swaps = output.Get("swaps") is { ExitCode: 0 } sw ? SwapsParser.Parse(sw.Output) : Array.Empty<string>();
        var links = (output.Get("links")?.Output is { } lt ? DeviceLinksParser.Parse(lt) : Array.Empty<DeviceLinksParser.DeviceLink>())
            .Where(l => l.Kind != "by-id" || RemoteNames.IsDevicePath("/dev/disk/by-id/" + l.Name))
            .ToList();
        var zpool = ReadZpool(output.Get("zpool"), output.Get("zpoolguid"), warnings);
        var names = output.Get("devnames") is { } dn ? DeviceNames.Parse(dn.Output) : DeviceNames.Empty;

        var classification = DriveClassifier.Classify(new BlockState
        {
            Lsblk = lsblk, Mounts = mounts, Swaps = swaps, Links = links, Names = names, Zpool = zpool, IncludeLoop = includeLoop,
        });
        warnings.AddRange(classification.Warnings);

        var takenAt = options.Clock.UtcNow;
        var drives = new List<DriveInfo>();
        var smartctlMissing = false;
        foreach (var disk in lsblk.Devices.Where(d => DriveClassifier.IsCandidateDisk(d, includeLoop)))
        {
            var device = "/dev/" + disk.KernelName;
            if (!RemoteNames.IsDevicePath(device))
            {
                warnings.Add($"The host reported a disk named '{RemoteNames.Printable(disk.KernelName)}', which is not a kernel device name NasBurnin accepts; it was left out.");
                continue;
            }
            var section = output.Get("smartctl " + device);
            smartctlMissing |= section?.ToolMissing == true;
            drives.Add(BuildDrive(hostName, device, disk, classification.Drives[disk.KernelName], section, links, options, takenAt));
        }
        // Disks smartctl was run for but lsblk's JSON did not describe (lsblk -J failed): present, role unknown.
        if (!lsblk.Ok || lsblk.Devices.Count == 0)
        {
            foreach (var (device, section) in output.SmartctlSections)
            {
                if (!RemoteNames.IsDevicePath(device) || !device.StartsWith("/dev/", StringComparison.Ordinal) || device.StartsWith("/dev/disk/", StringComparison.Ordinal)) continue;
                smartctlMissing |= section.ToolMissing;
                var kname = device[5..];
                var unknown = new DriveClassification(DriveRole.Unknown,
                    new[] { "lsblk could not be read, so what this drive holds is unknown" }, Array.Empty<string>(), Array.Empty<PoolMembership>());
                drives.Add(BuildDrive(hostName, device, new LsblkDevice { Name = kname, KernelName = kname }, unknown, section, links, options, takenAt));
            }
        }
        if (smartctlMissing) warnings.Add("smartctl was not found on the host: no drive has SMART data. Install smartmontools or set the host's smartctl path.");

        return new HostInventory(hostName, takenAt, MergeDuplicates(drives), warnings, zpool, lsblk.Ok && lsblk.Devices.Count > 0 && output.Complete);
    }

    private static DriveInfo BuildDrive(
        string hostName, string device, LsblkDevice disk, DriveClassification role, InventorySection? section,
        IReadOnlyList<DeviceLinksParser.DeviceLink> links, InventoryOptions options, DateTimeOffset takenAt)
    {
        var (report, unread) = ReadSmart(section, options);
        var usable = report is { Problem: null } && !report.NotReadInLowPower ? report : null;
        var identity = DriveIdentity.Of(usable?.Model ?? disk.Model, usable?.Serial ?? disk.Serial, disk.Wwn ?? usable?.Wwn);
        var health = unread ?? HealthEvaluator.Evaluate(report!, options.ThresholdsFor(identity.Model, identity.Serial));
        if (report?.Problem is not null && section?.FirstErrorLine is { } err)
            health = health with { Notes = health.Notes.Append($"smartctl said: {err}").ToList() };

        var extra = new List<string>();
        if (!identity.IsStable)
            extra.Add("The drive reports neither a serial number nor a WWN: NasBurnin can only follow it by its device name.");
        var primary = role.PrimaryPool;
        var asleep = report?.NotReadInLowPower == true;

        return new DriveInfo
        {
            HostName = hostName,
            Device = device,
            KernelName = disk.KernelName,
            ByIdPath = ByIdPath(disk.KernelName, links),
            Identity = identity.Key ?? DriveIdentity.Fallback(hostName, disk.KernelName),
            IdentityStable = identity.IsStable,
            Serial = identity.Serial,
            Wwn = identity.Wwn,
            Model = identity.Model,
            Firmware = usable?.Firmware ?? disk.Revision,
            // The kernel's size is what a burn-in writes (and all a sandbox loop device has).
            CapacityBytes = disk.SizeBytes ?? usable?.CapacityBytes,
            Transport = TransportOf(usable?.Transport, disk.Transport),
            Rotational = usable?.Rotational ?? disk.Rotational,
            Role = role.Role,
            RoleReasons = role.Reasons,
            PoolName = primary?.Pool,
            PoolRole = primary?.Role,
            Pools = role.Pools,
            Mountpoints = role.Mountpoints,
            SmartHealth = health.Health,
            Warnings = health.All.Concat(extra).ToList(),
            SmartJson = usable is null ? null : section?.Output,
            PowerMode = asleep ? report!.PowerMode : usable is not null ? Awake(usable.PowerMode) : DrivePowerMode.Unknown,
            Asleep = asleep,
            SmartReadAt = usable?.HasDeviceData == true ? takenAt : null,
            SmartDeviceType = usable?.HasDeviceData == true ? SmartDeviceTypes.Usable(usable.DeviceType) : null,
            InventoriedAt = takenAt,
            LastSeenAt = takenAt,
        }.WithMeasurements(usable);
    }

    /// <summary>A drive that answered is active or idle (smartctl 7.3 says which only with -n idle).</summary>
    private static DrivePowerMode Awake(DrivePowerMode said) => said == DrivePowerMode.Idle ? DrivePowerMode.Idle : DrivePowerMode.Active;

    /// <summary>
    /// The parsed smartctl section, or (with a null report) why there is none. A drive smartctl -n left asleep
    /// has a report (its power mode) and is judged Unknown here; the store gives it back its last known health.
    /// </summary>
    private static (SmartReport? Report, HealthAssessment? Unread) ReadSmart(InventorySection? section, InventoryOptions options)
    {
        if (section is null) return (null, HealthEvaluator.Unknown("The inventory has no smartctl output for this drive."));
        if (section.ToolMissing) return (null, HealthEvaluator.Unknown("smartctl was not found on the host: no SMART data."));
        if (section.Truncated) return (null, HealthEvaluator.Unknown("The smartctl output for this drive was cut off."));
        if (section.ExitCode == 124 && section.Output.Trim().Length == 0)
            return (null, HealthEvaluator.Unknown($"smartctl did not answer within {options.Script.SmartctlTimeoutSeconds} s (a hung bridge or controller)."));
        if (section.ExitCode == 126)
            return (null, HealthEvaluator.Unknown($"smartctl could not be run on the host: {section.FirstErrorLine ?? "permission denied"}."));
        return (SmartctlParser.Parse(section.Output, section.ExitCode), null);
    }

    /// <summary>
    /// The drive's own protocol where smartctl knows it; a USB bridge wins over what it passes through
    /// (smartctl often sees a USB disk as plain "sat"); lsblk's TRAN where smartctl could not tell.
    /// </summary>
    internal static DriveTransport TransportOf(DriveTransport? smart, string? lsblkTran)
    {
        if (lsblkTran == "usb") return DriveTransport.Usb;
        if (smart is { } s && s != DriveTransport.Other) return s;
        return lsblkTran switch
        {
            "sata" or "ata" => DriveTransport.Sata,
            "sas" => DriveTransport.Sas,
            "nvme" => DriveTransport.Nvme,
            _ => DriveTransport.Other,
        };
    }

    private static string? ByIdPath(string kname, IReadOnlyList<DeviceLinksParser.DeviceLink> links)
    {
        var names = links.Where(l => l.Kind == "by-id" && l.KernelName == kname).Select(l => l.Name).ToList();
        if (names.Count == 0) return null;
        var best = names
            .OrderBy(ByIdRank)
            .ThenBy(n => n.Length)
            .ThenBy(n => n, StringComparer.Ordinal)
            .First();
        return "/dev/disk/by-id/" + best;
    }

    private static int ByIdRank(string name)
    {
        // nvme-MODEL_SERIAL reads like ata-…; nvme-eui.… and nvme-nvme.… are IDs, ranked with wwn-.
        if (name.StartsWith("nvme-", StringComparison.Ordinal))
            return name.StartsWith("nvme-eui.", StringComparison.Ordinal) || name.StartsWith("nvme-nvme.", StringComparison.Ordinal) ? 4 : 0;
        return Array.FindIndex(ByIdPreference, p => name.StartsWith(p, StringComparison.Ordinal));
    }

    /// <summary>
    /// One record per identity: a disk seen through two paths (multipath) keeps one path and names the others.
    /// The kept path is the first one smartctl identified, else one smartctl found asleep, else the first: a path whose identity comes only
    /// from udev (a stale udev entry, a cloned image's loop device) must not stand in for the drive smartctl answers on.
    /// </summary>
    private static List<DriveInfo> MergeDuplicates(List<DriveInfo> drives)
    {
        var result = new List<DriveInfo>();
        foreach (var group in drives.GroupBy(d => d.Identity, StringComparer.Ordinal))
        {
            // Asleep, a path still answered smartctl's power check: it is the drive, where a twin path answered nothing.
            var first = group.FirstOrDefault(d => d.Smart?.Serial is not null) ?? group.FirstOrDefault(d => d.Asleep) ?? group.First();
            var others = group.Where(d => !ReferenceEquals(d, first)).Select(d => d.Device).ToList();
            result.Add(others.Count == 0 ? first : first with
            {
                Warnings = first.Warnings.Append($"The same drive (model, serial and WWN) is also reachable as {string.Join(", ", others)}: multipath, or a controller that reports duplicate identities.").ToList(),
            });
        }
        return result;
    }

    private static LsblkResult ReadLsblk(InventorySection? s, List<string> warnings)
    {
        LsblkResult Fail(string why)
        {
            warnings.Add(why);
            return new LsblkResult(Array.Empty<LsblkDevice>(), new[] { why });
        }
        if (s is null) return Fail("The inventory output has no lsblk section: drives cannot be listed or classified.");
        if (s.ToolMissing) return Fail("lsblk was not found on the host: drives cannot be listed or classified. Install util-linux or set the host's lsblk path.");
        if (s.ExitCode != 0)
            return Fail($"lsblk failed on the host (exit code {s.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "none"}): {s.FirstErrorLine ?? "no message"}.");
        var r = LsblkParser.Parse(s.Output);
        warnings.AddRange(r.Warnings);
        return r;
    }

    private static MountTable? ReadMounts(InventoryOutput output, List<string> warnings)
    {
        if (output.Get("findmnt") is { ExitCode: 0 } f && FindmntParser.Parse(f.Output) is { Ok: true } table) return table;
        if (output.Get("mounts") is { ExitCode: 0 } m && FindmntParser.ParseProcMounts(m.Output) is { Ok: true } proc) return proc;
        warnings.Add("The mount table could not be read: mounted filesystems are known only from lsblk, and pools named rpool or bpool are treated as system pools.");
        return null;
    }

    /// <summary>
    /// Null when pool membership is unknown; an empty status when the host has no imported pools. Pool GUIDs come
    /// from <c>zpool list -H -o name,guid</c> where it answered (they tell an imported pool's ZFS labels from an old
    /// pool's of the same name).
    /// </summary>
    private static ZpoolStatus? ReadZpool(InventorySection? s, InventorySection? guids, List<string> warnings)
    {
        var none = new ZpoolStatus(Array.Empty<ZpoolPool>(), Array.Empty<string>());
        if (s is null)
        {
            warnings.Add("The inventory output has no zpool section: pool membership unknown.");
            return null;
        }
        if (s.ToolMissing)
        {
            warnings.Add("zpool not found: pool membership unknown.");
            return null;
        }
        var text = s.Output + "\n" + s.Error;
        if (text.Contains("no pools available", StringComparison.OrdinalIgnoreCase)) return none;
        // Without the kernel module no pool can be imported, so there is no membership to protect.
        if (text.Contains("modules are not loaded", StringComparison.OrdinalIgnoreCase) ||
            text.Contains("/dev/zfs", StringComparison.Ordinal) && text.Contains("No such file", StringComparison.OrdinalIgnoreCase))
            return none;
        if (s.ExitCode != 0 || s.Truncated)
        {
            warnings.Add($"zpool status failed on the host (exit code {s.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "none"}): {s.FirstErrorLine ?? "no message"}; pool membership unknown.");
            return null;
        }
        var status = ZpoolStatusParser.Parse(s.Output);
        warnings.AddRange(status.Warnings);
        return guids is { ExitCode: 0 } g ? ZpoolStatusParser.WithGuids(status, ZpoolStatusParser.ParseGuids(g.Output)) : status;
    }
}
