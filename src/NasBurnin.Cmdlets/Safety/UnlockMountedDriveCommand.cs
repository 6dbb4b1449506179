using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Host;
using NasBurnin.Common;
using NasBurnin.Engine.Common;
using NasBurnin.Engine.Safety;

namespace NasBurnin.Safety;

/// <summary>
/// Unlock-MountedDrive: lets the next destructive stage run on one Mounted (or Stale) drive. The
/// operator types a token that names the consequence (DESTROY MOUNTED FILESYSTEM, or DESTROY EXISTING
/// DATA for a Stale drive); anything else refuses. The unlock is bound to the drive's serial, expires
/// (default 15 minutes) or is consumed by the next destructive stage, and is audited. The role comes
/// from the store's latest inventory, never from the piped object.
/// </summary>
[Cmdlet(VerbsCommon.Unlock, "MountedDrive", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(BurninDriveUnlock))]
public sealed class UnlockMountedDriveCommand : BurninCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNull]
    public BurninDrive Drive { get; set; } = null!;

    /// <summary>The typed token; prompted for when not given. Never bound from the pipeline.</summary>
    [Parameter]
    public string? ConfirmToken { get; set; }

    [Parameter]
    public TimeSpan ValidFor { get; set; } = DriveUnlockService.DefaultValidity;

    protected override void ProcessRecord()
    {
        var store = Store;
        var actor = RequireOperator();
        var safety = new SafetyFacade(store);
        var facts = Terminating(() => safety.Drive(Drive.DriveId), Drive);
        var role = facts.Role ?? "";
        var name = $"{facts.Device} on {facts.HostName} ({(string.IsNullOrWhiteSpace(facts.Serial) ? "no serial" : "serial " + facts.Serial)}, {role})";
        if (!ShouldProcess(name, $"Unlock for destructive stages for {ValidFor}"))
            return;
        var token = ConfirmToken;
        if (token is null && DriveRoles.NeedsUnlock(role))
            token = Prompt(name, DriveRoles.TokenFor(role));
        if (token is null && DriveRoles.NeedsUnlock(role)) return;
        if (PerItem(() =>
            {
                var u = safety.Unlock(facts, token ?? "", ValidFor, actor);
                WriteObject(new BurninDriveUnlock
                {
                    UnlockId = u.Id, DriveId = u.DriveId, HostName = facts.HostName ?? "", Serial = u.Serial, Role = u.Role,
                    Operator = u.Operator, CreatedAt = u.CreatedAt.UtcDateTime, ExpiresAt = u.ExpiresAt.UtcDateTime,
                });
            }, Drive))
            WriteVerbose($"{name} is unlocked until {DateTime.UtcNow + ValidFor:u}.");
    }

    /// <summary>Asks for the token; where nobody can answer, refuses (an unlock never happens by default).</summary>
    private string? Prompt(string name, string expected)
    {
        try
        {
            var field = new FieldDescription("Token") { Label = "Token" };
            var answer = Host.UI.Prompt($"Unlock {name}",
                $"Destructive stages on this drive destroy everything on it. To unlock it, type exactly: {expected}",
                new Collection<FieldDescription> { field });
            return answer.TryGetValue("Token", out var value) ? value?.BaseObject?.ToString() : null;
        }
        catch (Exception e) when (HostPrompt.NobodyToAsk(e))
        {
            WriteError(ErrorRecords.From(new BurninException("UnlockTokenRequired", ErrorKind.PermissionDenied,
                $"Unlocking {name} needs the typed token '{expected}', and nobody can be asked here. Pass -ConfirmToken '{expected}'.", e), Drive));
            return null;
        }
    }
}
