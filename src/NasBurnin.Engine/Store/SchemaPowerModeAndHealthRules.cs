namespace NasBurnin.Engine.Store;

/// <summary>
/// Schema step: sleeping disks and health rules (issue 12).
/// <list type="bullet">
/// <item><c>drives.power_mode</c>: Active, Idle, Standby, Sleep or Unknown at the last inventory;
/// <c>drives.smart_read_at</c>: when the stored SMART values were read (a disk in standby keeps them);
/// <c>drives.smart_device_type</c>: smartctl's device type (sat, scsi, nvme, a USB bridge's), passed back as
/// <c>-d</c> on the next inventory. Drives that have SMART data were read when they were last seen.</item>
/// <item><c>health_rules</c>: overrides of the health limits for one model or one serial, each with its reason
/// and who set it when (the defaults are code, HealthThresholds).</item>
/// </list>
/// </summary>
internal static class SchemaPowerModeAndHealthRules
{
    public const string Sql = """
        ALTER TABLE drives ADD COLUMN power_mode TEXT;
        ALTER TABLE drives ADD COLUMN smart_read_at TEXT;
        ALTER TABLE drives ADD COLUMN smart_device_type TEXT;
        UPDATE drives SET smart_read_at = last_seen_at WHERE last_smart_json IS NOT NULL;

        CREATE TABLE health_rules (
            id                    INTEGER PRIMARY KEY,
            counter               TEXT NOT NULL,
            scope                 TEXT NOT NULL CHECK (scope IN ('Model', 'Serial')),
            match                 TEXT NOT NULL COLLATE NOCASE,
            warn_at               INTEGER,
            fail_at               INTEGER,
            reason                TEXT NOT NULL,
            set_by                TEXT NOT NULL,
            set_at                TEXT NOT NULL,
            UNIQUE (counter, scope, match)
        );
        """;
}
