using System.Management.Automation;
using NasBurnin.Common;
using NasBurnin.Engine.Store;

namespace NasBurnin.Store;

/// <summary>
/// Set-BurninConfig: change settings. Every value is checked before anything is written, so one bad
/// value leaves all settings as they were. The accepted ranges live in the engine, in one place. Every
/// change is audited as config_changed, each setting before and after.
/// </summary>
[Cmdlet(VerbsCommon.Set, "BurninConfig", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(BurninConfig))]
public sealed class SetBurninConfigCommand : BurninCmdlet
{
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public int? LogRetentionDays { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public int? BackupKeep { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public int? PollIntervalMinutes { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public int? TemperatureLimitC { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? HostWorkDir { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public int? MaxParallelRuns { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public double? StallHours { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public int? RunnerPollSeconds { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public bool? AutoResume { get; set; }

    /// <summary>Write the resulting configuration to the pipeline.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var changes = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        foreach (var def in SettingDefinitions.All)
            if (MyInvocation.BoundParameters.TryGetValue(def.Name, out var value))
                changes[def.Name] = value;

        var store = Store;
        // Settings change what later runs and retention do (a short LogRetentionDays prunes logs): once
        // the store has users, only a signed-in operator may change them.
        var actor = changes.Count > 0 ? RequireOperator() : null;
        if (changes.Count == 0)
        {
            WriteWarning("No setting was given; nothing changed. Name a setting, for example -LogRetentionDays 35.");
        }
        else
        {
            // Check everything first so -WhatIf and the real run reject the same bad values.
            foreach (var kv in changes)
                Terminating(() => ConfigFacade.CheckSetting(kv.Key, kv.Value), kv.Key);
            var description = string.Join(", ", changes.Select(kv => $"{kv.Key} = {kv.Value}"));
            if (ShouldProcess(store.Path, $"Set {description}"))
                Terminating(() => new ConfigFacade(store).ChangeSettings(changes, actor), store.Path);
        }
        if (PassThru)
            WriteObject(BurninConfig.From(Terminating(() => new ConfigFacade(store).Settings(), store.Path), store.Path));
    }
}
