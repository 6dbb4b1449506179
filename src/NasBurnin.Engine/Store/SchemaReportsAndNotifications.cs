namespace NasBurnin.Engine.Store;

/// <summary>
/// Schema step: what reports and notifications need (DESIGN §9).
/// <list type="bullet">
/// <item><c>stage_temperatures</c>: a stage's temperature, bounded: min and max per 10-minute window, as the
/// runner recorded them on the host.</item>
/// <item><c>drive_health_history</c>: a row each time a sync finds a drive's health changed, so "worse than
/// at the last report" and "got worse" are answered from the store.</item>
/// <item><c>notification_channels</c>: where messages go. No secret is ever stored: a channel names the
/// environment variable or the owner-only file its secret is read from at send time.</item>
/// <item><c>notification_events</c> (the outbox: one row per change, unique by its key) and
/// <c>notification_deliveries</c> (one per event and channel: pending, claimed, sent, attempts, last error).</item>
/// <item><c>notification_cursors</c>: how far the audit log has been read for notifications; starts at the
/// newest event, so an upgraded store does not announce its history.</item>
/// </list>
/// </summary>
internal static class SchemaReportsAndNotifications
{
    public const string Sql = """
        CREATE TABLE stage_temperatures (
            stage_id              INTEGER NOT NULL REFERENCES burnin_stages(id) ON DELETE CASCADE,
            window_at             TEXT NOT NULL,
            min_c                 INTEGER NOT NULL,
            max_c                 INTEGER NOT NULL,
            PRIMARY KEY (stage_id, window_at)
        );

        CREATE TABLE drive_health_history (
            id                    INTEGER PRIMARY KEY,
            drive_id              INTEGER NOT NULL REFERENCES drives(id) ON DELETE CASCADE,
            health                TEXT NOT NULL,
            seen_at               TEXT NOT NULL
        );
        CREATE INDEX drive_health_history_drive ON drive_health_history(drive_id, id);

        CREATE TABLE notification_channels (
            id                    INTEGER PRIMARY KEY,
            name                  TEXT NOT NULL UNIQUE COLLATE NOCASE,
            kind                  TEXT NOT NULL,
            enabled               INTEGER NOT NULL DEFAULT 1,
            events                TEXT,
            server                TEXT,
            port                  INTEGER,
            security              TEXT,
            from_address          TEXT,
            recipients            TEXT,
            user_name             TEXT,
            uri                   TEXT,
            topic                 TEXT,
            secret_env            TEXT,
            secret_file           TEXT,
            certificate_sha256    TEXT,
            created_at            TEXT NOT NULL,
            updated_at            TEXT NOT NULL,
            updated_by            TEXT NOT NULL
        );

        CREATE TABLE notification_events (
            id                    INTEGER PRIMARY KEY,
            event_key             TEXT NOT NULL UNIQUE,
            type                  TEXT NOT NULL,
            occurred_at           TEXT NOT NULL,
            host_name             TEXT,
            serial                TEXT,
            run_id                INTEGER,
            drive_id              INTEGER,
            title                 TEXT NOT NULL,
            detail                TEXT
        );
        CREATE INDEX notification_events_time ON notification_events(occurred_at);

        CREATE TABLE notification_deliveries (
            event_id              INTEGER NOT NULL REFERENCES notification_events(id) ON DELETE CASCADE,
            channel_id            INTEGER NOT NULL REFERENCES notification_channels(id) ON DELETE CASCADE,
            state                 TEXT NOT NULL DEFAULT 'Pending',
            claimed_by            TEXT,
            claimed_at            TEXT,
            sent_at               TEXT,
            attempts              INTEGER NOT NULL DEFAULT 0,
            last_attempt_at       TEXT,
            last_error            TEXT,
            PRIMARY KEY (event_id, channel_id)
        );
        CREATE INDEX notification_deliveries_state ON notification_deliveries(state);

        CREATE TABLE notification_cursors (
            name                  TEXT PRIMARY KEY,
            value                 INTEGER NOT NULL
        );
        INSERT INTO notification_cursors(name, value) SELECT 'audit', COALESCE(max(id), 0) FROM audit_events;
        """;
}
