using NasBurnin.Engine.Common;

namespace NasBurnin.Engine.Store;

/// <summary>
/// The Store feature, as the cmdlets see it (Get/Set-BurninConfig, Get-BurninStore, Get-BurninAuditEvent):
/// settings, the store's description and the audit trail. It owns the <c>settings</c> table (through
/// <see cref="SettingsRepository"/>) and the <c>audit_events</c> table (through <see cref="AuditLog"/>,
/// which every feature calls to record its events in its own transaction).
/// </summary>
public sealed class ConfigFacade
{
    private readonly BurninStore _store;

    public ConfigFacade(BurninStore store) => _store = store;

    public BurninSettings Settings() => new SettingsRepository(_store).Get();

    /// <summary>Checks one setting's value the way <see cref="ChangeSettings"/> will, so -WhatIf refuses the same values.</summary>
    public static object CheckSetting(string name, object? value) => SettingDefinitions.Find(name).Normalize(value);

    /// <summary>Validates all changes, then writes them in one transaction, audited as config_changed.</summary>
    public BurninSettings ChangeSettings(IReadOnlyDictionary<string, object?> changes, Actor? actor) => new SettingsRepository(_store).Set(changes, actor);

    public StoreInfo Info() => _store.GetInfo();

    public IReadOnlyList<AuditEvent> AuditEvents(AuditQuery query) => new AuditLog(_store).Query(query);

    /// <summary>The event types the audit trail holds, for tab completion.</summary>
    public IReadOnlyList<string> AuditTypes() => new AuditLog(_store).Types();
}
