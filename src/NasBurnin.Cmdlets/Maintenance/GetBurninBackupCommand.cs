using System.Management.Automation;
using NasBurnin.Common;
using NasBurnin.Engine.Maintenance;

namespace NasBurnin.Maintenance;

/// <summary>Get-BurninBackup: the daily backups (burnin-YYYY-MM-DD.db) in a folder, newest first.</summary>
[Cmdlet(VerbsCommon.Get, "BurninBackup")]
[OutputType(typeof(BurninBackupInfo))]
public sealed class GetBurninBackupCommand : BurninCmdlet
{
    /// <summary>The backup folder; default: backups beside the session's store.</summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    protected override void EndProcessing()
    {
        var folder = Path is null
            ? MaintenanceFacade.DefaultBackupFolder(System.IO.Path.GetFullPath(ModuleSession.Current.StorePath))
            : ResolveFilePath(Path);
        if (!Directory.Exists(folder))
        {
            WriteVerbose($"The backup folder '{folder}' does not exist yet; there are no backups.");
            return;
        }
        foreach (var b in MaintenanceFacade.ListBackups(folder))
            WriteObject(BurninBackupInfo.From(b));
    }
}
