using System.Management.Automation;
using NasBurnin.Common;
using NasBurnin.Engine.Safety;

namespace NasBurnin.Safety;

/// <summary>Lock-BurninDrive: withdraws every open unlock of a drive (audited as drive_locked).</summary>
[Cmdlet(VerbsCommon.Lock, "BurninDrive", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(int))]
public sealed class LockBurninDriveCommand : BurninCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNull]
    public BurninDrive Drive { get; set; } = null!;

    /// <summary>Write how many unlocks were withdrawn.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var store = Store;
        var actor = ModuleSession.Current.Actor; // locking only lowers risk: no sign-in needed, but it is attributed
        var safety = new SafetyFacade(store);
        var facts = Terminating(() => safety.Drive(Drive.DriveId), Drive);
        if (!ShouldProcess($"{facts.Device} on {facts.HostName} (serial {facts.Serial})", "Withdraw open unlocks")) return;
        var n = 0;
        if (PerItem(() => n = safety.Lock(facts, actor), Drive) && PassThru)
            WriteObject(n);
    }
}
