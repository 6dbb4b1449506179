using System.Diagnostics;
using System.Text.Json.Nodes;
using NasBurnin.Engine.Burnin;
using NasBurnin.Engine.Tests.Inventory;
using Xunit;
using Xunit.Abstractions;

namespace NasBurnin.Engine.Tests.Burnin;

/// <summary>
/// The runner's self-test reading (selftest.sh and selftestlog.awk, run by the system sh and awk exactly as on a
/// NAS, over documents flattened by jsonflat.awk): which log entry is the result, and when the log counts as
/// changed. Real captures where they are (the shared folder), synthesized logs for the cases no capture shows.
/// </summary>
public class SelfTestLogTests
{
    private readonly ITestOutputHelper _out;

    public SelfTestLogTests(ITestOutputHelper output) => _out = output;

    /// <summary>Runs a snippet with the runner's self-test functions (and its fget) on a document.</summary>
    private static string Sh(string json, string snippet)
    {
        var dir = TestPaths.Temp();
        try
        {
            foreach (var f in new[] { "selftest.sh", "selftestlog.awk", "jsonflat.awk" }) File.WriteAllText(Path.Combine(dir, f), RunnerFiles.Files[f]);
            File.WriteAllText(Path.Combine(dir, "doc.json"), json);
            var script = "set -u\nBIN=$1\nfget() { awk -F '\\t' -v p=\"$2\" '$1 == p { print $2; exit }' \"$1\"; }\n. \"$BIN/selftest.sh\"\n" +
                         "awk -f \"$BIN/jsonflat.awk\" < \"$BIN/doc.json\" > \"$BIN/doc.flat\"\nF=$BIN/doc.flat\n" + snippet + "\n";
            var psi = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true };
            psi.Environment["LC_ALL"] = "C";
            foreach (var a in new[] { "-c", script, "sh", dir }) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEnd();
            var stderr = p.StandardError.ReadToEnd();
            p.WaitForExit();
            Assert.True(p.ExitCode == 0, stderr);
            return stdout.Trim();
        }
        finally { Directory.Delete(dir, true); }
    }

    private static string Result(string json, string kind) => Sh(json, $"selftest_result \"$F\" {kind}");
    private static string Sig(string json) => Sh(json, "selftest_sig \"$F\"");
    private static bool Running(string json) => Sh(json, "if selftest_running \"$F\"; then echo yes; else echo no; fi") == "yes";

    [SkippableFact]
    public void The_result_is_the_newest_entry_of_the_started_kind_in_real_captures()
    {
        var dir = InventoryFixtures.Shared("smartctl-json", _out);
        Skip.If(dir is null, InventoryFixtures.Missing);
        string Capture(string prefix) => File.ReadAllText(Directory.GetFiles(dir, prefix + "*.json").Single());

        // A USB-bridged Hitachi whose newest test is a short one that passed, below it extended tests with read failures.
        var hitachi = Capture("sat-usbjmicron_Hitachi");
        Assert.Equal("passed|Completed without error", Result(hitachi, "short"));
        Assert.Equal("failed|Completed: read failure", Result(hitachi, "long"));
        Assert.StartsWith("none|", Result(hitachi, "conveyance"));
        // SAS: "Background short", result 0 "Completed".
        Assert.Equal("passed|Completed", Result(Capture("scsi_TOSHIBA_AL15SEB18EQY"), "short"));
        // A 14 TB drive with an extended test running (10 % left): it is running, and the log holds the older results.
        var wd14 = Capture("sat_WDC_WD140EDFZ");
        Assert.True(Running(wd14));
        Assert.Equal("passed|Completed without error", Result(wd14, "long"));
        Assert.False(Running(hitachi));
    }

    private static JsonObject Nvme(int entries, int running = 0)
    {
        var table = new JsonArray();
        for (var i = 0; i < entries; i++)
            table.Add(new JsonObject
            {
                ["self_test_code"] = new JsonObject { ["value"] = 2, ["string"] = "Extended" },
                ["self_test_result"] = new JsonObject { ["value"] = 0, ["string"] = "Completed without error" },
                ["power_on_hours"] = 1234,
            });
        return new JsonObject
        {
            ["device"] = new JsonObject { ["type"] = "nvme", ["protocol"] = "NVMe" },
            ["nvme_self_test_log"] = new JsonObject
            {
                ["current_self_test_operation"] = new JsonObject { ["value"] = running, ["string"] = running == 0 ? "No self-test in progress" : "Extended self-test in progress" },
                ["table"] = table,
            },
        };
    }

    [Fact]
    public void A_full_nvme_log_of_identical_entries_does_not_change_so_only_seeing_the_test_run_tells()
    {
        // NVMe keeps 20 entries: a 21st identical one (same kind, result and power-on hour) leaves the log as it was.
        Assert.Equal(Sig(Nvme(20).ToJsonString()), Sig(Nvme(20).ToJsonString()));
        // Not yet full, the same test does change it (the table grows) though its newest entry is identical.
        Assert.NotEqual(Sig(Nvme(3).ToJsonString()), Sig(Nvme(4).ToJsonString()));
        // The running state is not part of the log: a test seen running is told by selftest_running.
        Assert.Equal(Sig(Nvme(20).ToJsonString()), Sig(Nvme(20, running: 2).ToJsonString()));
        Assert.True(Running(Nvme(20, running: 2).ToJsonString()));
        Assert.False(Running(Nvme(20).ToJsonString()));
        Assert.Equal("passed|Completed without error", Result(Nvme(20).ToJsonString(), "long"));
        Assert.StartsWith("none|", Result(Nvme(20).ToJsonString(), "short"));
    }

    private static JsonObject Ata(int count, params (int Type, int Status, int Hours)[] rows)
    {
        var table = new JsonArray();
        foreach (var (type, status, hours) in rows)
            table.Add(new JsonObject
            {
                ["type"] = new JsonObject { ["value"] = type, ["string"] = type == 1 ? "Short offline" : "Extended offline" },
                ["status"] = new JsonObject { ["value"] = status, ["string"] = status == 0 ? "Completed without error" : status >> 4 == 2 ? "Interrupted (host reset)" : "Completed: read failure" },
                ["lifetime_hours"] = hours,
            });
        return new JsonObject
        {
            ["device"] = new JsonObject { ["type"] = "sat", ["protocol"] = "ATA" },
            ["ata_smart_self_test_log"] = new JsonObject { ["standard"] = new JsonObject { ["revision"] = 1, ["table"] = table, ["count"] = count } },
        };
    }

    private static JsonObject Scsi(params (int Code, int Result, int Hours)[] rows)
    {
        var doc = new JsonObject { ["device"] = new JsonObject { ["type"] = "scsi", ["protocol"] = "SCSI" } };
        for (var i = 0; i < rows.Length; i++)
            doc[$"scsi_self_test_{i}"] = new JsonObject
            {
                ["code"] = new JsonObject { ["value"] = rows[i].Code, ["string"] = rows[i].Code == 1 ? "Background short" : "Background long" },
                ["result"] = new JsonObject { ["value"] = rows[i].Result, ["string"] = rows[i].Result == 15 ? "Self test in progress ..." : rows[i].Result == 0 ? "Completed" : "Aborted (device reset ?)" },
                ["power_on_time"] = new JsonObject { ["hours"] = rows[i].Hours },
            };
        return doc;
    }

    [Fact]
    public void Any_change_of_the_log_counts_the_count_a_shift_of_older_entries_a_new_entry()
    {
        // ATA: a second identical short test in the same hour: the newest entry is the same, the count is not.
        var before = Ata(1, (1, 0, 500)).ToJsonString();
        var after = Ata(2, (1, 0, 500), (1, 0, 500)).ToJsonString();
        Assert.NotEqual(Sig(before), Sig(after));
        // SCSI has no count: the shift of the older entries is what changes.
        Assert.NotEqual(Sig(Scsi((2, 0, 40), (1, 0, 40)).ToJsonString()), Sig(Scsi((2, 0, 40), (2, 0, 40), (1, 0, 40)).ToJsonString()));
        // While a SAS test runs, entry 0 says so; the result is the newest finished entry of the kind.
        var running = Scsi((2, 15, 40), (2, 0, 40), (1, 0, 40)).ToJsonString();
        Assert.True(Running(running));
        Assert.Equal("running|Self test in progress ...", Result(running, "long"));
        Assert.Equal("passed|Completed", Result(running, "short"));
    }

    [Fact]
    public void A_newer_entry_of_another_kind_is_not_the_result_and_an_interruption_is_aborted_not_failed()
    {
        // smartd started a short test after our extended one: the extended result is still found below it.
        var doc = Ata(3, (1, 0, 501), (2, 0x70, 500), (2, 0, 400)).ToJsonString();
        Assert.Equal("failed|Completed: read failure", Result(doc, "long"));
        Assert.Equal("passed|Completed without error", Result(doc, "short"));
        Assert.Equal("aborted|Interrupted (host reset)", Result(Ata(1, (2, 0x20, 500)).ToJsonString(), "long"));
        Assert.Equal("aborted|Aborted (device reset ?)", Result(Scsi((2, 2, 40)).ToJsonString(), "long"));
    }
}
