using System.Text.Json;
using Microsoft.Data.Sqlite;
using NasBurnin.Engine.Common;
using NasBurnin.Engine.Store;

namespace NasBurnin.Engine.Inventory;

/// <summary>
/// The <c>drives</c> table. A drive is one row for life, found by its identity (model + serial + WWN): moving
/// from sdb to sdc, or to another host, updates the row and keeps its id. Offline reads rebuild the SMART
/// measurements from the stored (compacted) smartctl JSON, so they show what the last inventory saw.
/// </summary>
public sealed class DriveRepository
{
    private readonly BurninStore _store;

    public DriveRepository(BurninStore store) => _store = store;

    /// <summary>
    /// Upserts every drive of a host inventory in one transaction and returns them with their store ids and
    /// first/last-seen times. When the inventory is complete, drives the host had before but not now get
    /// <c>missing_since</c>; a drive that comes back clears it.
    /// </summary>
    public IReadOnlyList<DriveInfo> Save(HostInventory inventory)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        var now = StoreTime.Format(inventory.TakenAt);
        return _store.Write((c, tx) =>
        {
            var hostId = Scalar(c, tx, "SELECT id FROM hosts WHERE name = $h COLLATE NOCASE ORDER BY id LIMIT 1", ("$h", inventory.HostName));
            var known = LoadIdentities(c, tx);
            var saved = new List<DriveInfo>();
            var seen = new HashSet<long>();
            // Exact identities first, so a fuzzy match never takes the row another drive owns by key.
            var rows = inventory.Drives.Select(d => known.FirstOrDefault(k => k.Key == d.Identity)?.Id).ToArray();
            foreach (var id in rows.OfType<long>()) seen.Add(id);
            for (var i = 0; i < rows.Length; i++)
            {
                if (rows[i] is null && FindSimilar(inventory.Drives[i], known, seen) is { } similar)
                {
                    rows[i] = similar;
                    seen.Add(similar);
                }
            }
            for (var i = 0; i < rows.Length; i++)
            {
                var d = inventory.Drives[i];
                var id = rows[i];
                if (d.Asleep && id is not null && Load(c, tx, id.Value) is { } stored) d = Asleep(stored, d);
                if (id is null)
                {
                    id = Insert(c, tx, d, hostId, now);
                    known.Add(new KnownRow(id.Value, d.Identity, DriveIdentity.Of(d.Model, d.Serial, d.Wwn), inventory.HostName, d.Device));
                    seen.Add(id.Value);
                }
                else Update(c, tx, id.Value, d, hostId, now, known);
                var first = Scalar(c, tx, "SELECT first_seen_at FROM drives WHERE id = $id", ("$id", id.Value)) as string;
                saved.Add(d with { Id = id, FirstSeenAt = StoreTime.ParseOrNull(first), LastSeenAt = inventory.TakenAt, MissingSince = null });
            }
            if (inventory.Complete)
            {
                using var miss = Command(c, tx, "UPDATE drives SET missing_since = $now WHERE host_name = $h COLLATE NOCASE AND missing_since IS NULL" +
                    (seen.Count > 0 ? $" AND id NOT IN ({string.Join(",", seen)})" : ""), ("$now", now), ("$h", inventory.HostName));
                miss.ExecuteNonQuery();
            }
            return (IReadOnlyList<DriveInfo>)saved;
        });
    }

    /// <summary>
    /// A drive smartctl left asleep keeps what it was last read as: SMART values (and so health, warnings and the
    /// transport smartctl told), with their time; what lsblk, findmnt and zpool say now (role, pools, device) is new.
    /// </summary>
    private static DriveInfo Asleep(DriveInfo stored, DriveInfo now) => stored with
    {
        HostName = now.HostName,
        Device = now.Device,
        KernelName = now.KernelName,
        ByIdPath = now.ByIdPath,
        CapacityBytes = now.CapacityBytes ?? stored.CapacityBytes,
        Rotational = stored.Rotational ?? now.Rotational,
        Transport = stored.Transport != DriveTransport.Other ? stored.Transport : now.Transport,
        Role = now.Role,
        RoleReasons = now.RoleReasons,
        PoolName = now.PoolName,
        PoolRole = now.PoolRole,
        Pools = now.Pools,
        Mountpoints = now.Mountpoints,
        // Never read before: nothing to keep, so its own "asleep, never read" reason stands.
        SmartHealth = stored.SmartReadAt is null ? now.SmartHealth : stored.SmartHealth,
        Warnings = stored.SmartReadAt is null ? now.Warnings : stored.Warnings,
        PowerMode = now.PowerMode,
        Asleep = true,
        InventoriedAt = now.InventoriedAt,
        LastSeenAt = now.LastSeenAt,
    };

    private static DriveInfo? Load(SqliteConnection c, SqliteTransaction tx, long id)
    {
        using var cmd = Command(c, tx, "SELECT * FROM drives WHERE id = $id", ("$id", id));
        using var r = cmd.ExecuteReader();
        return r.Read() ? FromRow(r) : null;
    }

    /// <summary>The smartctl device types of a host's present drives, for the next inventory's <c>-d</c>.</summary>
    public IReadOnlyList<KnownDeviceType> DeviceTypesOn(string hostName) => _store.Read(c =>
    {
        using var cmd = Command(c, null,
            "SELECT device_path, serial, smart_device_type FROM drives WHERE host_name = $h COLLATE NOCASE AND missing_since IS NULL " +
            "AND smart_device_type IS NOT NULL AND serial IS NOT NULL", ("$h", hostName));
        using var r = cmd.ExecuteReader();
        var list = new List<KnownDeviceType>();
        while (r.Read())
        {
            var device = r.GetString(0);
            if (device.StartsWith("/dev/", StringComparison.Ordinal)) list.Add(new KnownDeviceType(device[5..], r.GetString(1), r.GetString(2)));
        }
        return (IReadOnlyList<KnownDeviceType>)list;
    });

    /// <summary>Stored drives matching the query, by host then device.</summary>
    public IReadOnlyList<DriveInfo> Query(DriveQuery? query = null)
    {
        query ??= new DriveQuery();
        return _store.Read(c =>
        {
            var sql = "SELECT * FROM drives";
            var parameters = new List<(string, object?)>();
            if (query.HostNames is { Count: > 0 } hosts)
            {
                var (where, values) = Wildcard.SqlAny("host_name", "$h", hosts);
                parameters.AddRange(values.Select(v => (v.Name, (object?)v.Value)));
                sql += " WHERE " + where;
            }
            sql += " ORDER BY host_name COLLATE NOCASE, device_path, id";
            using var cmd = Command(c, null, sql, parameters.ToArray());
            using var r = cmd.ExecuteReader();
            var list = new List<DriveInfo>();
            while (r.Read())
            {
                var d = FromRow(r);
                if (query.Matches(d)) list.Add(d);
            }
            return (IReadOnlyList<DriveInfo>)list;
        });
    }

    /// <summary>Ids of the drives the store has on this host and not marked missing.</summary>
    public IReadOnlySet<long> PresentOn(string hostName) => _store.Read(c =>
    {
        using var cmd = Command(c, null, "SELECT id FROM drives WHERE host_name = $h COLLATE NOCASE AND missing_since IS NULL", ("$h", hostName));
        using var r = cmd.ExecuteReader();
        var ids = new HashSet<long>();
        while (r.Read()) ids.Add(r.GetInt64(0));
        return (IReadOnlySet<long>)ids;
    });

    public DriveInfo? Get(long id) => _store.Read(c =>
    {
        using var cmd = Command(c, null, "SELECT * FROM drives WHERE id = $id", ("$id", id));
        using var r = cmd.ExecuteReader();
        return r.Read() ? FromRow(r) : null;
    });

    public DriveInfo? FindByIdentity(string identity) => _store.Read(c =>
    {
        using var cmd = Command(c, null, "SELECT * FROM drives WHERE identity = $i", ("$i", identity));
        using var r = cmd.ExecuteReader();
        return r.Read() ? FromRow(r) : null;
    });

    // ------------------------------------------------------------------ matching

    private sealed record KnownRow(long Id, string Key, DriveIdentity Identity, string? HostName, string? Device);

    private static List<KnownRow> LoadIdentities(SqliteConnection c, SqliteTransaction tx)
    {
        using var cmd = Command(c, tx, "SELECT id, identity, model, serial, wwn, host_name, device_path FROM drives");
        using var r = cmd.ExecuteReader();
        var list = new List<KnownRow>();
        while (r.Read())
            list.Add(new KnownRow(r.GetInt64(0), r.GetString(1), DriveIdentity.Of(r.NullableString("model"), r.NullableString("serial"), r.NullableString("wwn")),
                r.NullableString("host_name"), r.NullableString("device_path")));
        return list;
    }

    /// <summary>
    /// The one stored row that is the same drive seen through another tool (lsblk's truncated model when
    /// smartctl failed, a WWN only one side knows); on the same host and device path if several fit.
    /// </summary>
    private static long? FindSimilar(DriveInfo d, List<KnownRow> known, HashSet<long> taken)
    {
        if (!d.IdentityStable) return null;
        var me = DriveIdentity.Of(d.Model, d.Serial, d.Wwn);
        var similar = known.Where(k => !taken.Contains(k.Id) && me.SameDriveAs(k.Identity)).ToList();
        // Asleep, the drive is known only by lsblk's words: on its own host and device, its serial is enough.
        if (similar.Count == 0 && d.Asleep)
            similar = known.Where(k => !taken.Contains(k.Id) && me.SameSerialAs(k.Identity) && k.Device == d.Device &&
                                       string.Equals(k.HostName, d.HostName, StringComparison.OrdinalIgnoreCase)).ToList();
        if (similar.Count == 0) return null;
        return (similar.FirstOrDefault(k => string.Equals(k.HostName, d.HostName, StringComparison.OrdinalIgnoreCase) && k.Device == d.Device) ?? similar[0]).Id;
    }

    // ------------------------------------------------------------------ writes

    private const string Columns =
        "host_id, host_name, model, serial, wwn, firmware, capacity_bytes, transport, rotational, device_path, by_id_path, " +
        "role, role_reasons, pool_name, pool_role, mountpoints, health, warnings, power_mode";

    private static (string, object?)[] Values(DriveInfo d, object? hostId) => new (string, object?)[]
    {
        ("$host_id", hostId), ("$host_name", d.HostName), ("$model", d.Model), ("$serial", d.Serial), ("$wwn", d.Wwn),
        ("$firmware", d.Firmware), ("$capacity_bytes", d.CapacityBytes), ("$transport", d.Transport.ToString()),
        ("$rotational", d.Rotational is { } rot ? (rot ? 1 : 0) : null), ("$device_path", d.Device), ("$by_id_path", d.ByIdPath),
        ("$role", d.Role.ToString()), ("$role_reasons", JsonList(d.RoleReasons)), ("$pool_name", d.PoolName),
        ("$pool_role", d.PoolRole?.ToString()), ("$mountpoints", JsonList(d.Mountpoints)), ("$health", d.SmartHealth.ToString()),
        ("$warnings", JsonList(d.Warnings)), ("$power_mode", d.PowerMode.ToString()), ("$last_smart_json", Compact(d.SmartJson)),
        ("$smart_read_at", d.SmartReadAt is { } at ? StoreTime.Format(at) : null), ("$smart_device_type", d.SmartDeviceType),
    };

    private static long Insert(SqliteConnection c, SqliteTransaction tx, DriveInfo d, object? hostId, string now)
    {
        var names = Columns.Split(", ");
        using var cmd = Command(c, tx,
            $"INSERT INTO drives(identity, {Columns}, last_smart_json, smart_read_at, smart_device_type, first_seen_at, last_seen_at) " +
            $"VALUES ($identity, {string.Join(", ", names.Select(n => "$" + n))}, $last_smart_json, $smart_read_at, $smart_device_type, $now, $now) RETURNING id",
            Values(d, hostId).Append(("$identity", d.Identity)).Append(("$now", now)).ToArray());
        return (long)cmd.ExecuteScalar()!;
    }

    private static void Update(SqliteConnection c, SqliteTransaction tx, long id, DriveInfo d, object? hostId, string now, List<KnownRow> known)
    {
        // A fuzzy match adopts the new key only when smartctl vouched for it and no other row holds it.
        var row = known.First(k => k.Id == id);
        var identity = row.Key;
        if (row.Key != d.Identity && d.Smart is not null && known.All(k => k.Key != d.Identity))
        {
            identity = d.Identity;
            known[known.IndexOf(row)] = row with { Key = identity };
        }
        var set = string.Join(", ", Columns.Split(", ").Select(n => $"{n} = ${n}"));
        using var cmd = Command(c, tx,
            // The SMART document, its time and its device type stay until a new read replaces them (a drive asleep,
            // or one smartctl failed on this time, keeps the last ones).
            $"UPDATE drives SET identity = $identity, {set}, last_smart_json = COALESCE($last_smart_json, last_smart_json), " +
            "smart_read_at = COALESCE($smart_read_at, smart_read_at), smart_device_type = COALESCE($smart_device_type, smart_device_type), " +
            "last_seen_at = $now, missing_since = NULL WHERE id = $id",
            Values(d, hostId).Append(("$identity", identity)).Append(("$now", now)).Append(("$id", id)).ToArray());
        cmd.ExecuteNonQuery();
    }

    // ------------------------------------------------------------------ reads

    private static DriveInfo FromRow(SqliteDataReader r)
    {
        var device = r.NullableString("device_path") ?? "";
        var json = r.NullableString("last_smart_json");
        var report = json is null ? null : SmartctlParser.Parse(json);
        var poolName = r.NullableString("pool_name");
        var poolRole = Enum.TryParse<PoolRole>(r.NullableString("pool_role"), out var pr) ? pr : (PoolRole?)null;
        var lastSeen = StoreTime.Parse(r.GetString(r.GetOrdinal("last_seen_at")));
        var d = new DriveInfo
        {
            Id = r.GetInt64(r.GetOrdinal("id")),
            HostName = r.NullableString("host_name") ?? "",
            Device = device,
            KernelName = device.StartsWith("/dev/", StringComparison.Ordinal) ? device[5..] : device,
            ByIdPath = r.NullableString("by_id_path"),
            Identity = r.GetString(r.GetOrdinal("identity")),
            IdentityStable = !r.GetString(r.GetOrdinal("identity")).StartsWith("host:", StringComparison.Ordinal),
            Serial = r.NullableString("serial"),
            Wwn = r.NullableString("wwn"),
            Model = r.NullableString("model"),
            Firmware = r.NullableString("firmware"),
            CapacityBytes = r.NullableInt64("capacity_bytes"),
            Transport = Enum.TryParse<DriveTransport>(r.NullableString("transport"), out var t) ? t : DriveTransport.Other,
            Rotational = r.NullableInt64("rotational") is { } rot ? rot != 0 : null,
            Role = Enum.TryParse<DriveRole>(r.NullableString("role"), out var role) ? role : DriveRole.Unknown,
            RoleReasons = ParseList(r.NullableString("role_reasons")),
            PoolName = poolName,
            PoolRole = poolRole,
            Pools = poolName is not null && poolRole is { } p ? new[] { new PoolMembership(poolName, p, "", null, null) } : Array.Empty<PoolMembership>(),
            Mountpoints = ParseList(r.NullableString("mountpoints")),
            SmartHealth = Enum.TryParse<SmartHealth>(r.NullableString("health"), out var h) ? h : SmartHealth.Unknown,
            Warnings = ParseList(r.NullableString("warnings")),
            SmartJson = json,
            InventoriedAt = lastSeen,
            FirstSeenAt = StoreTime.Parse(r.GetString(r.GetOrdinal("first_seen_at"))),
            LastSeenAt = lastSeen,
            MissingSince = r.NullableTime("missing_since"),
            PowerMode = Enum.TryParse<DrivePowerMode>(r.NullableString("power_mode"), out var pm) ? pm : DrivePowerMode.Unknown,
            SmartReadAt = r.NullableTime("smart_read_at"),
            SmartDeviceType = r.NullableString("smart_device_type"),
        };
        return report?.Problem is null ? d.WithMeasurements(report) : d;
    }

    // ------------------------------------------------------------------ helpers

    private static string JsonList(IReadOnlyList<string> items) => JsonSerializer.Serialize(items);

    /// <summary>A stored JSON list of strings (reasons, warnings, mountpoints); empty when absent or unreadable.</summary>
    internal static IReadOnlyList<string> ParseList(string? json)
    {
        if (json is null) return Array.Empty<string>();
        try { return JsonSerializer.Deserialize<List<string>>(json) ?? new List<string>(); }
        catch (JsonException) { return Array.Empty<string>(); }
    }

    /// <summary>smartctl's JSON without indentation (a third of the size); text that is not JSON is not stored.</summary>
    internal static string? Compact(string? json)
    {
        using var doc = JsonRead.TryParse(json, out _);
        if (doc is null) return null;
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            doc.WriteTo(w);
        return System.Text.Encoding.UTF8.GetString(ms.ToArray());
    }

    private static SqliteCommand Command(SqliteConnection c, SqliteTransaction? tx, string sql, params (string Name, object? Value)[] parameters)
    {
        var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters) cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return cmd;
    }

    private static object? Scalar(SqliteConnection c, SqliteTransaction tx, string sql, params (string, object?)[] parameters)
    {
        using var cmd = Command(c, tx, sql, parameters);
        var v = cmd.ExecuteScalar();
        return v is DBNull ? null : v;
    }
}
