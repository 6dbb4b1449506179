#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# Maintenance scenarios for pwsh users: retention, backup and restore, health.
#   Invoke-Pester ./tests/Pester/Maintenance.Tests.ps1 -Output Detailed
# The xunit suite (tests/NasBurnin.Tests/Maintenance*.cs) runs the same scenarios plus the ones
# that need root (a full loop-device disk, sshd, a read-only bind mount).

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $script:Manifest = Join-Path $PSScriptRoot '../../out/NasBurnin/NasBurnin.psd1' | Resolve-Path
    Import-Module $script:Manifest -Force -ErrorAction Stop
    # The tests that age rows or read a backup use the sqlite3 tool.
    $script:NoSqlite3 = if (-not (Get-Command sqlite3 -ErrorAction SilentlyContinue)) { 'it needs the sqlite3 tool (apt-get install sqlite3)' }

    function script:Add-Stages([string] $Db, [int] $Count, [int] $LogBytes, [double] $DaysAgo) {
        $when = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-$DaysAgo days')"
        $sql = @"
INSERT OR IGNORE INTO drives(id, identity, serial, first_seen_at, last_seen_at) VALUES (1, 'M|GEN1|W', 'GEN1', 't', 't');
INSERT INTO burnin_runs(drive_id, host_name, device_path, profile, state, operator, created_at) VALUES (1, 'nas1', '/dev/sdb', 'Full', 'Finished', 'gen', $when);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $Count)
INSERT INTO burnin_stages(run_id, ordinal, stage, state, log_text, operator, started_at, finished_at)
SELECT (SELECT max(id) FROM burnin_runs), i, 'badblocks', 'Passed', substr(hex(randomblob($([int](($LogBytes + 1) / 2)))), 1, $LogBytes), 'gen', $when, $when FROM n;
"@
        sqlite3 -cmd '.timeout 60000' $Db $sql
    }
}

AfterAll {
    Remove-Module NasBurnin -ErrorAction SilentlyContinue
}

Describe 'Invoke-BurninRetention' {
    BeforeEach { $script:Dir = New-TestStore; $script:Db = Join-Path $script:Dir 'burnin.db' }
    AfterEach { Remove-Item -Recurse -Force $script:Dir -ErrorAction SilentlyContinue }

    It 'prunes old logs, vacuums and writes a backup that sqlite3 accepts' {
        Skip-Because $script:NoSqlite3
        Add-Stages -Db $script:Db -Count 5 -LogBytes 200000 -DaysAgo 40
        Add-Stages -Db $script:Db -Count 3 -LogBytes 200000 -DaysAgo 1
        $r = Invoke-BurninRetention -BackupKeep 3
        $r.PrunedRows | Should -Be 5
        $r.Vacuumed | Should -BeTrue
        $r.Succeeded | Should -BeTrue
        $r.BytesAfter | Should -BeLessThan $r.BytesBefore
        $r.BackupFile | Should -Match 'burnin-\d{4}-\d{2}-\d{2}\.db$'
        sqlite3 $r.BackupFile 'PRAGMA integrity_check;' | Should -Be 'ok'
        (Get-BurninAuditEvent -Type retention_run).Count | Should -Be 1
    }

    It 'lets another process commit between the steps that return free space' {
        Skip-Because $script:NoSqlite3
        Add-Stages -Db $script:Db -Count 20 -LogBytes 100000 -DaysAgo 60
        # After each step, a commit with no busy timeout at all: it fails at once if the lock were still held.
        $out = Invoke-BurninRetention -NoBackup -Verbose 4>&1 | ForEach-Object {
            if ($_ -is [System.Management.Automation.VerboseRecord]) {
                if ($_.Message -like 'Returned *') {
                    sqlite3 -cmd '.timeout 0' $script:Db "UPDATE burnin_stages SET summary = coalesce(summary, '') || 'w' WHERE id = 1;" 2>&1 | Out-Null
                    "writer exit $LASTEXITCODE"
                }
            } else { $_ }
        }
        $r = $out | Where-Object { $_ -isnot [string] }
        $r.Vacuum | Should -Be 'Incremental'
        $r.VacuumTransactions | Should -BeGreaterThan 1
        @($out | Where-Object { $_ -is [string] }) | Should -Be (@('writer exit 0') * $r.VacuumTransactions)
        sqlite3 $script:Db 'SELECT length(summary) FROM burnin_stages WHERE id = 1; PRAGMA freelist_count;' | Should -Be @("$($r.VacuumTransactions)", '0')
    }

    It 'compacts with one full VACUUM with -Full' {
        Skip-Because $script:NoSqlite3
        Add-Stages -Db $script:Db -Count 3 -LogBytes 100000 -DaysAgo 60
        $r = Invoke-BurninRetention -Full -NoBackup
        $r.Vacuum | Should -Be 'Full'
        $r.BytesAfter | Should -BeLessThan ($r.BytesBefore - 250000)
    }

    It 'keeps exactly the newest K daily backups and leaves other files alone' {
        $folder = Join-Path $script:Dir 'nightly'
        New-Item -ItemType Directory -Path $folder | Out-Null
        '2020-01-01', '2020-01-02', '2020-01-03', '2020-01-04' | ForEach-Object { Set-Content (Join-Path $folder "burnin-$_.db") $_ }
        Set-Content (Join-Path $folder 'README.txt') 'mine'
        $r = Invoke-BurninRetention -BackupKeep 2 -BackupPath $folder
        $r.BackupsRemoved.Count | Should -Be 3
        (Get-BurninBackup -Path $folder).Count | Should -Be 2
        Join-Path $folder 'README.txt' | Should -Exist
    }

    It 'changes nothing with -WhatIf' {
        Skip-Because $script:NoSqlite3
        Add-Stages -Db $script:Db -Count 2 -LogBytes 1000 -DaysAgo 90
        Invoke-BurninRetention -WhatIf | Should -BeNullOrEmpty
        sqlite3 $script:Db 'SELECT count(*) FROM burnin_stages WHERE log_text IS NOT NULL;' | Should -Be '2'
        Join-Path $script:Dir 'backups' | Should -Not -Exist
    }

    It 'fails with an error record when the backup folder cannot be created' {
        $blocker = Join-Path $script:Dir 'blocker'
        Set-Content $blocker 'a file'
        { Invoke-BurninRetention -BackupPath (Join-Path $blocker 'backups') -ErrorAction Stop } |
            Should -Throw -ErrorId 'BackupFolderNotWritable,NasBurnin.Maintenance.InvokeBurninRetentionCommand'
    }

    It 'exits 1 under pwsh -NonInteractive -Command when a step fails (as the last command)' {
        $blocker = Join-Path $script:Dir 'blocker'
        Set-Content $blocker 'a file'
        $cmd = "Import-Module '$script:Manifest'; Use-BurninStore -Path '$script:Db'; Invoke-BurninRetention -BackupPath '$blocker/backups'"
        Invoke-PwshTask $cmd | Out-Null
        $LASTEXITCODE | Should -Be 1
    }
}

