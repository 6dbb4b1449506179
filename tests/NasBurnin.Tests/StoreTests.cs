using NasBurnin.Tests.Harness;
using Xunit;

namespace NasBurnin.Tests;

/// <summary>The store through the cmdlets: creation, permissions, refusal of wrong files, concurrency.</summary>
[Collection(SerialCollection.Name)]
public class StoreTests
{
    [Fact]
    public void Use_BurninStore_creates_the_store_0600_in_a_0700_folder_with_WAL()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "nested", "burnin.db");
        using var s = new PsSession();
        var info = s.Run($"Use-BurninStore -Path '{PsSession.Quote(path)}' -PassThru").AssertClean().Output.Single();
        Assert.Equal(path, info.Properties["Path"].Value);
        Assert.Equal("wal", info.Properties["JournalMode"].Value);
        Assert.Equal(StoreSchema.Latest, (int)info.Properties["SchemaVersion"].Value);
        s.Run("Set-BurninConfig -BackupKeep 9").AssertClean();
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(path)!));
            foreach (var side in new[] { path + "-wal", path + "-shm" }.Where(File.Exists))
                Assert.Equal(UnixFileMode.None, File.GetUnixFileMode(side) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite));
        }
        var counts = (System.Collections.Specialized.OrderedDictionary)s.Run("(Get-BurninStore).RowCounts").Output.Single().BaseObject;
        foreach (var table in new[] { "hosts", "drives", "burnin_runs", "burnin_stages", "smart_snapshots", "drive_unlocks", "audit_events", "users", "login_failures", "settings" })
            Assert.True(counts.Contains(table), $"missing table {table}");
        Assert.Equal(1L, counts["settings"]);
    }

    [Fact]
    public void NASBURNIN_HOME_chooses_the_default_store()
    {
        using var dir = new TempDir();
        var old = Environment.GetEnvironmentVariable("NASBURNIN_HOME");
        try
        {
            Environment.SetEnvironmentVariable("NASBURNIN_HOME", dir.Path);
            using var s = new PsSession();
            var info = s.Run("Get-BurninStore").AssertClean().Output.Single();
            Assert.Equal(Path.Combine(dir.Path, "burnin.db"), info.Properties["Path"].Value);
            Assert.True(File.Exists(Path.Combine(dir.Path, "burnin.db")));
        }
        finally
        {
            Environment.SetEnvironmentVariable("NASBURNIN_HOME", old);
        }
    }

    [Fact]
    public void A_directory_is_refused_with_a_terminating_error()
    {
        using var dir = new TempDir();
        using var s = new PsSession();
        var e = s.RunTerminating($"Use-BurninStore -Path '{PsSession.Quote(dir.Path)}'");
        Assert.StartsWith("StorePathIsDirectory,", e.FullyQualifiedErrorId);
        Assert.Equal(dir.Path, e.TargetObject);
        Assert.Contains(dir.Path, e.Exception.Message);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void A_file_that_is_not_SQLite_is_refused_and_left_untouched()
    {
        using var dir = new TempDir();
        var path = dir.File("notes.txt");
        var content = "these are my notes, not a database\n"u8.ToArray();
        File.WriteAllBytes(path, content);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, (UnixFileMode)Convert.ToInt32("644", 8));
        var before = File.GetLastWriteTimeUtc(path);
        using var s = new PsSession();
        var e = s.RunTerminating($"Use-BurninStore -Path '{PsSession.Quote(path)}'");
        Assert.StartsWith("StoreNotSqlite,", e.FullyQualifiedErrorId);
        Assert.Equal(System.Management.Automation.ErrorCategory.InvalidArgument, e.CategoryInfo.Category);
        Assert.Contains("notes.txt", e.Exception.Message);
        Assert.Equal(content, File.ReadAllBytes(path));
        Assert.Equal(before, File.GetLastWriteTimeUtc(path));
        if (!OperatingSystem.IsWindows()) Assert.Equal((UnixFileMode)Convert.ToInt32("644", 8), File.GetUnixFileMode(path));
        Assert.False(File.Exists(path + "-wal"));
    }

    [Fact]
    public void A_path_under_a_file_is_refused()
    {
        using var dir = new TempDir();
        var blocker = dir.File("blocker");
        File.WriteAllText(blocker, "x");
        using var s = new PsSession();
        var e = s.RunTerminating($"Use-BurninStore -Path '{PsSession.Quote(Path.Combine(blocker, "burnin.db"))}'");
        Assert.StartsWith("StorePathParentNotDirectory,", e.FullyQualifiedErrorId);
        Assert.Equal("x", File.ReadAllText(blocker));
    }

    [SkippableFact]
    public void An_unreadable_store_is_refused_for_a_user_who_cannot_read_it()
    {
        // Root reads everything, so the refusal is checked as an unprivileged user in a child process.
        if (OperatingSystem.IsWindows() || Environment.UserName != "root" || !File.Exists("/usr/bin/setpriv"))
            throw new SkipException("needs Linux, root and setpriv to act as an unprivileged user");
        using var dir = new TempDir();
        var path = dir.File("burnin.db");
        using (var s = new PsSession(storePath: path)) s.Run("Set-BurninConfig -BackupKeep 3").AssertClean();
        File.SetUnixFileMode(dir.Path, (UnixFileMode)Convert.ToInt32("755", 8));
        File.SetUnixFileMode(path, UnixFileMode.None);
        var before = File.ReadAllBytes(path);
        var script = $"Import-Module '{PsSession.Quote(RepoPaths.Manifest)}'; Use-BurninStore -Path '{PsSession.Quote(path)}'";
        var (pwsh, pwshArgs) = ChildProcess.PwshCommand(script);
        var r = ChildProcess.Run("/usr/bin/setpriv",
            new[] { "--reuid=65534", "--regid=65534", "--clear-groups", pwsh }.Concat(pwshArgs),
            env: new Dictionary<string, string> { ["HOME"] = dir.Path, ["DOTNET_CLI_HOME"] = dir.Path, ["DOTNET_NOLOGO"] = "1" });
        if (r.StdErr.Contains("Permission denied", StringComparison.Ordinal) && !r.StdErr.Contains("StoreUnreadable", StringComparison.Ordinal))
            throw new SkipException("the unprivileged user cannot even start pwsh or dotnet from this checkout (a private home, say)");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("StoreUnreadable", r.StdErr);
        Assert.Contains(path, r.StdErr);
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    [Fact]
    public void A_store_with_a_newer_schema_is_refused()
    {
        using var dir = new TempDir();
        var path = dir.File("future.db");
        using (var s = new PsSession(storePath: path)) { }
        var set = ChildProcess.Run("sqlite3", new[] { path, "PRAGMA user_version = 99;" });
        Assert.Equal(0, set.ExitCode);
        using var s2 = new PsSession();
        var e = s2.RunTerminating($"Use-BurninStore -Path '{PsSession.Quote(path)}'");
        Assert.StartsWith("StoreSchemaTooNew,", e.FullyQualifiedErrorId);
        Assert.Contains("99", e.Exception.Message);
    }

    [Fact]
    public async Task Two_processes_write_the_store_at_once_without_database_is_locked()
    {
        using var dir = new TempDir();
        var path = dir.File("shared.db");
        using var s = new PsSession(storePath: path);
        const int n = 150;
        var child = ChildProcess.PwshAsync($"""
            Import-Module '{PsSession.Quote(RepoPaths.Manifest)}' -ErrorAction Stop
            Use-BurninStore -Path '{PsSession.Quote(path)}'
            1..{n} | ForEach-Object {"{"} Set-BurninConfig -BackupKeep (($_ % 50) + 1) -PollIntervalMinutes (($_ % 60) + 1) -ErrorAction Stop {"}"}
            'child done'
            """);
        var mine = s.Run($"1..{n} | ForEach-Object {{ Set-BurninConfig -LogRetentionDays (($_ % 300) + 1) -ErrorAction Stop; $null = Get-BurninConfig }}; 'parent done'");
        var theirs = await child;
        mine.AssertClean();
        Assert.True(theirs.ExitCode == 0, theirs.StdErr);
        Assert.Contains("child done", theirs.StdOut);
        Assert.DoesNotContain("locked", theirs.StdErr, StringComparison.OrdinalIgnoreCase);
        var cfg = s.Run("Get-BurninConfig").AssertClean().Output.Single();
        Assert.Equal((n % 300) + 1, (int)cfg.Properties["LogRetentionDays"].Value);
        Assert.Equal((n % 50) + 1, (int)cfg.Properties["BackupKeep"].Value);
    }
}
