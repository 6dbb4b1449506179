using System.Text.Json;
using Microsoft.Data.Sqlite;
using NasBurnin.Engine.Common;
using NasBurnin.Engine.Store;

namespace NasBurnin.Engine.Notifications;

/// <summary>A channel with how its deliveries stand.</summary>
public sealed record ChannelStatus(NotificationChannel Channel, int Pending, int Failing, string? LastError, DateTimeOffset? LastSentAt);

/// <summary>The <c>notification_channels</c> table (no secret is ever written to it).</summary>
internal static class ChannelRepository
{
    public static IReadOnlyList<NotificationChannel> All(SqliteConnection c, SqliteTransaction? tx)
    {
        using var cmd = c.Command(tx, "SELECT * FROM notification_channels ORDER BY name COLLATE NOCASE");
        using var r = cmd.ExecuteReader();
        var list = new List<NotificationChannel>();
        while (r.Read()) list.Add(FromRow(r));
        return list;
    }

    public static NotificationChannel? Find(SqliteConnection c, SqliteTransaction? tx, string name)
    {
        using var cmd = c.Command(tx, "SELECT * FROM notification_channels WHERE name = $n COLLATE NOCASE", ("$n", name));
        using var r = cmd.ExecuteReader();
        return r.Read() ? FromRow(r) : null;
    }

    public static IReadOnlyList<ChannelStatus> Statuses(SqliteConnection c)
    {
        var channels = All(c, null);
        var stats = new Dictionary<long, (int Pending, int Failing, string? Error, DateTimeOffset? Sent)>();
        using (var cmd = c.Command(null, """
            SELECT channel_id,
                   sum(state <> 'Sent'),
                   sum(state <> 'Sent' AND attempts > 0),
                   (SELECT last_error FROM notification_deliveries x WHERE x.channel_id = d.channel_id AND x.state <> 'Sent' AND x.last_error IS NOT NULL ORDER BY x.last_attempt_at DESC LIMIT 1),
                   max(sent_at)
            FROM notification_deliveries d GROUP BY channel_id
            """))
        using (var r = cmd.ExecuteReader())
            while (r.Read())
                stats[r.GetInt64(0)] = ((int)r.GetInt64(1), (int)r.GetInt64(2), r.IsDBNull(3) ? null : r.GetString(3), r.IsDBNull(4) ? null : StoreTime.Parse(r.GetString(4)));
        return channels.Select(ch => stats.TryGetValue(ch.Id, out var s)
            ? new ChannelStatus(ch, s.Pending, s.Failing, s.Error, s.Sent)
            : new ChannelStatus(ch, 0, 0, null, null)).ToList();
    }

    public static long Save(SqliteConnection c, SqliteTransaction tx, NotificationChannel ch, string now, string by)
    {
        var args = new (string, object?)[]
        {
            ("$name", ch.Name), ("$kind", ch.Kind.ToString()), ("$enabled", ch.Enabled ? 1 : 0),
            ("$events", ch.Events is null ? null : JsonSerializer.Serialize(ch.Events)), ("$server", ch.SmtpServer), ("$port", ch.Port),
            ("$security", ch.Kind == ChannelKind.Smtp ? ch.Security.ToString() : null), ("$from", ch.From),
            ("$to", ch.To.Count == 0 ? null : JsonSerializer.Serialize(ch.To)), ("$user", ch.UserName), ("$uri", ch.Uri), ("$topic", ch.Topic),
            ("$env", ch.SecretEnvironmentVariable), ("$file", ch.SecretFile), ("$cert", ch.CertificateSha256), ("$now", now), ("$by", by),
        };
        return (long)c.Scalar(tx, """
            INSERT INTO notification_channels(name, kind, enabled, events, server, port, security, from_address, recipients, user_name, uri, topic,
                secret_env, secret_file, certificate_sha256, created_at, updated_at, updated_by)
            VALUES ($name, $kind, $enabled, $events, $server, $port, $security, $from, $to, $user, $uri, $topic, $env, $file, $cert, $now, $now, $by)
            ON CONFLICT(name) DO UPDATE SET name = excluded.name, kind = excluded.kind, enabled = excluded.enabled, events = excluded.events,
                server = excluded.server, port = excluded.port, security = excluded.security, from_address = excluded.from_address,
                recipients = excluded.recipients, user_name = excluded.user_name, uri = excluded.uri, topic = excluded.topic,
                secret_env = excluded.secret_env, secret_file = excluded.secret_file, certificate_sha256 = excluded.certificate_sha256,
                updated_at = excluded.updated_at, updated_by = excluded.updated_by
            RETURNING id
            """, args)!;
    }

    private static NotificationChannel FromRow(SqliteDataReader r) => new()
    {
        Id = r.GetInt64(r.GetOrdinal("id")),
        Name = r.GetString(r.GetOrdinal("name")),
        Kind = Enum.Parse<ChannelKind>(r.GetString(r.GetOrdinal("kind"))),
        Enabled = r.GetInt64(r.GetOrdinal("enabled")) != 0,
        Events = r.NullableString("events") is { } e ? JsonSerializer.Deserialize<List<string>>(e) : null,
        SmtpServer = r.NullableString("server"),
        Port = (int?)r.NullableInt64("port"),
        Security = Enum.TryParse<SmtpSecurity>(r.NullableString("security"), out var s) ? s : SmtpSecurity.StartTls,
        From = r.NullableString("from_address"),
        To = r.NullableString("recipients") is { } t ? JsonSerializer.Deserialize<List<string>>(t) ?? new List<string>() : Array.Empty<string>(),
        UserName = r.NullableString("user_name"),
        Uri = r.NullableString("uri"),
        Topic = r.NullableString("topic"),
        SecretEnvironmentVariable = r.NullableString("secret_env"),
        SecretFile = r.NullableString("secret_file"),
        CertificateSha256 = r.NullableString("certificate_sha256"),
        CreatedAt = StoreTime.Parse(r.GetString(r.GetOrdinal("created_at"))),
        UpdatedAt = StoreTime.Parse(r.GetString(r.GetOrdinal("updated_at"))),
        UpdatedBy = r.GetString(r.GetOrdinal("updated_by")),
    };
}
