using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;
using System.Text;
using NasBurnin.Tests.Harness;
using Xunit;

namespace NasBurnin.Tests;

/// <summary>
/// Operator accounts through the cmdlets: first-user setup, the sign-in gate, lockout (with the
/// engine's test clock, driven by reflection from the script, so nothing sleeps), prompts that fail
/// closed, attribution in the audit trail, and no password anywhere in the store files.
/// </summary>
[Collection(SerialCollection.Name)]
public class OperatorTests
{
    private const string T0 = "2030-01-01T12:00:00Z";
    private const string AdminPw = "Admin-Pw-1234";
    private const string BobPw = "Bob-Pw-5678";

    /// <summary>
    /// Script helpers: SecureStrings and credentials from text (test-only), and Set-TestClock, which
    /// freezes the engine's clock through the internal ClockOverride (reachable only by reflection).
    /// </summary>
    internal const string Helpers = """
        function SS([string]$t) { $s = [System.Security.SecureString]::new(); $t.ToCharArray() | ForEach-Object { $s.AppendChar($_) }; $s }
        function Cred([string]$u, [string]$p) { [pscredential]::new($u, (SS $p)) }
        function Set-TestClock($At) {
            $alc = [System.Runtime.Loader.AssemblyLoadContext]::All | Where-Object { $_.Name -eq 'NasBurnin' }
            $engine = $alc.Assemblies | Where-Object { $_.GetName().Name -eq 'NasBurnin.Engine' }
            $prop = $engine.GetType('NasBurnin.Engine.Common.ClockOverride', $true).GetProperty('UtcNow', [System.Reflection.BindingFlags]'NonPublic, Static')
            $value = if ($null -eq $At) { $null } else { [DateTimeOffset]::Parse($At, [cultureinfo]::InvariantCulture) }
            $prop.SetValue($null, $value)
        }
        function Try-Connect([string]$u, [string]$p) {
            try { Connect-BurninOperator -Credential (Cred $u $p); 'OK' } catch { $_.FullyQualifiedErrorId.Split(',')[0] + '|' + $_.Exception.Message }
        }
        """;

    /// <summary>A session on a fresh store with the helpers loaded, a known SSH source, and the clock reset afterwards.</summary>
    private sealed class Scope : IDisposable
    {
        private readonly string? _sshClient = Environment.GetEnvironmentVariable("SSH_CLIENT");
        private readonly string? _sshConnection = Environment.GetEnvironmentVariable("SSH_CONNECTION");

        public Scope()
        {
            Environment.SetEnvironmentVariable("SSH_CONNECTION", null);
            Source("192.0.2.10");
            S = Open();
        }

        public TempDir Dir { get; } = new();
        public string StorePath => Dir.File("burnin.db");
        public PsSession S { get; }

        /// <summary>Another session (another pwsh window) on the same store.</summary>
        public PsSession Open()
        {
            var s = new PsSession(storePath: StorePath);
            s.Run(Helpers).AssertClean();
            return s;
        }

        /// <summary>Pretends pwsh runs in an SSH session from this client address.</summary>
        public static void Source(string address) => Environment.SetEnvironmentVariable("SSH_CLIENT", $"{address} 50000 22");

        public void Dispose()
        {
            ResetClock();
            Environment.SetEnvironmentVariable("SSH_CLIENT", _sshClient);
            Environment.SetEnvironmentVariable("SSH_CONNECTION", _sshConnection);
            S.Dispose();
            Dir.Dispose();
        }

        /// <summary>True when any store file (database, WAL, shared memory) holds the text as UTF-8 or UTF-16.</summary>
        public bool StoreFilesContain(string text) => Directory.GetFiles(Dir.Path).Any(f =>
        {
            var bytes = File.ReadAllBytes(f);
            return bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0 || bytes.AsSpan().IndexOf(Encoding.Unicode.GetBytes(text)) >= 0;
        });
    }

    private static void ResetClock()
    {
        var engine = AssemblyLoadContext.All.FirstOrDefault(a => a.Name == "NasBurnin")?.Assemblies.FirstOrDefault(a => a.GetName().Name == "NasBurnin.Engine");
        engine?.GetType("NasBurnin.Engine.Common.ClockOverride")?.GetProperty("UtcNow", BindingFlags.NonPublic | BindingFlags.Static)?.SetValue(null, null);
    }

