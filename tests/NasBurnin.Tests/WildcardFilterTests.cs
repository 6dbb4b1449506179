using NasBurnin.Tests.Harness;
using Xunit;

namespace NasBurnin.Tests;

/// <summary>
/// One wildcard grammar (PowerShell's) behind every filtering cmdlet: the same patterns give the same
/// answers through every cmdlet that filters by host name, serial, user name or audit type, and a name
/// without wildcards that matches nothing is an error naming it. One store, seeded with sqlite3, shared
/// by the class: the cmdlets only read it.
/// </summary>
public sealed class WildcardFilterTests : IClassFixture<WildcardFilterTests.Seeded>
{
    public sealed class Seeded : IDisposable
    {
        private readonly TempDir _dir = new();

        public Seeded()
        {
            if (!Sqlite3.Available) return;
            Store = _dir.File("burnin.db");
            using (var s = new PsSession(storePath: Store)) s.Run("Get-BurninConfig").AssertClean();
            string Drive(int id, int host, string serial) =>
                $"INSERT INTO drives(id, host_id, host_name, identity, model, serial, device_path, role, health, first_seen_at, last_seen_at) " +
                $"SELECT {id}, {host}, name, 'seed-{id}', 'M', '{serial}', '/dev/sd{(char)('a' + id)}', 'Free', 'Passed', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z' FROM hosts WHERE id = {host};";
            string Run(int id, int drive) =>
                $"INSERT INTO burnin_runs(id, drive_id, host_id, host_name, device_path, serial, profile, state, result, operator, created_at) " +
                $"SELECT {id}, id, host_id, host_name, device_path, serial, 'Quick', 'Finished', 'Pass', 'alice', '2026-01-01T00:00:00.000Z' FROM drives WHERE id = {drive};";
            string Event(string type, string serial) =>
                $"INSERT INTO audit_events(occurred_at, type, operator, source, serial) VALUES ('2026-01-01T00:00:00.000Z', '{type}', 'alice', 'local:seed', '{serial}');";
            Sqlite3.Exec(Store, string.Join("\n",
                "INSERT INTO hosts(id, name, address, created_at) VALUES (1, 'nas1', '127.0.0.1', '2026-01-01T00:00:00.000Z'), (2, 'nas2', '127.0.0.1', '2026-01-01T00:00:00.000Z'), (3, 'nas10', '127.0.0.1', '2026-01-01T00:00:00.000Z');",
                Drive(1, 1, "WD-A1"), Drive(2, 2, "WX_B2"), Drive(3, 3, "ZL2%C"),
                Run(1, 1), Run(2, 2), Run(3, 3),
                Event("run_started", "WD-A1"), Event("run_stopped", "WX_B2"), Event("mounted_drive_unlocked", "ZL2%C")));
        }

        public string? Store { get; }

        public void Dispose() => _dir.Dispose();
    }

    private readonly Seeded _seed;

    public WildcardFilterTests(Seeded seed) => _seed = seed;

    /// <summary>Commands filtering by host name; {0} is the quoted pattern, the answer's HostName is compared.</summary>
    public static TheoryData<string> HostCommands => new()
    {
        "Get-BurninHost -HostName {0}",
        "Get-BurninDrive -Offline -HostName {0}",
        "Get-BurninRun -Offline -HostName {0}",
    };

    /// <summary>Commands filtering by serial; the answer's Serial is compared.</summary>
    public static TheoryData<string> SerialCommands => new()
    {
        "Get-BurninDrive -Offline -Serial {0}",
        "Get-BurninRun -Offline -Serial {0}",
        "Get-BurninAuditEvent -Serial {0}",
    };

    private static readonly (string Pattern, string[] Expected, string? Error)[] HostCases =
    {
        ("nas[12]", new[] { "nas1", "nas2" }, null),
        ("NAS1", new[] { "nas1" }, null),
        ("nas?", new[] { "nas1", "nas2" }, null),
        ("nas1*", new[] { "nas1", "nas10" }, null),
        ("nas[0-9][0-9]", new[] { "nas10" }, null),
        ("x*", Array.Empty<string>(), null),
        ("nas`[1`]", Array.Empty<string>(), "HostNotFound"),
        ("nas9", Array.Empty<string>(), "HostNotFound"),
        ("nas[1", Array.Empty<string>(), "InvalidWildcard"),
    };

