using System.Text.Json.Nodes;

namespace NasBurnin.Tests.Harness;

/// <summary>
/// A store made by the module and filled with sqlite3 for the report and notification tests: host "nas&lt;i&gt;01"
/// with a drive whose model and serial are hostile markup (as a device could report them), a failed run of it
/// with three stages, SMART snapshots before and after (reallocated sectors 0 to 8, from the sandbox's WD
/// capture), 29 ten-minute temperature windows, a Stale drive with an open unlock and a health-rule override
/// in the audit log.
/// </summary>
public static class ReportSeed
{
    public const string HostileModel = "WDC <script>alert(\"m\")</script>";
    public const string HostileSerial = "WD-<b>'x'\"q\"";
    public const string HostName = "nas<i>01";
    public const long FailedRunId = 1;

    public static void Fill(string storePath, string scratchDir)
    {
        var capture = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.TestNas, "captures", "sata-hdd-wd.json")))!;
        capture["model_name"] = HostileModel;
        capture["serial_number"] = HostileSerial;
        var pre = Path.Combine(scratchDir, "pre.json");
        File.WriteAllText(pre, capture.ToJsonString());
        foreach (var a in capture["ata_smart_attributes"]!["table"]!.AsArray())
        {
            if ((int)a!["id"]! == 5) a["raw"] = new JsonObject { ["value"] = 8, ["string"] = "8" };
            if ((int)a!["id"]! == 194) a["raw"] = new JsonObject { ["value"] = 41, ["string"] = "41" };
        }
        var post = Path.Combine(scratchDir, "post.json");
        File.WriteAllText(post, capture.ToJsonString());
        string Q(string s) => "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'";
        string Ago(string modifier) => $"strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '{modifier}')";
        Sqlite3.Exec(storePath, $"""
            INSERT INTO hosts(id, name, address, created_at, last_success_at) VALUES (1, {Q(HostName)}, '127.0.0.1', {Ago("-2 days")}, {Ago("-1 minutes")});
            INSERT INTO drives(id, host_id, host_name, identity, model, serial, wwn, firmware, capacity_bytes, transport, device_path, role, health, first_seen_at, last_seen_at)
              VALUES (1, 1, {Q(HostName)}, 'seed-1', {Q(HostileModel)}, {Q(HostileSerial)}, '5 0014ee 123', '82.00A82', 4000787030016, 'Sata', '/dev/sdb', 'Free', 'Failed', {Ago("-2 days")}, {Ago("-1 minutes")});
            INSERT INTO drives(id, host_id, host_name, identity, model, serial, device_path, role, health, first_seen_at, last_seen_at)
              VALUES (2, 1, {Q(HostName)}, 'seed-2', 'ST4000', 'ZSTALE', '/dev/sdc', 'Stale', 'Passed', {Ago("-2 days")}, {Ago("-1 minutes")});
            INSERT INTO burnin_runs(id, drive_id, host_id, host_name, device_path, serial, profile, state, result, reasons, operator, created_at, started_at, finished_at)
              VALUES (1, 1, 1, {Q(HostName)}, '/dev/sdb', {Q(HostileSerial)}, 'Standard', 'Finished', 'Fail', {Q("[\"reallocated sectors grew from 0 to 8 <img src=x>\"]")}, 'alice', {Ago("-5 hours")}, {Ago("-5 hours")}, {Ago("-10 minutes")});
            INSERT INTO burnin_stages(id, run_id, ordinal, stage, state, summary, operator, started_at, finished_at) VALUES
              (1, 1, 1, 'SmartShort', 'Passed', 'SMART short self-test: Completed without error', 'alice', {Ago("-5 hours")}, {Ago("-290 minutes")}),
              (2, 1, 2, 'SurfaceValidate', 'Failed', '2 bad blocks: 8192 8193 ', 'alice', {Ago("-290 minutes")}, {Ago("-20 minutes")}),
              (3, 1, 3, 'SmartPostCheck', 'Skipped', 'skipped: SurfaceValidate failed', 'alice', NULL, NULL);
            INSERT INTO smart_snapshots(drive_id, run_id, kind, taken_at, raw_json) VALUES
              (1, 1, 'pre', {Ago("-5 hours")}, readfile({Q(pre)})), (1, 1, 'post', {Ago("-10 minutes")}, readfile({Q(post)}));
            WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 28)
              INSERT INTO stage_temperatures(stage_id, window_at, min_c, max_c)
              SELECT 2, strftime('%Y-%m-%dT%H:%M:00.000Z', 'now', '-290 minutes', '+' || (i * 10) || ' minutes'), 33 + i / 4, 35 + i / 3 FROM n;
            INSERT INTO drive_unlocks(drive_id, serial, role, operator, created_at, expires_at) VALUES (2, 'ZSTALE', 'Stale', 'bob', {Ago("-1 hours")}, {Ago("+1 hours")});
            INSERT INTO audit_events(occurred_at, type, operator, source, detail) VALUES ({Ago("-2 hours")}, 'health_rule_changed', 'carol', 'local:seed', 'Reallocated for model <ST4000>: warn at 10');
            """);
    }
}
