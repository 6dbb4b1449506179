using System.Text.Json;
using Microsoft.Data.Sqlite;
using NasBurnin.Engine.Common;
using NasBurnin.Engine.Store;

namespace NasBurnin.Engine.Remote;

/// <summary>What Set-BurninHost changes; null leaves a value alone. An empty tool path clears it.</summary>
public sealed record HostChanges
{
    public IReadOnlyDictionary<string, string>? ToolPaths { get; init; }
    /// <summary>"" clears the host's own work dir (back to the store-wide setting).</summary>
    public string? WorkDir { get; init; }
    public bool? UseSudo { get; init; }
    /// <summary>0 clears the host's own limit (back to the store-wide setting).</summary>
    public int? MaxParallelRuns { get; init; }
    public bool? IncludeLoopDevices { get; init; }
}

/// <summary>
/// The <c>hosts</c> table. Hosts are unique by name (case-insensitive) and port. Every value that will
/// reach a command on the host (name, tool paths, work dir) is validated here, before it is stored.
/// </summary>
public sealed class HostRepository
{
    private readonly BurninStore _store;

    public HostRepository(BurninStore store) => _store = store;

    public HostRecord? Find(string name, int port) => _store.Read(c =>
        Query(c, "WHERE name = $name AND port = $port", cmd =>
        {
            cmd.Parameters.AddWithValue("$name", name);
            cmd.Parameters.AddWithValue("$port", port);
        }).SingleOrDefault());

    public HostRecord? Get(long id) => _store.Read(c =>
        Query(c, "WHERE id = $id", cmd => cmd.Parameters.AddWithValue("$id", id)).SingleOrDefault());

    /// <summary>Hosts whose name matches a PowerShell wildcard (case-insensitive), ordered by name and port.</summary>
    public IReadOnlyList<HostRecord> List(Wildcard? name = null, int? port = null) =>
        List(name?.ToGlob(), port, exact: false);

    /// <summary>Hosts with exactly this name (case-insensitive), on any port unless one is given.</summary>
    public IReadOnlyList<HostRecord> ListNamed(string name, int? port = null) => List(name, port, exact: true);

    /// <summary>Hosts by exact name or by a GLOB pattern already translated by <see cref="Wildcard.ToGlob"/>.</summary>
    private IReadOnlyList<HostRecord> List(string? name, int? port, bool exact) => _store.Read(c =>
    {
        var where = new List<string>();
        if (name is not null) where.Add(exact ? "name = $name" : Wildcard.SqlCondition("name", "$name"));
        if (port is not null) where.Add("port = $port");
        return Query(c, where.Count > 0 ? "WHERE " + string.Join(" AND ", where) : "", cmd =>
        {
            if (name is not null) cmd.Parameters.AddWithValue("$name", name);
            if (port is not null) cmd.Parameters.AddWithValue("$port", port.Value);
        });
    });

