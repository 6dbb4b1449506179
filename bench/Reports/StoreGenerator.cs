using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;

namespace NasBurnin.Bench.Reports;

/// <summary>
/// Fills a new store the way a busy fleet would: 10 hosts, 200 drives with a full smartctl document each (the
/// sandbox's WD capture, compacted as the inventory stores it), 1,000 runs of three stages finished over the last
/// 60 days (every 7th failed, with bad blocks) plus a few running and queued, SMART snapshots before and after,
/// and a day of 10-minute temperature windows per surface stage.
/// </summary>
internal static class StoreGenerator
{
    public static void Fill(string path, int drives, int runs, string capturePath)
    {
        var capture = JsonNode.Parse(File.ReadAllText(capturePath))!;
        using var c = new SqliteConnection($"Data Source={path}");
        c.Open();
        using var tx = c.BeginTransaction();
        void Exec(string sql, params (string, object?)[] args)
        {
            using var cmd = c.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = sql;
            foreach (var (n, v) in args) cmd.Parameters.AddWithValue(n, v ?? DBNull.Value);
            cmd.ExecuteNonQuery();
        }
        string T(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        var now = DateTimeOffset.UtcNow;
        for (var h = 1; h <= 10; h++)
            Exec("INSERT INTO hosts(id, name, address, created_at, last_success_at) VALUES ($id, $n, '127.0.0.1', $t, $t)", ("$id", h), ("$n", $"nas{h:00}"), ("$t", T(now)));
        var json = new string[drives + 1];
        for (var d = 1; d <= drives; d++)
        {
            capture["serial_number"] = $"WD-BENCH{d:00000}";
            json[d] = capture.ToJsonString();
            var role = d % 50 == 0 ? "Stale" : d % 4 == 0 ? "PoolMember" : "Free";
            var health = d % 40 == 0 ? "Failed" : d % 25 == 0 ? "Warning" : "Passed";
            Exec("""
                INSERT INTO drives(id, host_id, host_name, identity, model, serial, wwn, firmware, capacity_bytes, transport, device_path, role,
                    pool_name, pool_role, health, last_smart_json, first_seen_at, last_seen_at)
                VALUES ($id, $h, $hn, $identity, 'WDC WD40EFZX-68AWUN0', $serial, '5 0014ee 123', '82.00A82', 4000787030016, 'Sata', $dev, $role,
                    $pool, $prole, $health, $json, $t, $t)
                """, ("$id", d), ("$h", (d - 1) % 10 + 1), ("$hn", $"nas{(d - 1) % 10 + 1:00}"), ("$identity", $"bench-{d}"), ("$serial", $"WD-BENCH{d:00000}"),
                ("$dev", $"/dev/sd{(char)('a' + d % 26)}{d / 26}"), ("$role", role), ("$pool", role == "PoolMember" ? "tank" : null),
                ("$prole", role == "PoolMember" ? "Member" : null), ("$health", health), ("$json", json[d]), ("$t", T(now)));
            Exec("INSERT INTO drive_health_history(drive_id, health, seen_at) VALUES ($d, 'Passed', $t)", ("$d", d), ("$t", T(now.AddDays(-90))));
        }
        for (var r = 1; r <= runs; r++)
        {
            var d = (r - 1) % drives + 1;
            var running = r > runs - 8;
            var queued = r > runs - 3;
            var finished = now.AddMinutes(-(r * 60 * 24 * 60 / runs)); // spread over 60 days
            var started = finished.AddHours(-30);
            var fail = r % 7 == 0;
            var state = queued ? "Queued" : running ? "Running" : "Finished";
            var result = running ? "Running" : fail ? "Fail" : "Pass";
            Exec("""
                INSERT INTO burnin_runs(id, drive_id, host_id, host_name, device_path, serial, profile, state, result, reasons, operator, remote_id, queue_position, created_at, started_at, finished_at)
                VALUES ($id, $d, $h, $hn, '/dev/sdb', $serial, 'Standard', $state, $result, $reasons, 'bench', $remote, $q, $s, $s, $f)
                """, ("$id", r), ("$d", d), ("$h", (d - 1) % 10 + 1), ("$hn", $"nas{(d - 1) % 10 + 1:00}"), ("$serial", $"WD-BENCH{d:00000}"), ("$state", state),
                ("$result", result), ("$reasons", fail ? "[\"2 bad blocks found by badblocks\"]" : "[\"all stages passed; no SMART counter grew\"]"),
                ("$remote", $"rbench{r}"), ("$q", queued ? runs - r + 1 : null), ("$s", T(started)), ("$f", running ? null : T(finished)));
            string[] stages = { "SmartShort", "SurfaceValidate", "SmartPostCheck" };
            for (var i = 0; i < 3; i++)
            {
                var st = running ? (i == 0 ? "Passed" : i == 1 && !queued ? "Running" : "Pending") : fail && i == 1 ? "Failed" : fail && i == 2 ? "Skipped" : "Passed";
                Exec("""
                    INSERT INTO burnin_stages(id, run_id, ordinal, stage, state, progress, summary, operator, started_at, finished_at, last_progress_at)
                    VALUES ($id, $r, $o, $stage, $st, $p, $sum, 'bench', $s, $f, $s)
                    """, ("$id", r * 3 + i), ("$r", r), ("$o", i + 1), ("$stage", stages[i]), ("$st", st), ("$p", st == "Running" ? 42.5 : st == "Passed" ? 100.0 : null),
                    ("$sum", st == "Failed" ? "2 bad blocks: 8192 8193" : st == "Passed" ? "ok" : null), ("$s", T(started.AddHours(i * 10))),
                    ("$f", st is "Passed" or "Failed" ? T(started.AddHours(i * 10 + 9)) : null));
            }
            if (!running)
            {
                Exec("INSERT INTO smart_snapshots(drive_id, run_id, kind, taken_at, raw_json) VALUES ($d, $r, 'pre', $t, $j), ($d, $r, 'post', $t, $j)",
                    ("$d", d), ("$r", r), ("$t", T(started)), ("$j", json[d]));
                for (var w = 0; w < 144; w++)
                    Exec("INSERT INTO stage_temperatures(stage_id, window_at, min_c, max_c) VALUES ($s, $t, $a, $b)",
                        ("$s", r * 3 + 1), ("$t", T(started.AddMinutes(w * 10))), ("$a", 33 + w % 7), ("$b", 36 + w % 9));
            }
        }
        tx.Commit();
    }
}
