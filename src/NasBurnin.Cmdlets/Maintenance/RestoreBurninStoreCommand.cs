using System.Management.Automation;
using NasBurnin.Common;
using NasBurnin.Engine.Maintenance;

namespace NasBurnin.Maintenance;

/// <summary>
/// Restore-BurninStore: replace the session's store with a backup. The backup is checked (SQLite,
/// intact, a NasBurnin store of a schema this version understands) before anything changes; the
/// replaced store is kept beside it.
/// </summary>
[Cmdlet(VerbsData.Restore, "BurninStore", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(BurninRestoreResult))]
public sealed class RestoreBurninStoreCommand : BurninCmdlet
{
    /// <summary>The backup file to restore.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    protected override void ProcessRecord()
    {
        var store = Store;
        // Restoring replaces every result and audit event: it needs a signed-in operator once users exist.
        var actor = RequireOperator();
        var maintenance = new MaintenanceFacade(store);
        var backup = ResolveFilePath(Path);
        var candidate = Terminating(() => maintenance.ValidateBackup(backup), backup);
        var action = $"Replace the store with the backup '{candidate.Path}' (schema {candidate.SchemaVersion}, {candidate.SizeBytes / 1048576.0:0.0} MB); " +
                     "the current store is kept beside it as " + System.IO.Path.GetFileName(store.Path) + ".replaced-<UTC time>";
        if (!ShouldProcess(store.Path, action))
            return;
        var result = Terminating(() => maintenance.Restore(candidate, actor, Cancellation), candidate.Path);
        WriteVerbose($"The replaced store was kept as '{result.ReplacedPath}'.");
        WriteObject(BurninRestoreResult.From(result));
    }
}