    /// <summary>
    /// Inserts the host or updates its connection settings (user, key file, transport, sudo, work folder,
    /// loop devices), pins or
    /// replaces its key as <paramref name="verdict"/> says, and records the contact, in one transaction
    /// with its audit events (host_changed with before and after when a known host's settings change).
    /// Called after a connection succeeded.
    /// </summary>
    public HostRecord SaveConnected(HostRecord host, HostKeyVerdict verdict, Actor actor)
    {
        RemoteNames.RequireHostName(host.Name);
        if (host.WorkDir is not null) RemoteNames.RequireSafePath(host.WorkDir, "work folder");
        var now = StoreTime.Format(_store.Clock.UtcNow);
        var id = _store.Write((c, tx) =>
        {
            var existingId = FindId(c, tx, host.Name, host.Port);
            var before = existingId is { } eid ? Query(c, "WHERE id = $id", q => q.Parameters.AddWithValue("$id", eid), tx).SingleOrDefault() : null;
            var existing = existingId;
            using var cmd = c.CreateCommand();
            cmd.Transaction = tx;
            if (existing is null)
            {
                cmd.CommandText = """
                    INSERT INTO hosts(name, address, port, user_name, transport, key_file_path, host_key_sha256, host_key_algorithm,
                                      use_sudo, work_dir, include_loop, created_at, last_poll_at, last_success_at, last_error)
                    VALUES ($name, $name, $port, $user, $transport, $key, $fp, $alg, $sudo, $dir, $loop, $now, $now, $now, NULL) RETURNING id
                    """;
            }
            else
            {
                cmd.CommandText = """
                    UPDATE hosts SET user_name = $user, transport = $transport, key_file_path = $key, use_sudo = $sudo,
                        work_dir = $dir, include_loop = $loop, host_key_sha256 = $fp, host_key_algorithm = $alg,
                        last_poll_at = $now, last_success_at = $now, last_error = NULL
                    WHERE id = $id RETURNING id
                    """;
                cmd.Parameters.AddWithValue("$id", existing.Value);
            }
            cmd.Parameters.AddWithValue("$name", host.Name);
            cmd.Parameters.AddWithValue("$port", host.Port);
            cmd.Parameters.AddWithValue("$user", (object?)host.UserName ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$transport", host.Transport.ToString());
            cmd.Parameters.AddWithValue("$key", (object?)host.KeyFilePath ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$fp", (object?)host.HostKeySha256 ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$alg", (object?)host.HostKeyAlgorithm ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$sudo", host.UseSudo ? 1 : 0);
            cmd.Parameters.AddWithValue("$dir", (object?)host.WorkDir ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$loop", host.IncludeLoopDevices ? 1 : 0);
            cmd.Parameters.AddWithValue("$now", now);
            var newId = (long)cmd.ExecuteScalar()!;

            if (existing is null)
                AuditLog.Record(c, tx, _store.Clock, "host_added", actor, $"{host.Transport} {host}", host.Name);
            else if (before is not null && (host with { ToolPaths = before.ToolPaths, MaxParallelRuns = before.MaxParallelRuns }).ChangesFrom(before) is { Count: > 0 } changed)
                AuditLog.Record(c, tx, _store.Clock, "host_changed", actor, $"{host} by Connect-BurninHost: {string.Join("; ", changed)}", host.Name);
            if (verdict == HostKeyVerdict.PinNew)
                AuditLog.Record(c, tx, _store.Clock, "host_key_pinned", actor, $"{host}: {host.HostKeyAlgorithm} {host.HostKeySha256}", host.Name);
            if (verdict == HostKeyVerdict.ReplacePinned)
                AuditLog.Record(c, tx, _store.Clock, "host_key_replaced", actor, $"{host}: now {host.HostKeyAlgorithm} {host.HostKeySha256}", host.Name);
            return newId;
        });
        return Get(id)!;
    }

    /// <summary>
    /// Validates Set-BurninHost's values and returns them normalised; throws InvalidRemotePath or
    /// InvalidMaxParallelRuns naming the bad value. Called before ShouldProcess, so -WhatIf refuses the same values.
    /// </summary>
    public static HostChanges Check(HostChanges changes)
    {
        var tools = changes.ToolPaths?.ToDictionary(kv => HostTools.Require(kv.Key),
            kv => kv.Value.Length == 0 ? "" : RemoteNames.RequireSafePath(kv.Value, $"{kv.Key} path"), StringComparer.Ordinal);
        if (changes.WorkDir is { Length: > 0 } w) RemoteNames.RequireSafePath(w, "work folder");
        if (changes.MaxParallelRuns is < 0 or > 64)
            throw new BurninException("InvalidMaxParallelRuns", ErrorKind.InvalidArgument,
                $"MaxParallelRuns {changes.MaxParallelRuns} is out of range. Give 1 to 64, or 0 to use the store-wide setting.") { Target = changes.MaxParallelRuns };
        return changes with { ToolPaths = tools };
    }

    /// <summary>
    /// Applies Set-BurninHost's changes after validating all of them; a bad value changes nothing. The
    /// change is audited (host_changed, each setting before and after) in the same transaction.
    /// </summary>
    public HostRecord Update(long id, HostChanges changes, Actor? actor = null)
    {
        changes = Check(changes);
        var tools = changes.ToolPaths;
        var workDir = changes.WorkDir;
        _store.Write((c, tx) =>
        {
            var current = Query(c, "WHERE id = $id", cmd => cmd.Parameters.AddWithValue("$id", id), tx).SingleOrDefault()
                ?? throw new BurninException("HostNotFound", ErrorKind.NotFound, $"Host {id} no longer exists.") { Target = id };
            var merged = new Dictionary<string, string>(current.ToolPaths, StringComparer.Ordinal);
            foreach (var kv in tools ?? new Dictionary<string, string>())
            {
                if (kv.Value.Length == 0) merged.Remove(kv.Key);
                else merged[kv.Key] = kv.Value;
            }
            using var cmd = c.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = "UPDATE hosts SET tool_paths = $tools, work_dir = $dir, use_sudo = $sudo, max_parallel_runs = $max, include_loop = $loop WHERE id = $id";
            cmd.Parameters.AddWithValue("$id", id);
            cmd.Parameters.AddWithValue("$tools", merged.Count == 0 ? DBNull.Value : JsonSerializer.Serialize(merged));
            var dir = workDir is null ? current.WorkDir : workDir.Length == 0 ? null : workDir;
            var max = changes.MaxParallelRuns is { } m ? (m == 0 ? null : m) : current.MaxParallelRuns;
            cmd.Parameters.AddWithValue("$dir", (object?)dir ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$sudo", (changes.UseSudo ?? current.UseSudo) ? 1 : 0);
            cmd.Parameters.AddWithValue("$max", (object?)max ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$loop", (changes.IncludeLoopDevices ?? current.IncludeLoopDevices) ? 1 : 0);
            cmd.ExecuteNonQuery();
            var after = Query(c, "WHERE id = $id", q => q.Parameters.AddWithValue("$id", id), tx).Single();
            var changed = after.ChangesFrom(current);
            AuditLog.Record(c, tx, _store.Clock, "host_changed", actor ?? Actor.OsUser(),
                $"{current} by Set-BurninHost: {(changed.Count > 0 ? string.Join("; ", changed) : "no value changed")}", current.Name);
        });
        return Get(id)!;
    }

    /// <summary>Forgets the host and its pinned key. Drives and runs keep their history (their host link becomes empty).</summary>
    public void Remove(HostRecord host, Actor actor) => _store.Write((c, tx) =>
    {
        if (Burnin.RunRepository.CountUnfinishedOnHost(c, tx, host.Id) > 0)
            throw new BurninException("HostHasActiveRuns", ErrorKind.InvalidOperation,
                $"{host} has burn-in runs that have not finished. Stop or finish them before removing the host.") { Target = host.Name };
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "DELETE FROM hosts WHERE id = $id";
        cmd.Parameters.AddWithValue("$id", host.Id);
        if (cmd.ExecuteNonQuery() == 1)
            AuditLog.Record(c, tx, _store.Clock, "host_removed", actor,
                $"{host}; forgot pinned key {host.HostKeySha256 ?? "(none)"}", host.Name);
    });

    /// <summary>Records one contact with the host: when, and the error if it failed (null on success).</summary>
    public void RecordContact(long id, string? error) => _store.Write((c, tx) =>
    {
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = error is null
            ? "UPDATE hosts SET last_poll_at = $now, last_success_at = $now, last_error = NULL WHERE id = $id"
            : "UPDATE hosts SET last_poll_at = $now, last_error = $error WHERE id = $id";
        cmd.Parameters.AddWithValue("$id", id);
        cmd.Parameters.AddWithValue("$now", StoreTime.Format(_store.Clock.UtcNow));
        if (error is not null) cmd.Parameters.AddWithValue("$error", error);
        cmd.ExecuteNonQuery();
    });

    private static long? FindId(SqliteConnection c, SqliteTransaction tx, string name, int port)
    {
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "SELECT id FROM hosts WHERE name = $name AND port = $port";
        cmd.Parameters.AddWithValue("$name", name);
        cmd.Parameters.AddWithValue("$port", port);
        return cmd.ExecuteScalar() is long id ? id : null;
    }

    private static List<HostRecord> Query(SqliteConnection c, string where, Action<SqliteCommand> bind, SqliteTransaction? tx = null)
    {
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        bind(cmd);
        cmd.CommandText = $"SELECT * FROM hosts {where} ORDER BY name COLLATE NOCASE, port";
        using var r = cmd.ExecuteReader();
        var list = new List<HostRecord>();
        while (r.Read()) list.Add(Map(r));
        return list;
    }

    private static HostRecord Map(SqliteDataReader r) => new()
    {
        Id = r.GetInt64(r.GetOrdinal("id")),
        Name = r.GetString(r.GetOrdinal("name")),
        Port = r.GetInt32(r.GetOrdinal("port")),
        UserName = r.NullableString("user_name"),
        Transport = Enum.TryParse<HostTransport>(r.GetString(r.GetOrdinal("transport")), out var t) ? t : HostTransport.Ssh,
        KeyFilePath = r.NullableString("key_file_path"),
        HostKeySha256 = r.NullableString("host_key_sha256"),
        HostKeyAlgorithm = r.NullableString("host_key_algorithm"),
        UseSudo = r.GetInt64(r.GetOrdinal("use_sudo")) != 0,
        ToolPaths = ParseTools(r.NullableString("tool_paths")),
        WorkDir = r.NullableString("work_dir") is { } w && RemoteNames.IsSafePath(w) ? w : null,
        MaxParallelRuns = r.NullableInt64("max_parallel_runs") is { } m ? (int)m : null,
        IncludeLoopDevices = r.GetInt64(r.GetOrdinal("include_loop")) != 0,
        CreatedAt = StoreTime.Parse(r.GetString(r.GetOrdinal("created_at"))),
        LastPollAt = r.NullableTime("last_poll_at"),
        LastSuccessAt = r.NullableTime("last_success_at"),
        LastError = r.NullableString("last_error"),
    };

    /// <summary>Stored paths are re-validated on read: a row edited by hand cannot smuggle a command in.</summary>
    private static IReadOnlyDictionary<string, string> ParseTools(string? json)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrEmpty(json)) return result;
        Dictionary<string, string>? raw;
        try { raw = JsonSerializer.Deserialize<Dictionary<string, string>>(json); }
        catch (JsonException) { return result; }
        foreach (var kv in raw ?? new())
            if (HostTools.All.Contains(kv.Key) && RemoteNames.IsSafePath(kv.Value))
                result[kv.Key] = kv.Value;
        return result;
    }
}
