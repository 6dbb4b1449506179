using System.Management.Automation;
using NasBurnin.Common;
using NasBurnin.Engine.Maintenance;

namespace NasBurnin.Maintenance;

/// <summary>
/// Invoke-BurninRetention: prune old stage logs, return free space in short steps (-Full: a full
/// VACUUM; an older store is converted once, with a warning), back up, rotate
/// backups, audit. Built for scheduled tasks: it never prompts (ConfirmImpact None: only an explicit
/// -Confirm asks), writes one result object, and a failed step is an error record (so
/// `pwsh -NonInteractive -Command` exits 1) after the result.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "BurninRetention", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.None)]
[OutputType(typeof(BurninRetentionResult))]
public sealed class InvokeBurninRetentionCommand : BurninCmdlet
{
    /// <summary>Days a finished stage keeps its log text; default: the LogRetentionDays setting.</summary>
    [Parameter]
    public int? LogRetentionDays { get; set; }

    /// <summary>Daily backups to keep; default: the BackupKeep setting.</summary>
    [Parameter]
    public int? BackupKeep { get; set; }

    /// <summary>Folder for daily backups; default: backups beside the store.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? BackupPath { get; set; }

    /// <summary>Skip the backup and the rotation.</summary>
    [Parameter]
    public SwitchParameter NoBackup { get; set; }

    /// <summary>Compact with a full VACUUM (other writers wait for it) instead of in short steps.</summary>
    [Parameter]
    public SwitchParameter Full { get; set; }

    protected override void EndProcessing()
    {
        var store = Store;
        var whatIf = WhatIfRequested();
        var backupFolder = BackupPath is null ? null : ResolveFilePath(BackupPath);
        var progress = new ProgressRecord(0x4E42, "Invoke-BurninRetention", "Starting");
        var hooks = new RetentionHooks
        {
            Confirm = (target, action) => ShouldProcess(target, action),
            Progress = text =>
            {
                progress.StatusDescription = text;
                WriteProgress(progress);
                WriteVerbose(text);
            },
            Warning = WriteWarning,
        };
        var result = Terminating(() => new MaintenanceFacade(store).RunRetention(
            LogRetentionDays, BackupKeep, backupFolder, NoBackup, whatIf, Full, ModuleSession.Current.Actor, hooks, Cancellation), store.Path);
        progress.RecordType = ProgressRecordType.Completed;
        WriteProgress(progress);
        if (whatIf)
            return; // -WhatIf reported each action through ShouldProcess and changed nothing
        WriteObject(BurninRetentionResult.From(result));
        if (result.Error is { } error)
            WriteError(ErrorRecords.From(error));
    }

    private bool WhatIfRequested() =>
        MyInvocation.BoundParameters.TryGetValue("WhatIf", out var w)
            ? ((SwitchParameter)w).IsPresent
            : LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference"));
}