    private static readonly (string Pattern, string[] Expected, string? Error)[] SerialCases =
    {
        ("W[DX]*", new[] { "WD-A1", "WX_B2" }, null),
        ("wx_b2", new[] { "WX_B2" }, null),
        ("W?_*", new[] { "WX_B2" }, null),
        ("ZL2%C", new[] { "ZL2%C" }, null),
        ("*[%]*", new[] { "ZL2%C" }, null),
        ("Q*", Array.Empty<string>(), null),
        ("ZL2_C", Array.Empty<string>(), "DriveNotFound"), // _ and % are not wildcards
        ("WD-A`*", Array.Empty<string>(), "DriveNotFound"),
        ("W[D", Array.Empty<string>(), "InvalidWildcard"),
    };

    [SkippableTheory]
    [MemberData(nameof(HostCommands))]
    public void Host_name_patterns_answer_the_same_in_every_cmdlet(string command) =>
        Check(command, "HostName", HostCases);

    [SkippableTheory]
    [MemberData(nameof(SerialCommands))]
    public void Serial_patterns_answer_the_same_in_every_cmdlet(string command) =>
        Check(command, "Serial", SerialCases);

    [SkippableFact]
    public void Audit_types_take_the_same_wildcards()
    {
        Check("Get-BurninAuditEvent -Type {0}", "Type", new (string, string[], string?)[]
        {
            ("run_*", new[] { "run_started", "run_stopped" }, null),
            ("run_st[a-o]*", new[] { "run_started", "run_stopped" }, null),
            ("*unlock?d", new[] { "mounted_drive_unlocked" }, null),
            ("RUN_STARTED", new[] { "run_started" }, null),
            ("run`*", Array.Empty<string>(), null),
            ("run_[", Array.Empty<string>(), "InvalidWildcard"),
        });
    }

    [SkippableFact]
    public void User_names_take_the_same_wildcards()
    {
        Skip.IfNot(Sqlite3.Available, "needs the sqlite3 tool");
        using var dir = new TempDir();
        using var s = new PsSession(storePath: dir.File("burnin.db"));
        s.Run("""
            function SS([string]$t) { $s = [System.Security.SecureString]::new(); $t.ToCharArray() | ForEach-Object { $s.AppendChar($_) }; $s }
            New-BurninUser -UserName alice -Admin -Password (SS 'Alice-Pw-1234') -Confirm:$false | Out-Null
            Connect-BurninOperator -Credential ([pscredential]::new('alice', (SS 'Alice-Pw-1234')))
            New-BurninUser -UserName albert -Password (SS 'Albert-Pw-1234') | Out-Null
            New-BurninUser -UserName bob -Password (SS 'Bob-Pw-123456') | Out-Null
            """).AssertClean();
        foreach (var (pattern, expected, error) in new (string, string[], string?)[]
                 {
                     ("al*", new[] { "albert", "alice" }, null),
                     ("[ab]l?ce", new[] { "alice" }, null),
                     ("BOB", new[] { "bob" }, null),
                     ("z*", Array.Empty<string>(), null),
                     ("carol", Array.Empty<string>(), "UserNotFound"),
                     ("al[", Array.Empty<string>(), "InvalidWildcard"),
                 })
            Answer(s, $"Get-BurninUser -UserName '{pattern}'", "UserName", pattern, expected, error);
    }

    private void Check(string command, string property, (string Pattern, string[] Expected, string? Error)[] cases)
    {
        Skip.IfNot(Sqlite3.Available, "needs the sqlite3 tool");
        using var s = new PsSession(storePath: _seed.Store);
        foreach (var (pattern, expected, error) in cases)
            Answer(s, string.Format(System.Globalization.CultureInfo.InvariantCulture, command, $"'{pattern}'"), property, pattern, expected, error);
    }

    private static void Answer(PsSession s, string script, string property, string pattern, string[] expected, string? error)
    {
        var r = s.Run(script);
        var got = r.Output.Select(o => o.Properties[property].Value?.ToString() ?? "").Distinct().Order(StringComparer.Ordinal).ToArray();
        Assert.True(expected.SequenceEqual(got), $"{script}: expected [{string.Join(", ", expected)}], got [{string.Join(", ", got)}]");
        var ids = r.AllErrors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]).ToList();
        if (error is null) Assert.True(ids.Count == 0, $"{script}: unexpected errors {string.Join(", ", ids)}");
        else
        {
            Assert.True(ids.SequenceEqual(new[] { error }), $"{script}: expected {error}, got [{string.Join(", ", ids)}]");
            Assert.Contains(pattern.Replace("`", "", StringComparison.Ordinal), r.AllErrors.Single().Exception.Message, StringComparison.Ordinal);
        }
    }
}
