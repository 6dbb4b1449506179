#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests, documents and packages NasBurnin.
.DESCRIPTION
    Build   : dotnet build -c <Configuration>; assembles out/NasBurnin (manifest, cmdlets, deps, help).
    Test    : the xunit suites (dotnet test), then the Pester suite in a child pwsh when Pester 5 is installed.
    Help    : rebuilds only the MAML and about_ help from docs/help.
    Package : builds, then zips out/NasBurnin into out/NasBurnin-<version>.zip.
.EXAMPLE
    ./build.ps1
.EXAMPLE
    ./build.ps1 -Task Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Help', 'Package')]
    [string[]] $Task = @('Build'),
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release'
)
$ErrorActionPreference = 'Stop'
Set-Location -LiteralPath $PSScriptRoot

function Invoke-Checked([string] $File, [string[]] $Arguments) {
    & $File @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$File $($Arguments -join ' ') failed with exit code $LASTEXITCODE" }
}

foreach ($t in $Task) {
    switch ($t) {
        'Build' {
            Invoke-Checked dotnet @('build', 'NasBurnin.sln', '-c', $Configuration, '--nologo')
        }
        'Help' {
            Invoke-Checked dotnet @('build', 'tools/HelpBuilder/HelpBuilder.csproj', '-c', $Configuration, '--nologo')
            Invoke-Checked dotnet @("tools/HelpBuilder/bin/$Configuration/net8.0/HelpBuilder.dll", 'docs/help', 'out/NasBurnin/en-US', 'NasBurnin.Cmdlets.dll-Help.xml')
        }
        'Test' {
            Invoke-Checked dotnet @('test', 'NasBurnin.sln', '-c', $Configuration, '--nologo')
            if (Get-Module -ListAvailable Pester | Where-Object Version -ge '5.0') {
                # A child process, so the module under test is never loaded into this session.
                Invoke-Checked pwsh @('-NoProfile', '-Command', "Invoke-Pester -Path '$PSScriptRoot/tests/Pester' -CI")
            } else {
                Write-Warning 'Pester 5 is not installed; skipped tests/Pester (Install-Module Pester -MinimumVersion 5.0).'
            }
        }
        'Package' {
            Invoke-Checked dotnet @('build', 'NasBurnin.sln', '-c', $Configuration, '--nologo')
            $version = (Import-PowerShellDataFile out/NasBurnin/NasBurnin.psd1).ModuleVersion
            $zip = "out/NasBurnin-$version.zip"
            Compress-Archive -Path out/NasBurnin -DestinationPath $zip -Force
            Get-Item $zip
        }
    }
}
