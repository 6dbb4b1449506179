using System.Management.Automation;
using NasBurnin.Completion;
using NasBurnin.Common;
using NasBurnin.Engine.Inventory;

namespace NasBurnin.Drives;

/// <summary>
/// Get-BurninHealthRule: the rules that make a drive's SmartHealth Warning or Failed, and how a burn-in judges each
/// counter against its baseline. Without -Model or -Serial: the defaults, then every override. With them (or a
/// piped BurninDrive): the rule in force for that drive, one per counter.
/// </summary>
[Cmdlet(VerbsCommon.Get, "BurninHealthRule", DefaultParameterSetName = "All")]
[OutputType(typeof(BurninHealthRule))]
public sealed class GetBurninHealthRuleCommand : BurninCmdlet
{
    [Parameter(Position = 0)]
    public BurninHealthCounter[]? Counter { get; set; }

    /// <summary>The rules in force for drives of this model.</summary>
    [Parameter(ParameterSetName = "Drive", ValueFromPipelineByPropertyName = true)]
    [AllowNull, AllowEmptyString]
    public string? Model { get; set; }

    /// <summary>The rules in force for the drive with this serial.</summary>
    [Parameter(ParameterSetName = "Drive", ValueFromPipelineByPropertyName = true)]
    [AllowNull, AllowEmptyString]
    [ArgumentCompleter(typeof(SerialCompleter))]
    public string? Serial { get; set; }

    protected override void ProcessRecord()
    {
        var store = Store;
        var settings = ReadSettings();
        var inventory = new InventoryFacade(store);
        var rules = ParameterSetName == "Drive"
            ? Terminating(() => inventory.HealthRulesFor(settings, Model, Serial), Serial ?? Model)
            : Terminating(() => inventory.HealthRules(settings), store.Path);
        foreach (var r in rules.Select(BurninHealthRule.From).Where(r => Counter is not { Length: > 0 } || Counter.Contains(r.Counter)))
            WriteObject(r);
    }
}