    private static string Id(ErrorRecord e) => e.FullyQualifiedErrorId.Split(',')[0];

    private static void CreateAdmin(PsSession s, string name = "alice", string pw = AdminPw) =>
        s.Run($"New-BurninUser -UserName {name} -FullName 'Alice Admin' -Admin -Password (SS '{pw}') -Confirm:$false").AssertClean();

    private static void SignIn(PsSession s, string name, string pw) =>
        Assert.Equal("OK", s.Run($"Try-Connect {name} '{pw}'").Output.Single().ToString());

    [Fact]
    public void First_user_setup_works_only_while_no_user_exists_and_then_user_administration_needs_an_admin()
    {
        using var x = new Scope();
        var s = x.S;
        var first = s.Run($"New-BurninUser -UserName alice -Password (SS '{AdminPw}')").AssertClean();
        var alice = first.Output.Single();
        Assert.Equal("NasBurnin.BurninUser", alice.TypeNames[0]);
        Assert.True((bool)alice.Properties["IsAdmin"].Value); // the first user is always an admin
        Assert.Contains(first.Warnings, w => w.Contains("first user", StringComparison.Ordinal));
        Assert.DoesNotContain(alice.Properties, p => p.Name.Contains("Hash", StringComparison.OrdinalIgnoreCase) || (p.Name.Contains("Password", StringComparison.OrdinalIgnoreCase) && p.Name != "PasswordChangedAt"));
        // With no users, the OS user was recorded as the one who created it.
        var created = s.Run("Get-BurninAuditEvent -Type user_created").AssertClean().Output.Single();
        Assert.Equal(Environment.UserName, created.Properties["Operator"].Value);
        Assert.Equal("ssh:192.0.2.10", created.Properties["Source"].Value);

        var e = s.RunTerminating($"New-BurninUser -UserName bob -Password (SS '{BobPw}')");
        Assert.Equal("OperatorSignInRequired", Id(e));
        Assert.Contains("Connect-BurninOperator", e.Exception.Message);

        SignIn(s, "alice", AdminPw);
        var bob = s.Run($"New-BurninUser -UserName bob -FullName 'Bob Tech' -Password (SS '{BobPw}')").AssertClean().Output.Single();
        Assert.False((bool)bob.Properties["IsAdmin"].Value);
        Assert.Equal("alice", s.Run("Get-BurninAuditEvent -Type user_created -Last 1").Output.Single().Properties["Operator"].Value);
        Assert.Equal(new[] { "alice", "bob" }, s.Run("Get-BurninUser | ForEach-Object UserName").AssertClean().Output.Select(o => o.ToString()));

        SignIn(s, "bob", BobPw);
        Assert.Equal("AdminRequired", Id(s.RunTerminating("New-BurninUser -UserName carol -Password (SS 'Carol-Pw-1')")));
        Assert.Equal("AdminRequired", Id(s.RunTerminating("Set-BurninUser -UserName alice -FullName x")));
        Assert.Equal(2, s.Run("@(Get-BurninUser).Count").Output.Single().BaseObject);
    }

    [Fact]
    public void Destructive_cmdlets_refuse_without_a_signed_in_operator_and_record_who_acted()
    {
        using var x = new Scope();
        var s = x.S;
        CreateAdmin(s);
        SignIn(s, "alice", AdminPw);
        s.Run($"New-BurninUser -UserName bob -Password (SS '{BobPw}')").AssertClean();
        s.Run("Disconnect-BurninOperator").AssertClean();
        Assert.False((bool)s.Run("(Get-BurninOperator).IsSignedIn").Output.Single().BaseObject);
        Assert.True((bool)s.Run("(Get-BurninOperator).SignInRequired").Output.Single().BaseObject);

        foreach (var cmd in new[] { "Remove-BurninUser -UserName bob -Confirm:$false", "Set-BurninUser -UserName bob -Disabled", "Get-BurninUser" })
        {
            var e = s.RunTerminating(cmd);
            Assert.Equal("OperatorSignInRequired", Id(e));
            Assert.Equal(ErrorCategory.PermissionDenied, e.CategoryInfo.Category);
            Assert.Contains("Connect-BurninOperator", e.Exception.Message);
        }

        SignIn(s, "alice", AdminPw);
        s.Run("Remove-BurninUser -UserName bob -WhatIf").AssertClean();
        Assert.Single(s.Run("Get-BurninUser bob").AssertClean().Output);
        var last = s.Run("Remove-BurninUser -UserName alice -Confirm:$false");
        Assert.Equal("LastAdmin", Id(Assert.Single(last.Errors)));
        s.Run("Get-BurninUser bob | Remove-BurninUser -Confirm:$false").AssertClean();
        Assert.Equal("UserNotFound", Id(Assert.Single(s.Run("Get-BurninUser bob").Errors)));

        var removed = s.Run("Get-BurninAuditEvent -Type user_removed").AssertClean().Output.Single();
        Assert.Equal(("alice", "ssh:192.0.2.10"), ((string)removed.Properties["Operator"].Value, (string)removed.Properties["Source"].Value));
    }

