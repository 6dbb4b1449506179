using System.Management.Automation;
using NasBurnin.Common;
using NasBurnin.Engine.Inventory;

namespace NasBurnin.Drives;

/// <summary>
/// Set-BurninHealthRule: overrides one counter's Warning and Failed limits for one model or one serial, with a
/// mandatory reason. Admins only once the store has users; audited as health_rule_changed.
/// </summary>
[Cmdlet(VerbsCommon.Set, "BurninHealthRule", DefaultParameterSetName = "Model", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(BurninHealthRule))]
public sealed class SetBurninHealthRuleCommand : BurninCmdlet
{
    [Parameter(Mandatory = true, Position = 0)]
    public BurninHealthCounter Counter { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = "Model")]
    [ValidateNotNullOrEmpty]
    public string Model { get; set; } = "";

    [Parameter(Mandatory = true, ParameterSetName = "Serial")]
    [ValidateNotNullOrEmpty]
    public string Serial { get; set; } = "";

    /// <summary>At or above this count the drive is Warning; $null: never.</summary>
    [Parameter]
    public long? WarnAt { get; set; }

    /// <summary>At or above this count the drive is Failed; $null: never.</summary>
    [Parameter]
    public long? FailAt { get; set; }

    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string Reason { get; set; } = "";

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var actor = RequireAdmin("change health rules").Actor;
        var scope = ParameterSetName == "Serial" ? HealthRuleScope.Serial : HealthRuleScope.Model;
        var match = scope == HealthRuleScope.Serial ? Serial : Model;
        var bound = MyInvocation.BoundParameters;
        var change = new HealthRuleChange(BurninHealthRule.Engine(Counter), scope, match,
            bound.ContainsKey(nameof(WarnAt)), WarnAt, bound.ContainsKey(nameof(FailAt)), FailAt, Reason);
        var inventory = new InventoryFacade(Store);
        // Checked first, so -WhatIf refuses what the real call would.
        var preview = Terminating(() => inventory.PreviewHealthRule(change), match);
        var target = $"{Counter} for {scope.ToString().ToLowerInvariant()} '{match}'";
        if (!ShouldProcess(target, $"Set health rule: WarnAt {Limit(preview.WarnAt)}, FailAt {Limit(preview.FailAt)}")) return;
        var rule = Terminating(() => inventory.SetHealthRule(change, actor), match);
        if (PassThru) WriteObject(BurninHealthRule.From(rule));
    }

    private static string Limit(long? v) => v?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "never";
}