Describe 'Backup-BurninStore and Restore-BurninStore' {
    BeforeEach { $script:Dir = New-TestStore; $script:Db = Join-Path $script:Dir 'burnin.db' }
    AfterEach { Remove-Item -Recurse -Force $script:Dir -ErrorAction SilentlyContinue }

    It 'round-trips a backup and keeps the replaced store' {
        Set-BurninConfig -BackupKeep 5
        $b = Backup-BurninStore -Path (Join-Path $script:Dir 'b.db')
        Set-BurninConfig -BackupKeep 9
        $r = $b | Restore-BurninStore -Confirm:$false
        (Get-BurninConfig).BackupKeep | Should -Be 5
        $r.ReplacedPath | Should -Exist
        (Get-BurninAuditEvent -Type store_restored).Count | Should -Be 1
    }

    It 'refuses a file that is not SQLite before replacing anything' {
        Set-BurninConfig -BackupKeep 7
        $notes = Join-Path $script:Dir 'notes.db'
        Set-Content $notes 'not a database, just some notes that are long enough'
        { Restore-BurninStore -Path $notes -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'BackupNotSqlite,NasBurnin.Maintenance.RestoreBurninStoreCommand'
        (Get-BurninConfig).BackupKeep | Should -Be 7
        Get-ChildItem $script:Dir -Filter 'burnin.db.replaced-*' | Should -BeNullOrEmpty
    }

    It 'refuses to overwrite a named backup without -Force' {
        $target = Join-Path $script:Dir 'manual.db'
        Backup-BurninStore -Path $target | Out-Null
        { Backup-BurninStore -Path $target -ErrorAction Stop } |
            Should -Throw -ErrorId 'BackupTargetExists,NasBurnin.Maintenance.BackupBurninStoreCommand'
        { Backup-BurninStore -Path $target -Force -ErrorAction Stop } | Should -Not -Throw
    }
}

Describe 'Test-BurninHealth' {
    BeforeEach { $script:Dir = New-TestStore; $script:Db = Join-Path $script:Dir 'burnin.db' }
    AfterEach { Remove-Item -Recurse -Force $script:Dir -ErrorAction SilentlyContinue }

    It 'reports rows, not errors, and -Quiet is a boolean' {
        $h = Test-BurninHealth -TimeoutSeconds 1
        ($h.Checks | Where-Object Check -eq 'StoreWritable').Healthy | Should -BeTrue
        # No hosts registered: unhealthy on purpose (nothing is being watched).
        ($h.Checks | Where-Object Check -eq 'InventoryFresh').Healthy | Should -BeFalse
        $h.Healthy | Should -BeFalse
        Test-BurninHealth -Quiet | Should -BeOfType [bool]
    }

    It 'calls a sync older than three poll intervals stale' {
        Skip-Because $script:NoSqlite3
        Set-BurninConfig -PollIntervalMinutes 10
        sqlite3 $script:Db "INSERT INTO hosts(name, address, port, created_at, last_success_at) VALUES ('nas1', '127.0.0.1', 1, 't', strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-31 minutes'));"
        $row = (Test-BurninHealth -TimeoutSeconds 1).Checks | Where-Object Check -eq 'InventoryFresh'
        $row.Healthy | Should -BeFalse
        $row.Detail | Should -Match 'nas1 last synced 31 min ago'
    }
}