    [Fact]
    public void A_signed_in_operator_who_was_since_disabled_or_removed_is_refused()
    {
        using var x = new Scope();
        CreateAdmin(x.S);
        SignIn(x.S, "alice", AdminPw);
        x.S.Run($"New-BurninUser -UserName bob -Admin -Password (SS '{BobPw}'); New-BurninUser -UserName carol -Admin -Password (SS 'Carol-Pw-1')").AssertClean();
        using var bobSession = x.Open();
        using var carolSession = x.Open();
        SignIn(bobSession, "bob", BobPw);
        SignIn(carolSession, "carol", "Carol-Pw-1");
        Assert.Equal("alice", x.S.Run("(Get-BurninOperator).UserName").Output.Single().ToString());

        x.S.Run("Set-BurninUser -UserName bob -Disabled; Remove-BurninUser -UserName carol -Confirm:$false").AssertClean();
        var disabled = bobSession.RunTerminating("Set-BurninUser -UserName alice -FullName 'Not Allowed'");
        Assert.Equal("OperatorSignInRequired", Id(disabled));
        Assert.Contains("disabled", disabled.Exception.Message);
        var removed = carolSession.RunTerminating("Get-BurninUser");
        Assert.Equal("OperatorSignInRequired", Id(removed));
        Assert.Contains("no longer exists", removed.Exception.Message);
        var view = bobSession.Run("Get-BurninOperator");
        Assert.True((bool)view.Output.Single().Properties["SignInRequired"].Value);
        Assert.NotEmpty(view.Warnings);
        Assert.Equal("UserDisabled", Id(bobSession.RunTerminating($"Connect-BurninOperator -Credential (Cred bob '{BobPw}')")));
        Assert.Equal("Alice Admin", x.S.Run("(Get-BurninUser alice).FullName").Output.Single().ToString());
    }

    [Fact]
    public void Lockout_answers_alike_for_right_and_wrong_passwords_spares_other_sources_persists_across_processes_and_ends()
    {
        using var x = new Scope();
        var s = x.S;
        CreateAdmin(s);
        s.Run($"Set-TestClock '{T0}'").AssertClean();
        var failures = s.Run("1..9 | ForEach-Object { Try-Connect alice \"wrong-$_\" }").AssertClean().Output.Select(o => o.ToString()!).ToList();
        Assert.Equal(9, failures.Count);
        Assert.All(failures, f => Assert.StartsWith("LoginFailed|", f));
        Assert.StartsWith("LoginLockedOut|", s.Run("Try-Connect alice 'wrong-10'").Output.Single().ToString());

        s.Run("Set-TestClock '2030-01-01T12:05:00Z'").AssertClean();
        var right = s.RunTerminating($"Connect-BurninOperator -Credential (Cred alice '{AdminPw}')");
        var wrong = s.RunTerminating("Connect-BurninOperator -Credential (Cred alice 'wrong-11')");
        Assert.Equal("LoginLockedOut", Id(right));
        Assert.Equal(right.FullyQualifiedErrorId, wrong.FullyQualifiedErrorId);
        Assert.Equal(right.Exception.Message, wrong.Exception.Message);
        Assert.Equal(right.CategoryInfo.Category, wrong.CategoryInfo.Category);
        Assert.Contains("Try again after 2030-01-01 12:15:00 UTC", right.Exception.Message);
        Assert.DoesNotContain(AdminPw, right.Exception.Message);
        Assert.False((bool)s.Run("(Get-BurninOperator).IsSignedIn").Output.Single().BaseObject);

        // Another source signs in while this one is locked, and sees the lock.
        Scope.Source("192.0.2.20");
        SignIn(s, "alice", AdminPw);
        var alice = s.Run("Get-BurninUser alice").AssertClean().Output.Single();
        Assert.Equal(new[] { "ssh:192.0.2.10" }, (string[])alice.Properties["LockedSources"].Value);
        s.Run("Disconnect-BurninOperator").AssertClean();
        Scope.Source("192.0.2.10");

        // A new process with the same store and source is still locked; once the clock passes the end, it signs in.
        string Child(string at) => ChildProcess.Pwsh($"""
            Import-Module '{PsSession.Quote(RepoPaths.Manifest)}' -ErrorAction Stop
            Use-BurninStore -Path '{PsSession.Quote(x.StorePath)}'
            {Helpers}
            Set-TestClock '{at}'
            Try-Connect alice '{AdminPw}'
            """, env: new Dictionary<string, string> { ["SSH_CLIENT"] = "192.0.2.10 50000 22" }).StdOut;
        Assert.Contains("LoginLockedOut|", Child("2030-01-01T12:14:59Z"));
        Assert.Contains("OK", Child("2030-01-01T12:15:00Z"));

        s.Run("Set-TestClock '2030-01-01T12:15:00Z'").AssertClean();
        SignIn(s, "alice", AdminPw);
        Assert.Empty((string[])s.Run("Get-BurninUser alice").Output.Single().Properties["LockedSources"].Value);
    }

