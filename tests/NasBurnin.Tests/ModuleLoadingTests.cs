using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.Loader;
using NasBurnin.Tests.Harness;
using Xunit;

namespace NasBurnin.Tests;

/// <summary>The module folder imports by path, exports exactly its manifest, and resolves its own dependencies.</summary>
public class ModuleLoadingTests
{
    internal static string[] ManifestCmdlets()
    {
        var ast = Parser.ParseFile(RepoPaths.Manifest, out _, out var errors);
        Assert.Empty(errors);
        var table = (Hashtable)ast.Find(a => a is HashtableAst, false)!.SafeGetValue();
        return ((object[])table["CmdletsToExport"]!).Cast<string>().OrderBy(s => s, StringComparer.Ordinal).ToArray();
    }

    [Fact]
    public void Import_exports_exactly_the_manifest_cmdlets()
    {
        using var s = new PsSession();
        var exported = s.Run("(Get-Module NasBurnin).ExportedCmdlets.Keys").AssertClean()
            .Output.Select(o => o.ToString()).OrderBy(x => x, StringComparer.Ordinal).ToArray();
        Assert.Equal(ManifestCmdlets(), exported);
        Assert.Empty(s.Run("(Get-Module NasBurnin).ExportedFunctions.Keys").Output);
        Assert.Empty(s.Run("(Get-Module NasBurnin).ExportedAliases.Keys").Output);
        Assert.Empty(s.Run("(Get-Module NasBurnin).ExportedVariables.Keys").Output);
    }

    [Fact]
    public void Every_cmdlet_class_in_the_assembly_is_exported()
    {
        // A new cmdlet that was not added to CmdletsToExport would be invisible to users.
        using var s = new PsSession();
        var declared = s.Run("[NasBurnin.Store.GetBurninStoreCommand].Assembly.GetTypes() | Where-Object { $_.IsDefined([System.Management.Automation.CmdletAttribute], $false) } | ForEach-Object { $a = $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]; '{0}-{1}' -f $a.VerbName, $a.NounName }")
            .AssertClean().Output.Select(o => o.ToString()).OrderBy(x => x, StringComparer.Ordinal).ToArray();
        Assert.Equal(ManifestCmdlets(), declared);
    }

    [Fact]
    public void Test_ModuleManifest_passes_and_states_the_platform()
    {
        using var s = new PsSession(importModule: false);
        var r = s.Run($"Test-ModuleManifest -Path '{PsSession.Quote(RepoPaths.Manifest)}'").AssertClean();
        var info = (PSModuleInfo)r.Output.Single().BaseObject;
        Assert.Equal(new Version(7, 4), info.PowerShellVersion);
        Assert.Contains("Core", info.CompatiblePSEditions);
        Assert.Equal("NasBurnin.Cmdlets.dll", Path.GetFileName(info.RootModule));
        Assert.Contains("NasBurnin.Format.ps1xml", info.ExportedFormatFiles.Select(Path.GetFileName));
    }

    [Fact]
    public void One_version_for_manifest_and_assemblies()
    {
        using var s = new PsSession(importModule: false);
        var manifestVersion = ((PSModuleInfo)s.Run($"Test-ModuleManifest -Path '{PsSession.Quote(RepoPaths.Manifest)}'").Output.Single().BaseObject).Version;
        foreach (var dll in new[] { "NasBurnin.Cmdlets.dll", "NasBurnin.Contracts.dll", Path.Combine("deps", "NasBurnin.Engine.dll") })
        {
            var v = AssemblyName.GetAssemblyName(Path.Combine(RepoPaths.ModuleDir, dll)).Version!;
            Assert.Equal(manifestVersion, new Version(v.Major, v.Minor, v.Build));
        }
    }

