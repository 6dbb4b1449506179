#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests, documents, packages and installs NasBurnin.
.DESCRIPTION
    Build     : dotnet build -c <Configuration>; assembles out/NasBurnin (manifest, cmdlets, deps, help).
    Test      : the xunit suites (dotnet test), then the Pester suite in a child pwsh when Pester 5 is installed.
    Help      : rebuilds only the MAML and about_ help from docs/help.
    Package   : writes out/NasBurnin-<version>.zip (the module folder) and out/NasBurnin.<version>.nupkg
                (PowerShell Gallery layout, installable with Install-PSResource from a local repository).
    Install   : copies out/NasBurnin into <module path of -Scope>/NasBurnin/<version>/, replacing only that
                version, so `Import-Module NasBurnin` finds it by name.
                CurrentUser: ~/.local/share/powershell/Modules ($XDG_DATA_HOME/powershell/Modules) on Linux
                and macOS, <Documents>\PowerShell\Modules on Windows. AllUsers: /usr/local/share/powershell/Modules,
                $env:ProgramFiles\PowerShell\Modules (needs root or an elevated session).
    Uninstall : removes <module path of -Scope>/NasBurnin/<version of NasBurnin.psd1>/.
    Package and Install build first unless out/NasBurnin is already current with the sources (or -NoBuild).
.EXAMPLE
    ./build.ps1
.EXAMPLE
    ./build.ps1 -Task Test
.EXAMPLE
    ./build.ps1 -Task Install
    Installs for the current user; then `pwsh -c "Import-Module NasBurnin"` works from any folder.
.EXAMPLE
    sudo pwsh ./build.ps1 -Task Install -Scope AllUsers
    Installs for every account, for scheduled tasks that run as a service user.
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Help', 'Package', 'Install', 'Uninstall')]
    [string[]] $Task = @('Build'),
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',
    # Where Install and Uninstall work: the account's own module path, or the one shared by all accounts.
    [ValidateSet('CurrentUser', 'AllUsers')]
    [string] $Scope = 'CurrentUser',
    # Package and Install use out/NasBurnin as it is, without building (it must exist).
    [switch] $NoBuild
)
$ErrorActionPreference = 'Stop'
Set-Location -LiteralPath $PSScriptRoot
. "$PSScriptRoot/tools/build/Install.ps1"
. "$PSScriptRoot/tools/build/Package.ps1"

$ModuleDir = Join-Path $PSScriptRoot 'out/NasBurnin'
$script:Built = $false

function Invoke-Checked([string] $File, [string[]] $Arguments) {
    & $File @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$File $($Arguments -join ' ') failed with exit code $LASTEXITCODE" }
}

function Invoke-Build {
    Invoke-Checked dotnet @('build', 'NasBurnin.sln', '-c', $Configuration, '--nologo')
    $script:Built = $true
}

# Newest write time among the files the assembled module is made from (bin/ and obj/ excluded).
function Get-NewestSourceTime {
    $newest = [datetime]::MinValue
    $pending = [Collections.Generic.Stack[IO.DirectoryInfo]]::new()
    foreach ($d in 'src', 'tools/HelpBuilder', 'docs/help') { $pending.Push([IO.DirectoryInfo]::new((Join-Path $PSScriptRoot $d))) }
    $files = @('NasBurnin.psd1', 'Directory.Build.props', 'Directory.Packages.props') | ForEach-Object { [IO.FileInfo]::new((Join-Path $PSScriptRoot $_)) }
    while ($pending.Count) {
        $dir = $pending.Pop()
        if (-not $dir.Exists) { continue }
        $files += $dir.GetFiles()
        foreach ($sub in $dir.GetDirectories()) { if ($sub.Name -notin 'bin', 'obj') { $pending.Push($sub) } }
    }
    foreach ($f in $files) { if ($f.Exists -and $f.LastWriteTimeUtc -gt $newest) { $newest = $f.LastWriteTimeUtc } }
    $newest
}

