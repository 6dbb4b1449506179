#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# Pester 5 suite for people with pwsh and Pester. Run after building:
#   Invoke-Pester ./tests/Pester -Output Detailed
# It imports the assembled module from out/NasBurnin, like a user does.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $script:Manifest = Join-Path $PSScriptRoot '../../out/NasBurnin/NasBurnin.psd1' | Resolve-Path
    Import-Module $script:Manifest -Force -ErrorAction Stop
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) ("nasburnin-pester-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
    New-Item -ItemType Directory -Path $script:Work | Out-Null
    Use-BurninStore -Path (Join-Path $script:Work 'burnin.db')
}

AfterAll {
    Remove-Module NasBurnin -ErrorAction SilentlyContinue
    Remove-Item -Recurse -Force $script:Work -ErrorAction SilentlyContinue
}

Describe 'Module import' {
    It 'exports exactly the cmdlets in the manifest' {
        $manifest = Import-PowerShellDataFile $script:Manifest
        $exported = (Get-Module NasBurnin).ExportedCmdlets.Keys | Sort-Object
        $exported | Should -Be ($manifest.CmdletsToExport | Sort-Object)
    }

    It 'passes Test-ModuleManifest' {
        { Test-ModuleManifest -Path $script:Manifest -ErrorAction Stop } | Should -Not -Throw
    }

    It 'opens a store with SQLite resolved by the module itself' {
        $store = Get-BurninStore
        $store.SchemaVersion | Should -BeGreaterOrEqual 1
        $store.JournalMode | Should -Be 'wal'
    }
}

Describe 'Configuration' {
    It 'reports defaults' {
        $c = Get-BurninConfig
        $c.LogRetentionDays | Should -BeGreaterThan 0
        $c.HostWorkDir | Should -Match '^/'
    }

    It 'round-trips a setting' {
        Set-BurninConfig -BackupKeep 21
        (Get-BurninConfig).BackupKeep | Should -Be 21
    }

    It 'refuses an out-of-range value naming the setting and the range' {
        { Set-BurninConfig -TemperatureLimitC 200 -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidSettingValue,NasBurnin.Store.SetBurninConfigCommand' -ExpectedMessage '*TemperatureLimitC*30 to 80*'
    }

    It 'changes nothing with -WhatIf' {
        $before = (Get-BurninConfig).BackupKeep
        Set-BurninConfig -BackupKeep 2 -WhatIf
        (Get-BurninConfig).BackupKeep | Should -Be $before
    }
}

Describe 'Store safety' {
    It 'refuses a file that is not SQLite and leaves it untouched' {
        $file = Join-Path $script:Work 'notes.txt'
        Set-Content -Path $file -Value 'not a database'
        { Use-BurninStore -Path $file -ErrorAction Stop } | Should -Throw -ErrorId 'StoreNotSqlite,NasBurnin.Store.UseBurninStoreCommand'
        Get-Content $file | Should -Be 'not a database'
        Use-BurninStore -Path (Join-Path $script:Work 'burnin.db')
    }

    It 'creates the store file with mode 0600 in a 0700 folder' {
        Skip-Because $(if ($IsWindows) { 'Unix file modes do not apply on Windows' })
        $path = Join-Path $script:Work 'modes/burnin.db'
        Use-BurninStore -Path $path
        # Compare the flags, not their text: UnixFileMode's ToString() order is not the same on every .NET.
        (Get-Item $path).UnixFileMode | Should -Be ([IO.UnixFileMode]'UserRead, UserWrite')
        (Get-Item (Split-Path $path)).UnixFileMode | Should -Be ([IO.UnixFileMode]'UserRead, UserWrite, UserExecute')
        Use-BurninStore -Path (Join-Path $script:Work 'burnin.db')
    }
}

Describe 'Help' {
    $cmdlets = (Get-Command -Module NasBurnin -CommandType Cmdlet).Name
    It '<_> has synopsis, description, examples and parameter help' -ForEach $cmdlets {
        $help = Get-Help $_ -Full
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -BeLike "$_ *"
        ($help.description.Text -join '') | Should -Not -BeNullOrEmpty
        @($help.examples.example).Count | Should -BeGreaterOrEqual 1
        $common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
        foreach ($p in (Get-Command $_).Parameters.Keys | Where-Object { $_ -notin $common }) {
            ((Get-Help $_ -Parameter $p).description.Text -join '') | Should -Not -BeNullOrEmpty -Because "-$p needs help"
        }
    }
}
