using NasBurnin.Engine.Burnin;
using NasBurnin.Engine.Common;
using NasBurnin.Engine.Remote;
using NasBurnin.Engine.Store;

namespace NasBurnin.Engine.Inventory;

/// <summary>
/// The Inventory feature, as the cmdlets see it (Get-BurninDrive, Sync-BurninInventory, Get-/Set-/Remove-BurninHealthRule,
/// every -Serial check): taking a host's inventory and reading the stored one, and the health rules that judge each
/// drive during it. It owns the <c>drives</c> table (through <see cref="DriveRepository"/>, written by
/// <see cref="InventoryService"/>) and the <c>health_rules</c> table (through <see cref="HealthRuleService"/>).
/// </summary>
public sealed class InventoryFacade
{
    private readonly BurninStore _store;

    public InventoryFacade(BurninStore store) => _store = store;

    /// <summary>The stored drives the query selects (the latest inventory of each).</summary>
    public IReadOnlyList<DriveInfo> Drives(DriveQuery query) => new DriveRepository(_store).Query(query);

    /// <inheritdoc cref="InventoryService.WakeOnly"/>
    public IReadOnlyCollection<string>? WakeOnly(string hostName, DriveQuery query) => InventoryService.WakeOnly(_store, hostName, query);

    /// <inheritdoc cref="InventoryService.RefreshAsync"/>
    public Task<InventoryRefresh> RefreshAsync(IRemoteShell shell, HostRecord host, BurninSettings settings, TimeSpan? timeout,
        CancellationToken cancellationToken, bool wakeDrives = false, IReadOnlyCollection<string>? wakeOnly = null) =>
        InventoryService.RefreshAsync(shell, host, _store, settings, timeout, cancellationToken, wakeDrives, wakeOnly);

    /// <summary>
    /// Sync-BurninInventory's work on one host: its inventory, then its unfinished runs (the Burnin façade), then,
    /// with Set-BurninConfig -AutoResume $true, the Interrupted runs whose drives pass every check go on by themselves.
    /// </summary>
    public async Task<InventoryRefresh> SyncAsync(IRemoteShell shell, HostRecord host, BurninSettings settings, TimeSpan? timeout,
        string source, CancellationToken ct)
    {
        var refresh = await RefreshAsync(shell, host, settings, timeout, ct).ConfigureAwait(false);
        var burnin = new BurninFacade(_store);
        await burnin.RefreshAsync(host, shell, settings, ct).ConfigureAwait(false);
        await burnin.AutoResumeAsync(host, shell, settings, source, ct).ConfigureAwait(false);
        return refresh;
    }

    /// <inheritdoc cref="HealthRuleService.List"/>
    public IReadOnlyList<HealthRule> HealthRules(BurninSettings settings) => new HealthRuleService(_store).List(settings);

    /// <inheritdoc cref="HealthRuleService.EffectiveFor"/>
    public IReadOnlyList<HealthRule> HealthRulesFor(BurninSettings settings, string? model, string? serial) =>
        new HealthRuleService(_store).EffectiveFor(settings, model, serial);

    /// <inheritdoc cref="HealthRuleService.Preview"/>
    public HealthRule PreviewHealthRule(HealthRuleChange change) => new HealthRuleService(_store).Preview(change);

    /// <inheritdoc cref="HealthRuleService.Set"/>
    public HealthRule SetHealthRule(HealthRuleChange change, Actor actor) => new HealthRuleService(_store).Set(change, actor);

    /// <inheritdoc cref="HealthRuleService.Remove"/>
    public HealthRule RemoveHealthRule(SmartCounter counter, HealthRuleScope scope, string match, string reason, Actor actor) =>
        new HealthRuleService(_store).Remove(counter, scope, match, reason, actor);
}