    [Fact]
    public void An_unknown_user_name_gets_the_same_error_as_a_wrong_password()
    {
        using var x = new Scope();
        var s = x.S;
        CreateAdmin(s);
        var unknown = s.RunTerminating("Connect-BurninOperator -Credential (Cred dave 'Dave-Pw-1')");
        SignIn(s, "alice", AdminPw);
        s.Run("New-BurninUser -UserName dave -Password (SS 'Dave-Pw-right')").AssertClean();
        s.Run("Disconnect-BurninOperator").AssertClean();
        var wrong = s.RunTerminating("Connect-BurninOperator -Credential (Cred dave 'Dave-Pw-1')");
        Assert.Equal("LoginFailed", Id(unknown));
        Assert.Equal(ErrorCategory.AuthenticationError, unknown.CategoryInfo.Category);
        Assert.Equal((unknown.FullyQualifiedErrorId, unknown.Exception.Message), (wrong.FullyQualifiedErrorId, wrong.Exception.Message));
    }

    [Fact]
    public void Connect_prompts_for_the_password_of_a_bare_user_name_and_fails_closed_when_nobody_can_answer()
    {
        using var x = new Scope();
        var s = x.S;
        Assert.Equal("NoUsers", Id(s.RunTerminating("Connect-BurninOperator -Credential (Cred alice 'whatever-1')")));
        CreateAdmin(s);
        Assert.NotEmpty(s.Run("Connect-BurninOperator -Credential alice").AllErrors);
        Assert.False((bool)s.Run("(Get-BurninOperator).IsSignedIn").Output.Single().BaseObject);

        var secure = new System.Security.SecureString();
        foreach (var ch in AdminPw) secure.AppendChar(ch);
        s.Host.Answers.Enqueue(secure);
        var signedIn = s.Run("Connect-BurninOperator -Credential alice -PassThru").AssertClean().Output.Single();
        Assert.Equal(("alice", true, true), ((string)signedIn.Properties["UserName"].Value, (bool)signedIn.Properties["IsSignedIn"].Value, (bool)signedIn.Properties["IsAdmin"].Value));
        Assert.Contains(s.Host.Prompts, p => p.EndsWith("|Password for user alice", StringComparison.Ordinal));
        Assert.DoesNotContain(s.Host.Text, t => t.Contains("Password", StringComparison.Ordinal)); // asked in one host call, never written first
    }