    [Fact]
    public void Module_folder_ships_what_it_needs_and_no_PowerShell()
    {
        var files = Directory.GetFiles(RepoPaths.ModuleDir, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(RepoPaths.ModuleDir, f).Replace('\\', '/')).ToList();
        Assert.DoesNotContain(files, f => f.EndsWith("System.Management.Automation.dll", StringComparison.OrdinalIgnoreCase));
        foreach (var expected in new[] { "NasBurnin.psd1", "NasBurnin.Cmdlets.dll", "NasBurnin.Contracts.dll", "NasBurnin.Format.ps1xml",
                     "en-US/NasBurnin.Cmdlets.dll-Help.xml", "en-US/about_NasBurnin.help.txt", "deps/NasBurnin.Engine.dll",
                     "deps/Renci.SshNet.dll", "deps/Microsoft.Data.Sqlite.dll", "deps/BCrypt-Net-Next.dll",
                     "deps/Handlebars.dll", "deps/MailKit.dll", "deps/MimeKit.dll" })
            Assert.Contains(expected, files);
        var rids = Directory.GetDirectories(Path.Combine(RepoPaths.ModuleDir, "deps", "runtimes")).Select(Path.GetFileName).OrderBy(x => x).ToArray();
        Assert.Equal(new[] { "linux-arm64", "linux-musl-x64", "linux-x64", "osx-arm64", "osx-x64", "win-arm64", "win-x64" }, rids);
        // Nothing but the cmdlet assembly and the shared enums sits where PowerShell's own probing would find it,
        // and the enums are not in deps/ too (one copy, one type identity).
        Assert.Equal(new[] { "NasBurnin.Cmdlets.dll", "NasBurnin.Contracts.dll" },
            files.Where(f => !f.Contains('/') && f.EndsWith(".dll", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.DoesNotContain("deps/NasBurnin.Contracts.dll", files);
    }

    [Fact]
    public void Sqlite_and_the_engine_come_from_the_module_not_from_the_test_host()
    {
        // The test host's own dependency list holds neither: what works below was resolved by the module.
        var tpa = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator).Select(Path.GetFileName).ToList();
        Assert.DoesNotContain("Microsoft.Data.Sqlite.dll", tpa);
        Assert.DoesNotContain("NasBurnin.Engine.dll", tpa);
        Assert.False(File.Exists(Path.Combine(AppContext.BaseDirectory, "Microsoft.Data.Sqlite.dll")));

        using var dir = new TempDir();
        using var s = new PsSession(storePath: dir.File("burnin.db"));
        var info = s.Run("Get-BurninStore").AssertClean().Output.Single();
        Assert.Equal(StoreSchema.Latest, (int)info.Properties["SchemaVersion"].Value);

        var sqlite = AppDomain.CurrentDomain.GetAssemblies().Where(a => a.GetName().Name == "Microsoft.Data.Sqlite").ToList();
        Assert.NotEmpty(sqlite);
        Assert.All(sqlite, a => Assert.Equal("NasBurnin", AssemblyLoadContext.GetLoadContext(a)!.Name));
        var engine = AppDomain.CurrentDomain.GetAssemblies().Single(a => a.GetName().Name == "NasBurnin.Engine");
        Assert.Equal("NasBurnin", AssemblyLoadContext.GetLoadContext(engine)!.Name);

        // The report and notification dependencies load there too, when a report is rendered and a mail is built.
        s.Run($"Export-BurninReport -Path '{PsSession.Quote(dir.File("fleet.html"))}'").AssertClean();
        s.Run("Set-BurninNotification -Name probe -SmtpServer 127.0.0.1 -Port 9 -From a@example.com -To b@example.com -Security None; Test-BurninNotification -Name probe -ErrorAction SilentlyContinue > $null");
        foreach (var name in new[] { "Handlebars", "MailKit", "MimeKit" })
        {
            var loaded = AppDomain.CurrentDomain.GetAssemblies().Where(a => a.GetName().Name == name).ToList();
            Assert.NotEmpty(loaded);
            Assert.All(loaded, a => Assert.Equal("NasBurnin", AssemblyLoadContext.GetLoadContext(a)!.Name));
        }
        Assert.DoesNotContain("Handlebars.dll", tpa);
        Assert.DoesNotContain("MailKit.dll", tpa);
        if (OperatingSystem.IsLinux())
        {
            var maps = File.ReadAllText("/proc/self/maps");
            Assert.Contains(Path.Combine(RepoPaths.ModuleDir, "deps", "runtimes"), maps);
        }
    }

    [PwshFact]
    public void Parameters_and_the_engine_share_one_copy_of_the_state_enums()
    {
        // In a fresh real pwsh: the parameter types PowerShell reflected at import are the very types the engine
        // (in its private context) filters by, and PowerShell validates and completes the names itself.
        using var dir = new TempDir();
        var script = $$"""
            Import-Module '{{PsSession.Quote(RepoPaths.Manifest)}}' -ErrorAction Stop
            $state = (Get-Command Get-BurninRun).Parameters.State.ParameterType
            'param=' + $state.FullName + '@' + [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($state.Assembly).Name
            Use-BurninStore -Path '{{PsSession.Quote(dir.File("burnin.db"))}}'
            Get-BurninRun -Offline -State Running -Result pass  # loads the engine; a name in another case binds
            $alc = [System.Runtime.Loader.AssemblyLoadContext]::All | Where-Object { $_.Name -eq 'NasBurnin' }
            $engine = $alc.Assemblies | Where-Object { $_.GetName().Name -eq 'NasBurnin.Engine' }
            $query = $engine.GetType('NasBurnin.Engine.Burnin.RunQuery', $true)
            'same-state=' + ($query.GetProperty('States').PropertyType.GetGenericArguments()[0].MakeArrayType() -eq $state)
            'same-result=' + ($query.GetProperty('Results').PropertyType.GetGenericArguments()[0].MakeArrayType() -eq (Get-Command Get-BurninRun).Parameters.Result.ParameterType)
            $role = (Get-Command Get-BurninDrive).Parameters.Role.ParameterType.GetElementType()
            'same-role=' + ($engine.GetType('NasBurnin.Engine.Inventory.DriveInfo', $true).GetProperty('Role').PropertyType -eq $role)
            'copies=' + @([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'NasBurnin.Contracts' }).Count
            'complete=' + ((TabExpansion2 'Get-BurninRun -State Int').CompletionMatches.CompletionText -join ',')
            try { Get-BurninRun -Offline -State Bogus } catch { 'error=' + $_.FullyQualifiedErrorId + '|' + $_.Exception.Message }
            """;
        var r = ChildProcess.Pwsh(script);
        Assert.True(r.ExitCode == 0, r.StdErr + r.StdOut);
        Assert.Contains("param=NasBurnin.Engine.Burnin.RunState[]@Default", r.StdOut);
        Assert.Contains("same-state=True", r.StdOut);
        Assert.Contains("same-result=True", r.StdOut);
        Assert.Contains("same-role=True", r.StdOut);
        Assert.Contains("copies=1", r.StdOut);
        Assert.Contains("complete=Interrupted", r.StdOut);
        Assert.Contains("error=CannotConvertArgumentNoMessage", r.StdOut);
        Assert.Contains("Queued, Running, Stalled, Finished, Aborted, Interrupted", r.StdOut);
    }

    [Fact]
    public void Imports_beside_another_Renci_SshNet_already_loaded()
    {
        using var dir = new TempDir();
        var fake = dir.File("Renci.SshNet.dll");
        BuildFakeSshNet(fake);
        var script = $$"""
            Import-Module '{{PsSession.Quote(RepoPaths.Manifest)}}' -ErrorAction Stop
            Use-BurninStore -Path '{{PsSession.Quote(dir.File("burnin.db"))}}'
            'schema=' + (Get-BurninStore).SchemaVersion
            # SSH.NET as the module sees it: its own copy, in its own load context.
            $alc = [System.Runtime.Loader.AssemblyLoadContext]::All | Where-Object { $_.Name -eq 'NasBurnin' }
            $ssh = $alc.LoadFromAssemblyName([System.Reflection.AssemblyName]::new('Renci.SshNet'))
            $info = [Activator]::CreateInstance($ssh.GetType('Renci.SshNet.PasswordConnectionInfo', $true), [object[]]@('127.0.0.1', 'user', 'x'))
            'ssh=' + $info.Host
            [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'Renci.SshNet' } |
                ForEach-Object { 'loaded={0}@{1}' -f $_.GetName().Version, [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_).Name }
            """;
        var r = ChildProcess.Pwsh(script, preload: new[] { fake });
        Assert.True(r.ExitCode == 0, r.StdErr + r.StdOut);
        Assert.Contains($"schema={StoreSchema.Latest}", r.StdOut);
        Assert.Contains("ssh=127.0.0.1", r.StdOut);
        Assert.Contains("loaded=1.0.0.0@Default", r.StdOut);
        var shipped = AssemblyName.GetAssemblyName(Path.Combine(RepoPaths.ModuleDir, "deps", "Renci.SshNet.dll")).Version;
        Assert.NotEqual(new Version(1, 0, 0, 0), shipped);
        Assert.Contains($"loaded={shipped}@NasBurnin", r.StdOut);
    }

    /// <summary>An unrelated assembly that claims the name Renci.SshNet, version 1.0: what another module could have loaded.</summary>
    private static void BuildFakeSshNet(string path)
    {
        var ab = new PersistedAssemblyBuilder(new AssemblyName("Renci.SshNet") { Version = new Version(1, 0, 0, 0) }, typeof(object).Assembly);
        var mb = ab.DefineDynamicModule("Renci.SshNet");
        mb.DefineType("Renci.SshNet.SshClient", System.Reflection.TypeAttributes.Public | System.Reflection.TypeAttributes.Class).CreateType();
        ab.Save(path);
    }

    [Fact]
    public void Every_ps1_and_psd1_in_the_repository_parses()
    {
        var files = Directory.EnumerateFiles(RepoPaths.Root, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".ps1", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".psd1", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".psm1", StringComparison.OrdinalIgnoreCase))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")
                        && !f.Contains($"{Path.DirectorySeparatorChar}out{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}.git{Path.DirectorySeparatorChar}"))
            .ToList();
        Assert.Contains(files, f => f.EndsWith("build.ps1", StringComparison.Ordinal));
        Assert.Contains(files, f => f.EndsWith(".Tests.ps1", StringComparison.Ordinal));
        var problems = new List<string>();
        foreach (var f in files)
        {
            Parser.ParseFile(f, out _, out var errors);
            problems.AddRange(errors.Select(e => $"{Path.GetRelativePath(RepoPaths.Root, f)}:{e.Extent.StartLineNumber}: {e.Message}"));
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}
