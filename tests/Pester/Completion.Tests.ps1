#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# Tab completion from the store (issue 13), through the real pwsh's TabExpansion2: host names, serials
# (with model, size, role and health), drives a destructive stage may take, run ids, user names and audit
# types. The hosts are registered on unreachable addresses: completion never contacts a host.
#   Invoke-Pester ./tests/Pester/Completion.Tests.ps1 -Output Detailed

BeforeDiscovery {
    $script:HaveSqlite3 = [bool](Get-Command sqlite3 -ErrorAction SilentlyContinue)
}

BeforeAll {
    $script:Manifest = Join-Path $PSScriptRoot '../../out/NasBurnin/NasBurnin.psd1' | Resolve-Path
    Import-Module $script:Manifest -Force -ErrorAction Stop
    $script:Dir = Join-Path ([IO.Path]::GetTempPath()) ("nasburnin-pester-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
    New-Item -ItemType Directory -Path $script:Dir | Out-Null
    $script:Db = Join-Path $script:Dir 'burnin.db'
    Use-BurninStore -Path $script:Db
    Get-BurninConfig | Out-Null
    if (Get-Command sqlite3 -ErrorAction SilentlyContinue) {
        $t = "'2026-01-01T00:00:00.000Z'"
        sqlite3 $script:Db @"
INSERT INTO hosts(id, name, address, port, user_name, created_at) VALUES (1, 'nas01', '192.0.2.1', 22, 'root', $t), (2, 'nas02', '192.0.2.2', 2222, 'admin', $t), (3, 'backup1', '192.0.2.3', 22, 'root', $t);
INSERT INTO drives(id, host_id, host_name, identity, model, serial, device_path, role, health, capacity_bytes, transport, first_seen_at, last_seen_at) VALUES
 (1, 1, 'nas01', 's1', 'WDC WD40EFRX', 'WD-FREE1', '/dev/sdb', 'Free', 'Passed', 4000787030016, 'Sata', $t, $t),
 (2, 1, 'nas01', 's2', 'ST8000VN004', 'ZA-MOUNTED', '/dev/sdc', 'Mounted', 'Passed', 8001563222016, 'Sata', $t, $t),
 (3, 2, 'nas02', 's3', 'ST4000', 'ZB-STALE', '/dev/sdd', 'Stale', 'Warning', 4000787030016, 'Sata', $t, $t),
 (4, 2, 'nas02', 's4', 'Samsung 980', 'S-SYSTEM', '/dev/nvme0n1', 'System', 'Passed', 1000204886016, 'Nvme', $t, $t);
INSERT INTO drive_unlocks(drive_id, serial, role, operator, created_at, expires_at) VALUES (3, 'ZB-STALE', 'Stale', 'bob', $t, strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+1 hours'));
INSERT INTO burnin_runs(id, drive_id, host_id, host_name, device_path, serial, profile, state, result, operator, created_at) VALUES
 (7, 1, 1, 'nas01', '/dev/sdb', 'WD-FREE1', 'Quick', 'Finished', 'Pass', 'alice', $t),
 (12, 3, 2, 'nas02', '/dev/sdd', 'ZB-STALE', 'Standard', 'Finished', 'Fail', 'alice', $t);
INSERT INTO audit_events(occurred_at, type, operator, source, serial) VALUES ($t, 'run_started', 'alice', 'local:seed', 'WD-FREE1'), ($t, 'mounted_drive_unlocked', 'bob', 'local:seed', 'ZB-STALE');
"@
    }

    function script:Complete([string] $Line) {
        (TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches
    }
}

AfterAll {
    Remove-Module NasBurnin -ErrorAction SilentlyContinue
    if ($script:Dir) { Remove-Item -Recurse -Force $script:Dir -ErrorAction SilentlyContinue }
}

Describe 'Tab completion from the store' -Skip:(-not $script:HaveSqlite3) {
    It 'completes -HostName of <_> with the registered hosts' -ForEach 'Get-BurninHost', 'Get-BurninDrive', 'Sync-BurninInventory', 'Test-BurninHost', 'Get-BurninRun', 'Set-BurninHost', 'Remove-BurninHost', 'Disconnect-BurninHost', 'Connect-BurninHost' {
        $m = Complete "$_ -HostName nas"
        $m.CompletionText | Should -Be @('nas01', 'nas02')
        ($m | Where-Object CompletionText -eq 'nas02').ToolTip | Should -Match 'admin@nas02:2222'
    }

    It 'completes -Serial of <_> with model, size, role and health in the tooltip' -ForEach 'Get-BurninDrive', 'Get-BurninRun', 'Get-BurninAuditEvent' {
        $m = Complete "$_ -Serial Z"
        $m.CompletionText | Should -Be @('ZA-MOUNTED', 'ZB-STALE')
        ($m | Where-Object CompletionText -eq 'ZA-MOUNTED').ToolTip | Should -Match 'ST8000VN004, 8 TB, Mounted, Passed'
    }

    It 'offers <Command> only the drives a destructive stage may take' -ForEach @(
        @{ Command = 'Start-BurninRun -Drive '; Serials = @('WD-FREE1', 'ZB-STALE') }
        @{ Command = 'Start-BurninRun -Profile Full -Drive '; Serials = @('WD-FREE1', 'ZB-STALE') }
        @{ Command = 'Start-BurninRun -Profile Quick -Drive '; Serials = @('S-SYSTEM', 'WD-FREE1', 'ZA-MOUNTED', 'ZB-STALE') }
        @{ Command = 'Start-BurninStage SurfaceValidate -Drive '; Serials = @('WD-FREE1', 'ZB-STALE') }
        @{ Command = 'Start-BurninStage SmartShort -Drive '; Serials = @('S-SYSTEM', 'WD-FREE1', 'ZA-MOUNTED', 'ZB-STALE') }
    ) {
        $m = Complete $Command
        $m.ListItemText | Sort-Object | Should -Be $Serials
        $free = $m | Where-Object ListItemText -eq 'WD-FREE1'
        $free.CompletionText | Should -Be "(Get-BurninDrive -Offline -HostName 'nas01' -Serial 'WD-FREE1')"
        # The inserted text is a working expression that finds the drive in the store.
        (Invoke-Expression $free.CompletionText).Serial | Should -Be 'WD-FREE1'
    }

    It 'completes -RunId of <_> with device, profile and state' -ForEach 'Get-BurninRun', 'Get-BurninStage', 'Stop-BurninRun', 'Wait-BurninRun', 'Export-BurninReport' {
        $m = Complete "$_ -RunId "
        $m.CompletionText | Should -Be @('12', '7')
        $m[0].ToolTip | Should -Match '/dev/sdd on nas02 \(ZB-STALE\), Standard, Finished Fail'
    }

    It 'completes -UserName and audit -Type' {
        New-BurninUser -UserName alice -Admin -Password (ConvertTo-SecureString 'Alice-Pw-1234' -AsPlainText -Force) -Confirm:$false | Out-Null
        (Complete 'Get-BurninUser -UserName al').CompletionText | Should -Be 'alice'
        (Complete 'Remove-BurninUser -UserName a').CompletionText | Should -Be 'alice'
        (Complete 'Get-BurninAuditEvent -Type run').CompletionText | Should -Be 'run_started'
        (Complete 'Get-BurninAuditEvent -Type ').CompletionText | Should -Contain 'mounted_drive_unlocked'
    }
}
