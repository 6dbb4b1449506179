#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# Hardening scenarios for pwsh users (issue 11): a store that admits damage, an empty store file
# refused, settings changes audited, password and work-folder rules.
#   Invoke-Pester ./tests/Pester/Hardening.Tests.ps1 -Output Detailed
# The xunit suite runs the same scenarios plus the ones that need root and the sandbox NAS (a runner
# killed in each state, a second writer refused on the host, host settings gated behind an admin):
# tests/NasBurnin.Tests/BurninHardeningTests.cs, StoreDamageTests.cs, HostGateTests.cs.

BeforeDiscovery {
    # -Skip is decided at discovery, before BeforeAll runs.
    $script:HaveSqlite3 = [bool](Get-Command sqlite3 -ErrorAction SilentlyContinue)
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $script:Manifest = Join-Path $PSScriptRoot '../../out/NasBurnin/NasBurnin.psd1' | Resolve-Path
    Import-Module $script:Manifest -Force -ErrorAction Stop

    function script:SS([string] $Text) { ConvertTo-SecureString $Text -AsPlainText -Force }

    # One leaf page of a table overwritten with random bytes, the way a bad sector would.
    function script:Set-DamagedPage([string] $Db, [string] $Table, [int] $Nth = 0) {
        sqlite3 $Db 'PRAGMA wal_checkpoint(TRUNCATE);' | Out-Null
        $size = [long](sqlite3 $Db 'PRAGMA page_size;')
        $page = [long](sqlite3 $Db "SELECT pageno FROM dbstat WHERE name = '$Table' AND pagetype = 'leaf' ORDER BY pageno LIMIT 1 OFFSET $Nth;")
        $bytes = [byte[]]::new($size)
        [System.Security.Cryptography.RandomNumberGenerator]::Fill($bytes)
        $f = [IO.File]::Open($Db, 'Open', 'Write', 'ReadWrite')
        try { $f.Position = ($page - 1) * $size; $f.Write($bytes, 0, $bytes.Length); $f.Flush($true) } finally { $f.Dispose() }
    }
}

AfterAll {
    Remove-Module NasBurnin -ErrorAction SilentlyContinue
}

Describe 'A damaged store' {
    BeforeEach { $script:Dir = New-TestStore; $script:Db = Join-Path $script:Dir 'burnin.db' }
    AfterEach { Remove-Item -Recurse -Force $script:Dir -ErrorAction SilentlyContinue }

    It 'fails the StoreIntact check, takes no writes, names the good backup, and is whole again after a restore' -Skip:(-not $script:HaveSqlite3) {
        sqlite3 $script:Db "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000) INSERT INTO audit_events(occurred_at, type, operator, source, detail) SELECT 'x', 'filler', 't', 't', hex(randomblob(40)) FROM n;"
        $backup = (Backup-BurninStore).Path
        $before = (Get-FileHash $backup).Hash
        ((Test-BurninHealth -TimeoutSeconds 1).Checks | Where-Object Check -eq 'StoreIntact').Healthy | Should -BeTrue

        Set-DamagedPage -Db $script:Db -Table 'audit_events' -Nth 20

        $row = (Test-BurninHealth -TimeoutSeconds 1).Checks | Where-Object Check -eq 'StoreIntact'
        $row.Healthy | Should -BeFalse
        $row.Detail | Should -Match 'quick_check'
        Test-Path "$($script:Db).damaged" | Should -BeTrue

        $e = { Set-BurninConfig -BackupKeep 9 -ErrorAction Stop } | Should -Throw -PassThru
        $e.FullyQualifiedErrorId | Should -BeLike 'StoreCorrupt,*'
        $e.Exception.Message | Should -BeLike '*Restore-BurninStore*'
        $e.Exception.Message | Should -BeLike "*$backup*"
        (Get-BurninConfig).BackupKeep | Should -Be 14   # reads go on

        $r = Invoke-BurninRetention -ErrorAction SilentlyContinue -ErrorVariable errs
        @($errs | Where-Object FullyQualifiedErrorId -like 'StoreCorrupt,*').Count | Should -BeGreaterThan 0
        (Get-FileHash $backup).Hash | Should -Be $before   # today's good backup was not replaced

        Restore-BurninStore -Path $backup -Confirm:$false | Out-Null
        Set-BurninConfig -BackupKeep 9
        (Get-BurninConfig).BackupKeep | Should -Be 9
    }
}

Describe 'An empty store file' {
    It 'is refused with StoreEmpty and left as it is' {
        $dir = Join-Path ([IO.Path]::GetTempPath()) ("nasburnin-pester-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
        New-Item -ItemType Directory -Path $dir | Out-Null
        try {
            $db = Join-Path $dir 'burnin.db'
            New-Item -ItemType File -Path $db | Out-Null
            $e = { Use-BurninStore -Path $db } | Should -Throw -PassThru
            $e.FullyQualifiedErrorId | Should -BeLike 'StoreEmpty,*'
            (Get-Item $db).Length | Should -Be 0
        }
        finally { Remove-Item -Recurse -Force $dir -ErrorAction SilentlyContinue }
    }
}

Describe 'Settings changes' {
    BeforeEach { $script:Dir = New-TestStore }
    AfterEach { Remove-Item -Recurse -Force $script:Dir -ErrorAction SilentlyContinue }

    It 'are audited as config_changed with the values before and after' {
        Set-BurninConfig -LogRetentionDays 20
        Set-BurninConfig -LogRetentionDays 21 -WhatIf
        $events = @(Get-BurninAuditEvent -Type config_changed)
        $events.Count | Should -Be 1
        $events[0].Detail | Should -Be 'LogRetentionDays: 35 -> 20'
    }

    It 'accept the same work folders as the host cmdlets' {
        Set-BurninConfig -HostWorkDir '/var/tmp/nb+burnin'
        (Get-BurninConfig).HostWorkDir | Should -Be '/var/tmp/nb+burnin'
        { Set-BurninConfig -HostWorkDir '/var/tmp/nb burnin' } | Should -Throw -ErrorId 'InvalidSettingValue*'
    }
}

Describe 'Passwords' {
    BeforeEach { $script:Dir = New-TestStore }
    AfterEach { Remove-Item -Recurse -Force $script:Dir -ErrorAction SilentlyContinue }

    It 'may not be the user name' {
        { New-BurninUser -UserName Administrator -Admin -Password (SS 'administrator') -Confirm:$false } | Should -Throw -ErrorId 'PasswordIsUserName*'
        Get-BurninUser | Should -BeNullOrEmpty
    }
}

Describe 'The help of the start cmdlets' {
    It 'says that -WhatIf does not audit refusals (<_>)' -ForEach 'Start-BurninRun', 'Start-BurninStage' {
        (Get-Help $_ -Parameter WhatIf).Description.Text -join ' ' | Should -Match 'not audited'
    }
}
