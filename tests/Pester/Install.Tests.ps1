#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# Installing NasBurnin like any PowerShell module (build.ps1 -Task Install, Uninstall, Package) and the
# README's scheduled-task command lines against the installed module. Run after building:
#   Invoke-Pester ./tests/Pester/Install.Tests.ps1 -Output Detailed
# Every install happens in a child process whose HOME and XDG_DATA_HOME are folders under a temp dir and
# which does not inherit PSModulePath, so nothing is installed into, or found in, this machine's real
# module folders. The CurrentUser path on Windows (Documents) cannot be redirected for a child, so these
# scenarios run on Linux and macOS.

BeforeAll {
    Add-Type -AssemblyName System.IO.Compression, System.IO.Compression.FileSystem
    $script:Repo = (Resolve-Path (Join-Path $PSScriptRoot '../..')).ProviderPath
    $script:BuildScript = Join-Path $Repo 'build.ps1'
    $script:ModuleDir = Join-Path $Repo 'out/NasBurnin'
    $script:Manifest = Import-PowerShellDataFile (Join-Path $ModuleDir 'NasBurnin.psd1')
    $script:Version = $Manifest.ModuleVersion
    $script:Pwsh = [Environment]::ProcessPath
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) ('nasburnin-install-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
    New-Item -ItemType Directory -Path $Work | Out-Null

    # A user with nothing installed: its own HOME, data folder and store folder under $Work.
    function New-TestUser([string] $Name) {
        $h = Join-Path $script:Work $Name
        $u = [pscustomobject]@{
            Home    = $h
            Data    = Join-Path $h '.local/share'
            Modules = Join-Path $h '.local/share/powershell/Modules'
            Store   = Join-Path $h 'store'
        }
        New-Item -ItemType Directory -Path $u.Data, $u.Store -Force | Out-Null
        $u
    }

    # Runs $File as that user; returns the exit code and both output streams.
    function Invoke-AsUser($User, [string] $File, [string[]] $Arguments) {
        if (-not $User.Home.StartsWith($script:Work)) { throw "Refusing to run with HOME '$($User.Home)' outside the test folder." }
        $psi = [Diagnostics.ProcessStartInfo]::new($File)
        foreach ($a in $Arguments) { $psi.ArgumentList.Add($a) }
        $psi.UseShellExecute = $false
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        $psi.WorkingDirectory = $User.Home
        # Without this the child keeps this session's module folders, the real HOME's among them.
        [void] $psi.Environment.Remove('PSModulePath')
        $psi.Environment['HOME'] = $User.Home
        $psi.Environment['XDG_DATA_HOME'] = $User.Data
        $psi.Environment['XDG_CONFIG_HOME'] = Join-Path $User.Home '.config'
        $psi.Environment['XDG_CACHE_HOME'] = Join-Path $User.Home '.cache'
        $psi.Environment['NASBURNIN_HOME'] = $User.Store
        $psi.Environment['DOTNET_CLI_HOME'] = $User.Home
        $psi.Environment['NUGET_PACKAGES'] = Join-Path $User.Home '.nuget/packages'
        $psi.Environment['DOTNET_NOLOGO'] = '1'
        $psi.Environment['DOTNET_CLI_TELEMETRY_OPTOUT'] = '1'
        $psi.Environment['NO_COLOR'] = '1'
        $p = [Diagnostics.Process]::Start($psi)
        $out = $p.StandardOutput.ReadToEndAsync()
        $err = $p.StandardError.ReadToEndAsync()
        $p.WaitForExit()
        # Text: both streams on one line each message, without colour codes or pwsh's wrapping of long errors.
        $text = (($out.Result + "`n" + $err.Result) -replace '\x1b\[[0-9;]*[A-Za-z]', '') -replace '\s*\r?\n\s*(\|\s*)?', ' '
        [pscustomobject]@{ ExitCode = $p.ExitCode; Out = $out.Result; Err = $err.Result; Text = $text }
    }

    function Invoke-PwshAsUser($User, [string] $Command) {
        Invoke-AsUser $User $script:Pwsh @('-NoProfile', '-NonInteractive', '-Command', $Command)
    }

    function Invoke-BuildAsUser($User, [string[]] $BuildArguments) {
        Invoke-AsUser $User $script:Pwsh (@('-NoProfile', '-NonInteractive', '-File', $script:BuildScript) + $BuildArguments)
    }

    function Get-RelativeFiles([string] $Dir) {
        Get-ChildItem -LiteralPath $Dir -File -Recurse -Force | ForEach-Object { [IO.Path]::GetRelativePath($Dir, $_.FullName).Replace('\', '/') } | Sort-Object
    }

    # The ExecStart= lines of the README's systemd units, split into words the way systemd does
    # ("..." and '...' quoting; $$ is a literal $). A lone $ would be expanded by systemd: the README must not have one.
    function Get-ReadmeExecStart {
        $readme = Get-Content -Raw (Join-Path $script:Repo 'README.md')
        $section = [regex]::Match($readme, '(?s)### systemd timer.*?(?=\n### )').Value
        foreach ($m in [regex]::Matches($section, '(?m)^ExecStart=(.+)$')) {
            $line = $m.Groups[1].Value.Trim()
            if ($line -replace '\$\$', '' -match '\$') { throw "README ExecStart has a lone `$ that systemd would expand: $line" }
            $words = foreach ($w in [regex]::Matches($line, '"((?:[^"\\]|\\.)*)"|''([^'']*)''|(\S+)')) {
                $text = if ($w.Groups[1].Success) { $w.Groups[1].Value -replace '\\(.)', '$1' } elseif ($w.Groups[2].Success) { $w.Groups[2].Value } else { $w.Groups[3].Value }
                $text.Replace('$$', '$')
            }
            [pscustomobject]@{ Line = $line; Words = @($words) }
        }
    }

    # A second version of the module for side-by-side tests: the assembled module with only the manifest's
    # ModuleVersion changed (the assemblies keep theirs; pwsh goes by the manifest).
    function Add-ModuleVersionCopy([string] $ModulesDir, [string] $NewVersion) {
        $target = Join-Path $ModulesDir "NasBurnin/$NewVersion"
        Copy-Item -LiteralPath $script:ModuleDir -Destination $target -Recurse
        $psd1 = Join-Path $target 'NasBurnin.psd1'
        $text = [regex]::Replace((Get-Content -Raw $psd1), "ModuleVersion\s*=\s*'[^']*'", "ModuleVersion        = '$NewVersion'")
        Set-Content -LiteralPath $psd1 -Value $text -NoNewline
        $target
    }
}

AfterAll {
    if ($script:Work -and (Test-Path $script:Work)) { Remove-Item -LiteralPath $script:Work -Recurse -Force }
}

Describe 'Install into a clean HOME' -Skip:$IsWindows {
    BeforeAll {
        $script:User = New-TestUser 'admin'
        $script:Target = Join-Path $User.Modules "NasBurnin/$Version"
        $script:ExecStart = @(Get-ReadmeExecStart)
    }

    It 'finds the systemd ExecStart lines in the README, loading the module by name' {
        $ExecStart.Count | Should -BeGreaterOrEqual 1
        foreach ($e in $ExecStart) {
            $e.Words[0] | Should -Match '(^|/)pwsh$'
            $e.Words[-1] | Should -Match '^Import-Module NasBurnin;'
        }
    }

    It 'fails before Install: pwsh finds no NasBurnin in a clean HOME' {
        $e = $ExecStart[0]
        $r = Invoke-AsUser $User $Pwsh $e.Words[1..($e.Words.Count - 1)]
        $r.ExitCode | Should -Be 1
        $r.Text | Should -BeLike '*NasBurnin*no valid module file*'
    }

    It 'installs into NasBurnin/<version> under the CurrentUser module path that pwsh itself searches, and says where' {
        $paths = (Invoke-PwshAsUser $User '$env:PSModulePath').Out.Trim() -split [IO.Path]::PathSeparator
        $paths[0] | Should -Be $User.Modules

        $r = Invoke-BuildAsUser $User @('-Task', 'Install', '-NoBuild')
        $r.ExitCode | Should -Be 0 -Because $r.Text
        $r.Text | Should -BeLike "*$Target*"
        Get-RelativeFiles $Target | Should -Be (Get-RelativeFiles $ModuleDir)
        # No staging or replaced copies beside it.
        Get-ChildItem -LiteralPath (Split-Path $Target) -Force | ForEach-Object Name | Should -Be @($Version)
    }

    It 'runs the README''s systemd ExecStart command lines as written (only the pwsh path is this pwsh)' {
        foreach ($e in $ExecStart) {
            $r = Invoke-AsUser $User $Pwsh $e.Words[1..($e.Words.Count - 1)]
            $r.ExitCode | Should -Be 0 -Because "$($e.Line) printed: $($r.Text)"
            $r.Err | Should -BeNullOrEmpty
        }
        Join-Path $User.Store 'burnin.db' | Should -Exist
        @(Get-ChildItem (Join-Path $User.Store 'backups') -Filter 'burnin-*.db').Count | Should -Be 1
    }

    It 'is listed by Get-Module -ListAvailable with its version' {
        $r = Invoke-PwshAsUser $User 'Get-Module NasBurnin -ListAvailable | ForEach-Object { "$($_.Version)|$($_.ModuleBase)" }'
        $r.ExitCode | Should -Be 0
        $r.Out.Trim() | Should -Be "$Version|$Target"
    }

    It 'replaces the same version whole on a second Install and leaves other versions alone' {
        Set-Content (Join-Path $Target 'stale.txt') 'from an older copy'
        $other = Join-Path $User.Modules 'NasBurnin/0.0.1'
        New-Item -ItemType Directory $other | Out-Null
        Set-Content (Join-Path $other 'keep.txt') 'another version'

        $r = Invoke-BuildAsUser $User @('-Task', 'Install', '-NoBuild')
        $r.ExitCode | Should -Be 0 -Because $r.Text
        Join-Path $Target 'stale.txt' | Should -Not -Exist
        Get-RelativeFiles $Target | Should -Be (Get-RelativeFiles $ModuleDir)
        Join-Path $other 'keep.txt' | Should -Exist
        Remove-Item -LiteralPath $other -Recurse -Force
    }

    It 'stops with a clear message and changes nothing while the installed version cannot be moved (in use)' {
        # On Windows a loaded module holds its files; here a bind mount makes the folder just as immovable (EBUSY).
        $canMount = $IsLinux -and (id -u) -eq '0' -and (Get-Command mount -ErrorAction SilentlyContinue)
        if (-not $canMount) {
            Write-Host "Skipped 'in use' install: needs root on Linux to bind-mount the installed folder."
            Set-ItResult -Skipped -Because 'it needs root on Linux to bind-mount the installed folder'
            return
        }
        Set-Content (Join-Path $Target 'marker.txt') 'the installed copy'
        mount --bind $Target $Target
        if ($LASTEXITCODE -ne 0) { Set-ItResult -Skipped -Because 'mount --bind failed here'; return }
        try {
            $r = Invoke-BuildAsUser $User @('-Task', 'Install', '-NoBuild')
            $r.ExitCode | Should -Not -Be 0
            $r.Text | Should -BeLike "*Cannot replace NasBurnin $Version in '$Target'*in use*Nothing was changed*"
            Join-Path $Target 'marker.txt' | Should -Exist

            $u = Invoke-BuildAsUser $User @('-Task', 'Uninstall')
            $u.ExitCode | Should -Not -Be 0
            $u.Text | Should -BeLike "*Cannot remove NasBurnin $Version*in use*Nothing was changed*"
            Join-Path $Target 'NasBurnin.psd1' | Should -Exist
            Get-ChildItem -LiteralPath (Split-Path $Target) -Force | ForEach-Object Name | Should -Be @($Version)
        } finally {
            umount $Target
        }
        Remove-Item (Join-Path $Target 'marker.txt')
    }

    It 'Uninstall removes the version, then the empty NasBurnin folder, and says where' {
        $r = Invoke-BuildAsUser $User @('-Task', 'Uninstall')
        $r.ExitCode | Should -Be 0 -Because $r.Text
        $r.Text | Should -BeLike "*Removed NasBurnin $Version from $Target*"
        Join-Path $User.Modules 'NasBurnin' | Should -Not -Exist
        (Invoke-PwshAsUser $User 'Get-Module NasBurnin -ListAvailable | ForEach-Object Version').Out.Trim() | Should -BeNullOrEmpty

        $again = Invoke-BuildAsUser $User @('-Task', 'Uninstall')
        $again.ExitCode | Should -Be 0
        $again.Text | Should -BeLike '*is not installed*'
    }
}

Describe 'Install for all users' -Skip:$IsWindows {
    It 'refuses without root, naming the shared module path and what to do, and creates nothing' {
        # Run as 'nobody' (uid 65534): as root this would install into the machine's shared module folder.
        $setpriv = Get-Command setpriv -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
        $reason = if (-not ($IsLinux -and (id -u) -eq '0' -and $setpriv)) { 'it needs root and setpriv to run the install as an unprivileged user' }
                  elseif (Test-Path '/usr/local/share/powershell') { 'this machine has a shared module folder, which the test leaves alone' }
        $user = New-TestUser 'nobody'
        $asNobody = { param([string[]] $a) Invoke-AsUser $user $setpriv.Source (@('--reuid=65534', '--regid=65534', '--clear-groups', $Pwsh) + $a) }
        if (-not $reason) {
            chown -R 65534:65534 $user.Home
            $probe = & $asNobody @('-NoProfile', '-NonInteractive', '-Command', "Test-Path -LiteralPath '$BuildScript', '$(Join-Path $ModuleDir 'NasBurnin.psd1')'")
            if ($probe.Out -notmatch '^True\s+True\s*$') { $reason = "the unprivileged user cannot read this checkout ($($probe.Text))" }
        }
        if ($reason) {
            Write-Host "Skipped the AllUsers refusal check: $reason."
            Set-ItResult -Skipped -Because $reason
            return
        }
        $r = & $asNobody @('-NoProfile', '-NonInteractive', '-File', $BuildScript, '-Task', 'Install', '-Scope', 'AllUsers', '-NoBuild')
        $r.ExitCode | Should -Not -Be 0
        $r.Text | Should -BeLike "*Cannot create '/usr/local/share/powershell/Modules/NasBurnin' to install NasBurnin $Version*needs root*-Scope CurrentUser*"
        '/usr/local/share/powershell' | Should -Not -Exist
    }
}

Describe 'Package' -Skip:$IsWindows {
    BeforeAll {
        $script:Packager = New-TestUser 'packager'
        $script:Nupkg = Join-Path $Repo "out/NasBurnin.$Version.nupkg"
        $script:Zip = Join-Path $Repo "out/NasBurnin-$Version.zip"
        $script:Created = @($Nupkg, $Zip | Where-Object { -not (Test-Path $_) })
        $script:PackageRun = Invoke-BuildAsUser $Packager @('-Task', 'Package', '-NoBuild')

        function Read-ZipText([IO.Compression.ZipArchive] $Archive, [string] $Name) {
            $r = [IO.StreamReader]::new($Archive.GetEntry($Name).Open())
            try { $r.ReadToEnd() } finally { $r.Dispose() }
        }
    }

    AfterAll {
        # Packages this test made; ones that were there before were rewritten with the same content.
        $Created | Where-Object { Test-Path $_ } | Remove-Item -Force
    }

    It 'writes out/NasBurnin.<version>.nupkg and out/NasBurnin-<version>.zip with this pwsh (no Compress-Archive needed)' {
        $PackageRun.ExitCode | Should -Be 0 -Because $PackageRun.Text
        $Nupkg | Should -Exist
        $Zip | Should -Exist
    }

    It 'puts the manifest and the module''s files at the nupkg''s root, beside NuGet''s packaging parts' {
        $archive = [IO.Compression.ZipFile]::OpenRead($Nupkg)
        try {
            $names = $archive.Entries.FullName
            $names | Should -Contain 'NasBurnin.psd1'
            $packaging = @('NasBurnin.nuspec', '[Content_Types].xml', '_rels/.rels')
            $psmdcp = @($names -like 'package/services/metadata/core-properties/*.psmdcp')
            $psmdcp.Count | Should -Be 1
            ($names | Where-Object { $_ -notin $packaging -and $_ -notin $psmdcp } | Sort-Object) | Should -Be (Get-RelativeFiles $ModuleDir)

            $rels = [xml] (Read-ZipText $archive '_rels/.rels')
            $rels.Relationships.Relationship.Target | Should -Be @('/NasBurnin.nuspec', "/$($psmdcp[0])")
            $types = [xml] (Read-ZipText $archive '[Content_Types].xml')
            $declared = $types.Types.Default.Extension
            foreach ($ext in ($names | ForEach-Object { [IO.Path]::GetExtension($_).TrimStart('.') } | Where-Object { $_ } | Sort-Object -Unique)) {
                $declared | Should -Contain $ext
            }
        } finally {
            $archive.Dispose()
        }
    }

    It 'carries the manifest''s version, author, description and tags, with the Gallery''s PSModule and PSCmdlet_ tags, in its nuspec' {
        $archive = [IO.Compression.ZipFile]::OpenRead($Nupkg)
        try { $nuspec = [xml] (Read-ZipText $archive 'NasBurnin.nuspec') } finally { $archive.Dispose() }
        $meta = $nuspec.package.metadata
        $meta.id | Should -Be 'NasBurnin'
        $meta.version | Should -Be $Version
        $meta.authors | Should -Be $Manifest.Author
        $meta.description | Should -Be $Manifest.Description
        $tags = $meta.tags -split ' '
        $expected = @('PSModule', 'PSIncludes_Cmdlet') + $Manifest.PrivateData.PSData.Tags +
            @($Manifest.CmdletsToExport | ForEach-Object { "PSCmdlet_$_"; "PSCommand_$_" })
        $expected | Where-Object { $_ -notin $tags } | Should -BeNullOrEmpty
        $tags | Group-Object | Where-Object Count -GT 1 | Should -BeNullOrEmpty
    }

    It 'is read and unpacked by NuGet''s own client from a local folder source' {
        $dotnet = Get-Command dotnet -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
        if (-not $dotnet) {
            Write-Host "Skipped the NuGet client check: dotnet is not on PATH."
            Set-ItResult -Skipped -Because 'dotnet is not on PATH'
            return
        }
        $major = ([version] ((& $dotnet.Source --version) -replace '-.*$')).Major
        $dir = Join-Path $Packager.Home 'nuget-check'
        New-Item -ItemType Directory (Join-Path $dir 'feed') -Force | Out-Null
        Copy-Item $Nupkg (Join-Path $dir 'feed')
        Set-Content (Join-Path $dir 'nuget.config') '<configuration><packageSources><clear /><add key="local" value="feed" /></packageSources></configuration>'
        Set-Content (Join-Path $dir 'check.csproj') @"
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>net$major.0</TargetFramework><ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally></PropertyGroup>
  <ItemGroup><PackageDownload Include="NasBurnin" Version="[$Version]" /></ItemGroup>
</Project>
"@
        $r = Invoke-AsUser $Packager $dotnet.Source @('restore', (Join-Path $dir 'check.csproj'))
        $r.ExitCode | Should -Be 0 -Because $r.Text
        $unpacked = Join-Path $Packager.Home ".nuget/packages/nasburnin/$Version"
        Join-Path $unpacked 'NasBurnin.psd1' | Should -Exist
        Join-Path $unpacked 'deps/NasBurnin.Engine.dll' | Should -Exist
    }

    It 'installs with Install-PSResource from a local repository' {
        $psrg = Get-Module -ListAvailable Microsoft.PowerShell.PSResourceGet | Sort-Object Version -Descending | Select-Object -First 1
        if (-not $psrg) {
            $because = "PSResourceGet (Microsoft.PowerShell.PSResourceGet) is not installed in this pwsh ($PSHOME)"
            Write-Host "Skipped the Install-PSResource check: $because."
            Set-ItResult -Skipped -Because $because
            return
        }
        $feed = Join-Path $Packager.Home 'feed'
        New-Item -ItemType Directory $feed -Force | Out-Null
        Copy-Item $Nupkg $feed
        $r = Invoke-PwshAsUser $Packager @"
`$ErrorActionPreference = 'Stop'
Import-Module '$($psrg.Path)'
Register-PSResourceRepository -Name local -Uri '$feed' -Trusted
Install-PSResource -Name NasBurnin -Repository local -Scope CurrentUser -TrustRepository
Get-Module NasBurnin -ListAvailable | ForEach-Object { "`$(`$_.Version)|`$(`$_.ModuleBase)" }
Import-Module NasBurnin
(Get-BurninConfig).BackupKeep | Out-Null
"@
        $r.ExitCode | Should -Be 0 -Because $r.Text
        $r.Out | Should -BeLike "*$Version|$(Join-Path $Packager.Modules "NasBurnin/$Version")*"
    }

    It 'zips the module folder, which imports by path once unpacked' {
        $archive = [IO.Compression.ZipFile]::OpenRead($Zip)
        try {
            ($archive.Entries.FullName | Where-Object { -not $_.StartsWith('NasBurnin/') }) | Should -BeNullOrEmpty
        } finally {
            $archive.Dispose()
        }
        $unzipped = Join-Path $Packager.Home 'unzipped'
        [IO.Compression.ZipFile]::ExtractToDirectory($Zip, $unzipped)
        Get-RelativeFiles (Join-Path $unzipped 'NasBurnin') | Should -Be (Get-RelativeFiles $ModuleDir)
        $r = Invoke-PwshAsUser $Packager "Import-Module '$unzipped/NasBurnin/NasBurnin.psd1'; (Get-Module NasBurnin).Version.ToString(); (Get-BurninStore).SchemaVersion"
        $r.ExitCode | Should -Be 0 -Because $r.Text
        ($r.Out.Trim() -split '\r?\n')[0] | Should -Be $Version
    }
}

Describe 'Two versions side by side' -Skip:$IsWindows {
    BeforeAll {
        $script:Upgrader = New-TestUser 'upgrader'
        $v = [version] $Version
        $script:Newer = '{0}.{1}.0' -f $v.Major, ($v.Minor + 1)
        $install = Invoke-BuildAsUser $Upgrader @('-Task', 'Install', '-NoBuild')
        if ($install.ExitCode -ne 0) { throw "Install failed: $($install.Text)" }
        $script:NewerDir = Add-ModuleVersionCopy $Upgrader.Modules $Newer
    }

    It 'lists both, and Import-Module NasBurnin loads the newest' {
        $list = Invoke-PwshAsUser $Upgrader 'Get-Module NasBurnin -ListAvailable | ForEach-Object { $_.Version.ToString() } | Sort-Object'
        $list.Out.Trim() -split '\r?\n' | Should -Be @($Version, $Newer)

        $r = Invoke-PwshAsUser $Upgrader 'Import-Module NasBurnin; $m = Get-Module NasBurnin; "$($m.Version)|$($m.ModuleBase)"; (Get-BurninStore).SchemaVersion'
        $r.ExitCode | Should -Be 0 -Because $r.Text
        ($r.Out.Trim() -split '\r?\n')[0] | Should -Be "$Newer|$NewerDir"
    }

    It 'opens, in the newer version, a store written by the older one' {
        $old = Invoke-PwshAsUser $Upgrader "Import-Module NasBurnin -RequiredVersion $Version; Set-BurninConfig -BackupKeep 17; (Get-Module NasBurnin).Version.ToString()"
        $old.ExitCode | Should -Be 0 -Because $old.Text
        $old.Out.Trim() | Should -Be $Version

        $new = Invoke-PwshAsUser $Upgrader 'Import-Module NasBurnin; (Get-Module NasBurnin).Version.ToString(); (Get-BurninConfig).BackupKeep; (Get-BurninStore).Path'
        $new.ExitCode | Should -Be 0 -Because $new.Text
        $new.Out.Trim() -split '\r?\n' | Should -Be @($Newer, '17', (Join-Path $Upgrader.Store 'burnin.db'))
    }

    It 'refuses, in a version that does not know it, a store migrated by a later one: clear error naming both schema versions, store untouched' {
        $sqlite3 = Get-Command sqlite3 -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
        if (-not $sqlite3) {
            Write-Host 'Skipped the newer-schema check: the sqlite3 tool is not installed.'
            Set-ItResult -Skipped -Because 'the sqlite3 tool is not installed'
            return
        }
        $db = Join-Path $Upgrader.Store 'burnin.db'
        $known = [int] (Invoke-PwshAsUser $Upgrader "Import-Module NasBurnin -RequiredVersion $Version; (Get-BurninStore).SchemaVersion").Out.Trim()
        # What a later NasBurnin's migrations leave behind: a higher PRAGMA user_version.
        & $sqlite3.Source $db "PRAGMA user_version = $($known + 1);"
        $LASTEXITCODE | Should -Be 0
        $before = (Get-FileHash $db).Hash

        $r = Invoke-PwshAsUser $Upgrader "Import-Module NasBurnin -RequiredVersion $Version; Get-BurninStore"
        $r.ExitCode | Should -Be 1
        $r.Text | Should -BeLike "*schema version $($known + 1), but this NasBurnin understands up to version $known*Update the NasBurnin module*"
        (Get-FileHash $db).Hash | Should -Be $before
        (& $sqlite3.Source $db 'PRAGMA user_version;') | Should -Be ($known + 1)
    }
}
