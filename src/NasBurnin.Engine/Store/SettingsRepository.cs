using NasBurnin.Engine.Common;

namespace NasBurnin.Engine.Store;

/// <summary>Reads and writes the <c>settings</c> table.</summary>
public sealed class SettingsRepository
{
    private readonly BurninStore _store;

    public SettingsRepository(BurninStore store) => _store = store;

    public BurninSettings Get()
    {
        var stored = _store.Read(c =>
        {
            var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT key, value FROM settings";
            using var r = cmd.ExecuteReader();
            while (r.Read()) map[r.GetString(0)] = r.GetString(1);
            return map;
        });
        object V(SettingDefinition d) => stored.TryGetValue(d.Name, out var s) ? d.Parse(s) : d.Default;
        return new BurninSettings(
            (int)V(SettingDefinitions.LogRetentionDays),
            (int)V(SettingDefinitions.BackupKeep),
            (int)V(SettingDefinitions.PollIntervalMinutes),
            (int)V(SettingDefinitions.TemperatureLimitC),
            (string)V(SettingDefinitions.HostWorkDir),
            (int)V(SettingDefinitions.MaxParallelRuns),
            (double)V(SettingDefinitions.StallHours),
            (int)V(SettingDefinitions.RunnerPollSeconds))
        {
            AutoResume = (bool)V(SettingDefinitions.AutoResume),
        };
    }

    /// <summary>
    /// Validates every change first and then writes them all in one transaction: a bad value leaves
    /// the stored settings exactly as they were. The change is audited (config_changed, each setting
    /// before and after) in the same transaction.
    /// </summary>
    public BurninSettings Set(IReadOnlyDictionary<string, object?> changes, Actor? actor = null)
    {
        var normalized = changes.Select(kv =>
        {
            var def = SettingDefinitions.Find(kv.Key);
            return (def, value: def.Normalize(kv.Value));
        }).ToList();
        var now = StoreTime.Format(_store.Clock.UtcNow);
        _store.Write((c, tx) =>
        {
            var parts = new List<string>();
            foreach (var (def, value) in normalized)
            {
                using (var old = c.CreateCommand())
                {
                    old.Transaction = tx;
                    old.CommandText = "SELECT value FROM settings WHERE key = $k";
                    old.Parameters.AddWithValue("$k", def.Name);
                    var before = old.ExecuteScalar() is string stored ? stored : def.Format(def.Default);
                    parts.Add($"{def.Name}: {before} -> {def.Format(value)}");
                }
                using var cmd = c.CreateCommand();
                cmd.Transaction = tx;
                cmd.CommandText = "INSERT INTO settings(key, value, updated_at) VALUES ($k, $v, $t) " +
                                  "ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at";
                cmd.Parameters.AddWithValue("$k", def.Name);
                cmd.Parameters.AddWithValue("$v", def.Format(value));
                cmd.Parameters.AddWithValue("$t", now);
                cmd.ExecuteNonQuery();
            }
            AuditLog.Record(c, tx, _store.Clock, "config_changed", actor ?? Actor.OsUser(), string.Join("; ", parts));
        });
        return Get();
    }
}