    [Fact]
    public void New_BurninUser_prompts_twice_refuses_a_mismatch_and_fails_closed_when_nobody_can_answer()
    {
        using var x = new Scope();
        var s = x.S;
        var silent = s.RunTerminating("New-BurninUser -UserName alice");
        Assert.Equal("PasswordPromptUnavailable", Id(silent));
        Assert.Contains("-Password", silent.Exception.Message);
        Assert.Empty(s.Run("Get-BurninUser").AssertClean().Output);

        s.Host.Answers.Enqueue("First-Pw-123");
        s.Host.Answers.Enqueue("Other-Pw-123");
        Assert.Equal("PasswordMismatch", Id(s.RunTerminating("New-BurninUser -UserName alice")));
        Assert.Empty(s.Run("Get-BurninUser").AssertClean().Output);

        s.Host.Answers.Enqueue("First-Pw-123");
        s.Host.Answers.Enqueue("First-Pw-123");
        s.Run("New-BurninUser -UserName alice").AssertClean();
        Assert.Equal(1 + 2 + 2, s.Host.Prompts.Count(p => p.Contains("password for 'alice'", StringComparison.Ordinal))); // the silent attempt stopped at the first
        Assert.DoesNotContain(s.Host.Text, t => t.Contains("password", StringComparison.OrdinalIgnoreCase)); // asked in one host call, never written first
        SignIn(s, "alice", "First-Pw-123");

        Assert.Equal("PasswordTooShort", Id(s.RunTerminating("New-BurninUser -UserName bob -Password (SS 'short')")));
    }

    [Fact]
    public void Set_BurninUserPassword_asks_for_current_new_and_confirmation()
    {
        using var x = new Scope();
        var s = x.S;
        CreateAdmin(s);
        SignIn(s, "alice", AdminPw);

        Assert.Equal("PasswordPromptUnavailable", Id(s.RunTerminating("Set-BurninUserPassword")));
        foreach (var a in new[] { "not-the-current", "Next-Pw-4567", "Next-Pw-4567" }) s.Host.Answers.Enqueue(a);
        Assert.Equal("LoginFailed", Id(s.RunTerminating("Set-BurninUserPassword")));
        foreach (var a in new[] { AdminPw, "Next-Pw-4567", "Next-Pw-4567" }) s.Host.Answers.Enqueue(a);
        s.Run("Set-BurninUserPassword").AssertClean();
        Assert.Empty(s.Host.Answers);

        s.Run("Disconnect-BurninOperator").AssertClean();
        Assert.Equal("LoginFailed", Id(s.RunTerminating($"Connect-BurninOperator -Credential (Cred alice '{AdminPw}')")));
        SignIn(s, "alice", "Next-Pw-4567");
        Assert.Equal("PasswordTooShort", Id(s.RunTerminating("Set-BurninUserPassword -CurrentPassword (SS 'Next-Pw-4567') -NewPassword (SS 'short')")));
        var changed = s.Run("Get-BurninAuditEvent -Type user_password_changed").AssertClean().Output.Single();
        Assert.Equal("alice", changed.Properties["Operator"].Value);
    }

    [Fact]
    public void Reset_clears_a_lockout_and_every_operator_event_is_audited_with_its_source_and_no_secret_is_stored()
    {
        using var x = new Scope();
        var s = x.S;
        const string bobNew = "Bob-Reset-Pw-9", bobLast = "Bob-Last-Pw-0";
        CreateAdmin(s);
        SignIn(s, "alice", AdminPw);
        s.Run($"New-BurninUser -UserName bob -Password (SS '{BobPw}'); Set-BurninUser -UserName bob -FullName 'Bob Tech'").AssertClean();
        s.Run("Disconnect-BurninOperator").AssertClean();

        using var bobSession = x.Open();
        bobSession.Run($"Set-TestClock '{T0}'").AssertClean();
        bobSession.Run("1..10 | ForEach-Object { Try-Connect bob \"guess-$_\" }").AssertClean();
        Assert.Equal("LoginLockedOut", Id(bobSession.RunTerminating($"Connect-BurninOperator -Credential (Cred bob '{BobPw}')")));

        // The recovery path needs no sign-in, prompts twice when no password is given, and lifts the lockout at once.
        s.Host.Answers.Enqueue(bobNew);
        s.Host.Answers.Enqueue(bobNew);
        s.Run("Reset-BurninUser -UserName bob -Confirm:$false").AssertClean();
        SignIn(bobSession, "bob", bobNew);
        bobSession.Run($"Set-BurninUserPassword -CurrentPassword (SS '{bobNew}') -NewPassword (SS '{bobLast}')").AssertClean();
        bobSession.Run("Disconnect-BurninOperator").AssertClean();
        SignIn(s, "alice", AdminPw);
        s.Run("Remove-BurninUser -UserName bob -Confirm:$false").AssertClean();

        var events = s.Run("Get-BurninAuditEvent").AssertClean().Output;
        foreach (var type in new[] { "user_created", "user_updated", "user_login", "user_login_failed", "user_login_locked_out", "user_reset",
                     "user_password_changed", "user_logout", "user_removed" })
            Assert.Contains(events, e => (string)e.Properties["Type"].Value == type);
        Assert.All(events, e => Assert.Equal("ssh:192.0.2.10", e.Properties["Source"].Value));
        var reset = events.Single(e => (string)e.Properties["Type"].Value == "user_reset");
        Assert.Equal(Environment.UserName, reset.Properties["Operator"].Value); // nobody was signed in: the OS user
        foreach (var secret in new[] { AdminPw, BobPw, bobNew, bobLast })
        {
            Assert.All(events, e => Assert.DoesNotContain(secret, (string?)e.Properties["Detail"].Value ?? ""));
            Assert.False(x.StoreFilesContain(secret), $"the store files contain a password");
        }
    }

