using System.Collections;
using System.Globalization;
using NasBurnin.Engine.Burnin;
using NasBurnin.Engine.Common;
using NasBurnin.Engine.Inventory;
using NasBurnin.Engine.Remote;
using NasBurnin.Engine.Store;
using DriveInfo = NasBurnin.Engine.Inventory.DriveInfo;

namespace NasBurnin.Completion;

/// <summary>-HostName: the registered hosts, with address, port and user.</summary>
public sealed class HostNameCompleter : StoreCompleter
{
    private protected override IEnumerable<Candidate> Candidates(BurninStore store, IDictionary boundParameters) =>
        new CompletionLookups(store).Hosts()
            .GroupBy(h => h.Name, StringComparer.OrdinalIgnoreCase)
            .Select(g => new Candidate(g.Key, g.Key, string.Join("; ", g.Select(h => h.Transport == HostTransport.Ssh ? $"{h.UserName ?? "?"}@{h.Name}:{h.Port}" : $"{h.Transport}"))));
}

/// <summary>-Serial: the stored drives, with model, size, role and health in the tooltip.</summary>
public sealed class SerialCompleter : StoreCompleter
{
    private protected override IEnumerable<Candidate> Candidates(BurninStore store, IDictionary boundParameters) =>
        new CompletionLookups(store).PresentDrives()
            .Where(d => !string.IsNullOrEmpty(d.Serial))
            .DistinctBy(d => d.Serial, StringComparer.OrdinalIgnoreCase)
            .Select(d => new Candidate(Wildcard.Escape(d.Serial!), d.Serial!, DriveTip.Of(d)));
}

/// <summary>
/// -Drive of Start-BurninRun and Start-BurninStage: the drives the stages asked for may run on, as a
/// Get-BurninDrive -Offline expression. A destructive stage (any profile; SurfaceValidate, NvmeFormat)
/// offers only Free drives, and Mounted or Stale ones with an open unlock for their role.
/// </summary>
public sealed class RunnableDriveCompleter : StoreCompleter
{
    private protected override IEnumerable<Candidate> Candidates(BurninStore store, IDictionary boundParameters)
    {
        return new CompletionLookups(store).RunnableDrives(Destructive(boundParameters))
            .Select(d => new Candidate(
                $"(Get-BurninDrive -Offline -HostName '{d.HostName}' -Serial '{Wildcard.Escape(d.Serial!).Replace("'", "''", StringComparison.Ordinal)}')",
                d.Serial!, DriveTip.Of(d)));
    }

    /// <summary>
    /// Whether the stages asked for so far erase the drive: the -Stage given, else the -Profile's stages
    /// (Standard when none is given yet). Anything unreadable counts as destructive.
    /// </summary>
    private static bool Destructive(IDictionary bound)
    {
        if (bound["Stage"] is { } stage)
        {
            var names = stage is IEnumerable list and not string ? list.Cast<object>().Select(o => o.ToString()) : new[] { stage.ToString() };
            return names.Any(n => !Enum.TryParse<StageKind>(n, true, out var k) || k.IsDestructive());
        }
        var profile = bound["Profile"]?.ToString() ?? nameof(BurninProfile.Standard);
        return !Enum.TryParse<BurninProfile>(profile, true, out var p) ||
               StageKinds.ForProfile(p, isNvme: false, hasConveyance: true).Any(k => k.IsDestructive());
    }
}

/// <summary>-RunId: the stored runs, newest first, with device, profile and state.</summary>
public sealed class RunIdCompleter : StoreCompleter
{
    private protected override IEnumerable<Candidate> Candidates(BurninStore store, IDictionary boundParameters) =>
        new CompletionLookups(store).Runs()
            .OrderByDescending(r => r.Id)
            .Select(r => new Candidate(r.Id.ToString(CultureInfo.InvariantCulture), r.Id.ToString(CultureInfo.InvariantCulture),
                $"{r.Device} on {r.HostName} ({r.Serial ?? "no serial"}), {r.Profile}, {r.State}" + (r.Result.ToString() != r.State.ToString() ? $" {r.Result}" : "")));
}

/// <summary>-UserName: the operator accounts, with full name and admin/disabled flags.</summary>
public sealed class UserNameCompleter : StoreCompleter
{
    private protected override IEnumerable<Candidate> Candidates(BurninStore store, IDictionary boundParameters) =>
        new CompletionLookups(store).Users().Select(u => new Candidate(Wildcard.Escape(u.UserName), u.UserName,
            (u.FullName ?? u.UserName) + (u.IsAdmin ? ", admin" : "") + (u.IsDisabled ? ", disabled" : "")));
}

/// <summary>Get-BurninAuditEvent -Type: the event types the audit trail holds.</summary>
public sealed class AuditTypeCompleter : StoreCompleter
{
    private protected override IEnumerable<Candidate> Candidates(BurninStore store, IDictionary boundParameters) =>
        new CompletionLookups(store).AuditTypes().Select(t => new Candidate(t, t, t));
}

internal static class DriveTip
{
    public static string Of(DriveInfo d) =>
        $"{d.Model ?? "unknown model"}, {Size(d.CapacityBytes)}, {d.Role}, {d.SmartHealth} — {d.Device} on {d.HostName}";

    private static string Size(long? bytes) => bytes switch
    {
        null => "size unknown",
        >= 1_000_000_000_000 => (bytes.Value / 1e12).ToString("0.#", CultureInfo.InvariantCulture) + " TB",
        _ => (bytes.Value / 1e9).ToString("0.#", CultureInfo.InvariantCulture) + " GB",
    };
}
