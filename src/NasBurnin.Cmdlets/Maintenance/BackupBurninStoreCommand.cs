using System.Management.Automation;
using NasBurnin.Common;
using NasBurnin.Engine.Maintenance;

namespace NasBurnin.Maintenance;

/// <summary>
/// Backup-BurninStore: an online backup of the session's store (other sessions keep writing). The file
/// appears under its final name only when complete and integrity-checked.
/// </summary>
[Cmdlet(VerbsData.Backup, "BurninStore", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(BurninBackupInfo))]
public sealed class BackupBurninStoreCommand : BurninCmdlet
{
    /// <summary>A backup file, or a folder for today's daily file; default: backups beside the store.</summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    /// <summary>Replace an existing file given by name.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void EndProcessing()
    {
        var store = Store;
        var maintenance = new MaintenanceFacade(store);
        string? path = null;
        if (Path is not null)
        {
            path = ResolveFilePath(Path);
            if (Path.EndsWith('/') || Path.EndsWith('\\'))
                path = path.TrimEnd('/', '\\') + System.IO.Path.DirectorySeparatorChar;
        }
        var target = maintenance.ResolveBackupTarget(path, Force);
        Terminating(() => { maintenance.CheckBackupTarget(target); return 0; }, target.Path);
        var action = File.Exists(target.Path)
            ? $"Replace the existing backup with a new backup of the store '{store.Path}'"
            : $"Back up the store '{store.Path}'";
        if (!ShouldProcess(target.Path, action))
            return;
        var info = Terminating(() => maintenance.Backup(target, ModuleSession.Current.Actor, Cancellation), target.Path);
        WriteObject(BurninBackupInfo.From(info));
    }
}
