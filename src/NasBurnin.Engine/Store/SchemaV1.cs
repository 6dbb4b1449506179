namespace NasBurnin.Engine.Store;

/// <summary>
/// Schema version 1. Migrations are forward-only: a later version adds a new step to
/// <see cref="Migrations"/>; this text never changes once released. Times are UTC ISO-8601 text.
/// </summary>
internal static class SchemaV1
{
    public const string Sql = """
        CREATE TABLE settings (
            key         TEXT PRIMARY KEY,
            value       TEXT NOT NULL,
            updated_at  TEXT NOT NULL
        );

        CREATE TABLE hosts (
            id                    INTEGER PRIMARY KEY,
            name                  TEXT NOT NULL COLLATE NOCASE,
            address               TEXT NOT NULL,
            port                  INTEGER NOT NULL DEFAULT 22,
            user_name             TEXT,
            transport             TEXT NOT NULL DEFAULT 'Ssh',
            key_file_path         TEXT,
            host_key_sha256       TEXT,
            host_key_algorithm    TEXT,
            use_sudo              INTEGER NOT NULL DEFAULT 0,
            tool_paths            TEXT,
            work_dir              TEXT,
            max_parallel_runs     INTEGER,
            include_loop          INTEGER NOT NULL DEFAULT 0,
            created_at            TEXT NOT NULL,
            last_poll_at          TEXT,
            last_success_at       TEXT,
            last_error            TEXT,
            UNIQUE (name, port)
        );

        CREATE TABLE drives (
            id                    INTEGER PRIMARY KEY,
            host_id               INTEGER REFERENCES hosts(id) ON DELETE SET NULL,
            host_name             TEXT,
            identity              TEXT NOT NULL UNIQUE,
            model                 TEXT,
            serial                TEXT,
            wwn                   TEXT,
            firmware              TEXT,
            capacity_bytes        INTEGER,
            transport             TEXT,
            rotational            INTEGER,
            device_path           TEXT,
            by_id_path            TEXT,
            role                  TEXT,
            role_reasons          TEXT,
            pool_name             TEXT,
            pool_role             TEXT,
            mountpoints           TEXT,
            health                TEXT,
            warnings              TEXT,
            last_smart_json       TEXT,
            first_seen_at         TEXT NOT NULL,
            last_seen_at          TEXT NOT NULL,
            missing_since         TEXT
        );
        CREATE INDEX drives_serial ON drives(serial);
        CREATE INDEX drives_host ON drives(host_name);

        CREATE TABLE burnin_runs (
            id                    INTEGER PRIMARY KEY,
            drive_id              INTEGER NOT NULL REFERENCES drives(id),
            host_id               INTEGER REFERENCES hosts(id) ON DELETE SET NULL,
            host_name             TEXT NOT NULL,
            device_path           TEXT NOT NULL,
            serial                TEXT,
            profile               TEXT NOT NULL,
            state                 TEXT NOT NULL,
            result                TEXT,
            reasons               TEXT,
            operator              TEXT NOT NULL,
            remote_id             TEXT UNIQUE,
            work_dir              TEXT,
            queue_position        INTEGER,
            events_seen           INTEGER NOT NULL DEFAULT 0,
            unlock_id             INTEGER REFERENCES drive_unlocks(id),
            created_at            TEXT NOT NULL,
            started_at            TEXT,
            finished_at           TEXT
        );
        CREATE INDEX burnin_runs_state ON burnin_runs(state);
        CREATE INDEX burnin_runs_drive ON burnin_runs(drive_id);

        CREATE TABLE burnin_stages (
            id                    INTEGER PRIMARY KEY,
            run_id                INTEGER NOT NULL REFERENCES burnin_runs(id) ON DELETE CASCADE,
            ordinal               INTEGER NOT NULL,
            stage                 TEXT NOT NULL,
            state                 TEXT NOT NULL,
            progress              REAL,
            phase                 INTEGER,
            phases                INTEGER,
            pattern               TEXT,
            paused                INTEGER NOT NULL DEFAULT 0,
            remote_id             TEXT,
            exit_code             INTEGER,
            summary               TEXT,
            log_text              TEXT,
            operator              TEXT NOT NULL,
            started_at            TEXT,
            finished_at           TEXT,
            last_progress_at      TEXT,
            UNIQUE (run_id, ordinal)
        );
        CREATE INDEX burnin_stages_finished ON burnin_stages(finished_at);

        CREATE TABLE smart_snapshots (
            id                    INTEGER PRIMARY KEY,
            drive_id              INTEGER NOT NULL REFERENCES drives(id) ON DELETE CASCADE,
            run_id                INTEGER REFERENCES burnin_runs(id) ON DELETE SET NULL,
            kind                  TEXT NOT NULL,
            taken_at              TEXT NOT NULL,
            health                TEXT,
            temperature_c         INTEGER,
            power_on_hours        INTEGER,
            reallocated           INTEGER,
            pending               INTEGER,
            offline_uncorrectable INTEGER,
            crc_errors            INTEGER,
            nvme_critical_warning INTEGER,
            nvme_media_errors     INTEGER,
            percent_used          INTEGER,
            raw_json              TEXT
        );

        CREATE TABLE drive_unlocks (
            id                    INTEGER PRIMARY KEY,
            drive_id              INTEGER NOT NULL REFERENCES drives(id) ON DELETE CASCADE,
            serial                TEXT NOT NULL,
            role                  TEXT NOT NULL,
            operator              TEXT NOT NULL,
            created_at            TEXT NOT NULL,
            expires_at            TEXT NOT NULL,
            consumed_at           TEXT,
            revoked_at            TEXT
        );

        CREATE TABLE users (
            id                    INTEGER PRIMARY KEY,
            user_name             TEXT NOT NULL UNIQUE COLLATE NOCASE,
            full_name             TEXT,
            password_hash         TEXT NOT NULL,
            is_admin              INTEGER NOT NULL DEFAULT 0,
            is_disabled           INTEGER NOT NULL DEFAULT 0,
            created_at            TEXT NOT NULL,
            updated_at            TEXT NOT NULL,
            password_changed_at   TEXT,
            last_login_at         TEXT
        );

        CREATE TABLE login_failures (
            id                    INTEGER PRIMARY KEY,
            user_name             TEXT NOT NULL COLLATE NOCASE,
            source                TEXT NOT NULL,
            failed_at             TEXT NOT NULL,
            locked_until          TEXT
        );
        CREATE INDEX login_failures_pair ON login_failures(user_name, source, failed_at);

        CREATE TABLE audit_events (
            id                    INTEGER PRIMARY KEY,
            occurred_at           TEXT NOT NULL,
            type                  TEXT NOT NULL,
            operator              TEXT NOT NULL,
            source                TEXT NOT NULL,
            host_name             TEXT,
            serial                TEXT,
            run_id                INTEGER,
            stage_id              INTEGER,
            detail                TEXT
        );
        CREATE INDEX audit_events_time ON audit_events(occurred_at);
        CREATE INDEX audit_events_type ON audit_events(type);
        """;
}