# out/NasBurnin is current when it was assembled from this configuration's build (the cmdlet assembly is
# the one in bin/<Configuration>) after the last change to any source (the help is regenerated on every assembly).
function Test-ModuleCurrent {
    $help = [IO.FileInfo]::new((Join-Path $ModuleDir 'en-US/NasBurnin.Cmdlets.dll-Help.xml'))
    $dll = [IO.FileInfo]::new((Join-Path $ModuleDir 'NasBurnin.Cmdlets.dll'))
    $built = [IO.FileInfo]::new((Join-Path $PSScriptRoot "src/NasBurnin.Cmdlets/bin/$Configuration/net8.0/NasBurnin.Cmdlets.dll"))
    $manifest = Join-Path $ModuleDir 'NasBurnin.psd1'
    if (-not ($help.Exists -and $dll.Exists -and $built.Exists -and (Test-Path $manifest))) { return $false }
    if ($dll.Length -ne $built.Length -or $dll.LastWriteTimeUtc -ne $built.LastWriteTimeUtc) { return $false }
    if ((Get-Content -Raw $manifest) -cne (Get-Content -Raw (Join-Path $PSScriptRoot 'NasBurnin.psd1'))) { return $false }
    (Get-NewestSourceTime) -le $help.LastWriteTimeUtc
}

# Package and Install work on out/NasBurnin: build it unless this run already did, it is current, or -NoBuild.
function Initialize-Module {
    if ($script:Built) { return }
    if ($NoBuild) {
        if (-not (Test-Path (Join-Path $ModuleDir 'NasBurnin.psd1'))) {
            throw "out/NasBurnin is not assembled yet: run 'dotnet build -c Release' (or ./build.ps1) first, or leave out -NoBuild."
        }
        return
    }
    if (Test-ModuleCurrent) {
        Write-Host "out/NasBurnin is current with the sources ($Configuration); not rebuilding."
        return
    }
    Invoke-Build
}

# A failed task ends the script with its message alone (no script line context), as a terminating error.
$t = $null
try {
    foreach ($t in $Task) {
        switch ($t) {
            'Build' {
                Invoke-Build
            }
            'Help' {
                Invoke-Checked dotnet @('build', 'tools/HelpBuilder/HelpBuilder.csproj', '-c', $Configuration, '--nologo')
                Invoke-Checked dotnet @("tools/HelpBuilder/bin/$Configuration/net8.0/HelpBuilder.dll", 'docs/help', 'out/NasBurnin/en-US', 'NasBurnin.Cmdlets.dll-Help.xml')
            }
            'Test' {
                Invoke-Checked dotnet @('test', 'NasBurnin.sln', '-c', $Configuration, '--nologo')
                $script:Built = $true
                if (Get-Module -ListAvailable Pester | Where-Object Version -ge '5.0') {
                    # A child process of this same pwsh, so the module under test is never loaded into this session.
                    Invoke-Checked ([Environment]::ProcessPath) @('-NoProfile', '-Command', "Invoke-Pester -Path '$PSScriptRoot/tests/Pester' -CI")
                } else {
                    Write-Warning 'Pester 5 is not installed; skipped tests/Pester (Install-Module Pester -MinimumVersion 5.0).'
                }
            }
            'Package' {
                Initialize-Module
                $version = (Import-PowerShellDataFile (Join-Path $ModuleDir 'NasBurnin.psd1')).ModuleVersion
                New-ModuleZip $ModuleDir (Join-Path $PSScriptRoot "out/NasBurnin-$version.zip")
                New-ModuleNupkg $ModuleDir (Join-Path $PSScriptRoot 'out')
            }
            'Install' {
                Initialize-Module
                Install-ModuleFolder $ModuleDir $Scope
            }
            'Uninstall' {
                Uninstall-ModuleVersion 'NasBurnin' (Import-PowerShellDataFile (Join-Path $PSScriptRoot 'NasBurnin.psd1')).ModuleVersion $Scope
            }
        }
    }
} catch {
    Write-Verbose "$t failed at: $($_.ScriptStackTrace)"
    $PSCmdlet.ThrowTerminatingError([Management.Automation.ErrorRecord]::new($_.Exception, "${t}Failed", 'NotSpecified', $t))
}
