using System.Management.Automation;
using NasBurnin.Common;
using NasBurnin.Engine.Common;
using NasBurnin.Engine.Inventory;

namespace NasBurnin.Drives;

/// <summary>
/// Remove-BurninHealthRule: removes an override, so the default applies again; with a mandatory reason, admins
/// only once the store has users, audited as health_rule_removed. Takes overrides from Get-BurninHealthRule.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "BurninHealthRule", DefaultParameterSetName = "Model", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(BurninHealthRule))]
public sealed class RemoveBurninHealthRuleCommand : BurninCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Model")]
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Serial")]
    public BurninHealthCounter Counter { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = "Model")]
    [ValidateNotNullOrEmpty]
    public string Model { get; set; } = "";

    [Parameter(Mandatory = true, ParameterSetName = "Serial")]
    [ValidateNotNullOrEmpty]
    public string Serial { get; set; } = "";

    /// <summary>Overrides from Get-BurninHealthRule.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = "InputObject")]
    [ValidateNotNull]
    public BurninHealthRule[] InputObject { get; set; } = Array.Empty<BurninHealthRule>();

    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string Reason { get; set; } = "";

    /// <summary>Write the removed overrides to the pipeline.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    private Engine.Common.Actor? _actor;

    protected override void BeginProcessing() => _actor = RequireAdmin("change health rules").Actor;

    protected override void ProcessRecord()
    {
        if (ParameterSetName != "InputObject")
        {
            var scope = ParameterSetName == "Serial" ? HealthRuleScope.Serial : HealthRuleScope.Model;
            Remove(Counter, scope, scope == HealthRuleScope.Serial ? Serial : Model);
            return;
        }
        foreach (var rule in InputObject)
        {
            if (rule.Scope is not ("Model" or "Serial"))
            {
                WriteError(ErrorRecords.From(new BurninException("HealthRuleNotRemovable", ErrorKind.InvalidArgument,
                    $"The {rule.Counter} rule is a default, built in; only overrides (Scope Model or Serial) can be removed."), rule));
                continue;
            }
            Remove(rule.Counter, rule.Scope == "Serial" ? HealthRuleScope.Serial : HealthRuleScope.Model, rule.Serial ?? rule.Model ?? "");
        }
    }

    private void Remove(BurninHealthCounter counter, HealthRuleScope scope, string match)
    {
        if (!ShouldProcess($"{counter} for {scope.ToString().ToLowerInvariant()} '{match}'", "Remove health rule override (the default applies again)")) return;
        var inventory = new InventoryFacade(Store);
        HealthRule? removed = null;
        if (PerItem(() => removed = inventory.RemoveHealthRule(BurninHealthRule.Engine(counter), scope, match, Reason, _actor!), match) && PassThru)
            WriteObject(BurninHealthRule.From(removed!));
    }
}