    [Fact]
    public void Initial_admin_variables_create_the_first_admin_of_an_empty_store_and_are_ignored_afterwards()
    {
        using var x = new Scope();
        const string envPw = "Env-Admin-Pw-42";
        string Child(string user, string pw) => ChildProcess.Pwsh($"""
            Import-Module '{PsSession.Quote(RepoPaths.Manifest)}' -ErrorAction Stop
            Use-BurninStore -Path '{PsSession.Quote(x.StorePath)}'
            'required=' + (Get-BurninOperator).SignInRequired
            """, env: new Dictionary<string, string> { ["NASBURNIN_INITIAL_ADMIN_USERNAME"] = user, ["NASBURNIN_INITIAL_ADMIN_PASSWORD"] = pw }).StdOut;

        // The session opened the store first (no users yet, no variables in this process)... then a process with them opens it.
        Assert.False((bool)x.S.Run("(Get-BurninOperator).SignInRequired").Output.Single().BaseObject);
        Assert.Contains("required=True", Child("envadmin", envPw));
        SignIn(x.S, "envadmin", envPw);
        Assert.True((bool)x.S.Run("(Get-BurninUser envadmin).IsAdmin").Output.Single().BaseObject);

        Assert.Contains("required=True", Child("second", "Second-Pw-42"));
        Assert.Equal(new[] { "envadmin" }, x.S.Run("Get-BurninUser | ForEach-Object UserName").AssertClean().Output.Select(o => o.ToString()));
        Assert.False(x.StoreFilesContain(envPw));
    }

    [Fact]
    public void A_half_set_initial_admin_pair_refuses_to_open_an_empty_store()
    {
        // Use-BurninStore is the last command, so its terminating error makes pwsh exit 1.
        using var dir = new TempDir();
        var r = ChildProcess.Pwsh($"""
            Import-Module '{PsSession.Quote(RepoPaths.Manifest)}' -ErrorAction Stop
            Use-BurninStore -Path '{PsSession.Quote(dir.File("burnin.db"))}'
            """, env: new Dictionary<string, string> { ["NASBURNIN_INITIAL_ADMIN_USERNAME"] = "envadmin", ["NASBURNIN_INITIAL_ADMIN_PASSWORD"] = "" });
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("InitialAdminIncomplete", r.StdErr);
        Assert.Contains("NASBURNIN_INITIAL_ADMIN_PASSWORD", r.StdErr);
    }

    [Fact]
    public void A_sign_in_belongs_to_its_store()
    {
        using var x = new Scope();
        CreateAdmin(x.S);
        SignIn(x.S, "alice", AdminPw);
        var other = x.Dir.File("other.db");
        var view = x.S.Run($"Use-BurninStore -Path '{PsSession.Quote(other)}'; Get-BurninOperator").AssertClean().Output.Single();
        Assert.False((bool)view.Properties["IsSignedIn"].Value);
        Assert.Equal(Environment.UserName, view.Properties["UserName"].Value);
        view = x.S.Run($"Use-BurninStore -Path '{PsSession.Quote(x.StorePath)}'; Get-BurninOperator").AssertClean().Output.Single();
        Assert.Equal(("alice", true, "ssh:192.0.2.10"), ((string)view.Properties["UserName"].Value, (bool)view.Properties["IsAdmin"].Value, (string)view.Properties["Source"].Value));
    }
}
