#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# Live-NAS correctness (issue 12) as a pwsh user meets it, on the sandbox NAS started with
# --hold-power-on-hours (every self-test of one kind then ends within one power-on hour, as on a real drive):
# self-tests seen to end on every transport, sleeping disks left asleep, unknown health shown as Unknown, and
# the health rules. Needs Linux and root (the sandbox creates loop devices); it skips otherwise.
#   sudo pwsh -c "Invoke-Pester ./tests/Pester/LiveNas.Tests.ps1 -Output Detailed"
# The same scenarios in more detail run in xunit: tests/NasBurnin.Tests/LiveNasTests.cs.

BeforeAll {
    $script:CanRun = $IsLinux -and ((id -u) -eq 0) -and (Test-Path /usr/sbin/sshd) -and (Test-Path /usr/sbin/badblocks)
    $script:Why = 'the sandbox NAS needs Linux, root, OpenSSH''s sshd and badblocks'
    $script:Root = Resolve-Path (Join-Path $PSScriptRoot '../..')
    Import-Module (Join-Path $script:Root 'out/NasBurnin/NasBurnin.psd1') -Force -ErrorAction Stop
    $script:State = Join-Path ([IO.Path]::GetTempPath()) ('nb-pester-livenas-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
    if ($script:CanRun) {
        bash (Join-Path $script:Root 'tests/testnas/start.sh') $script:State --hold-power-on-hours | Out-Null
        if ($LASTEXITCODE -ne 0) { throw "The sandbox NAS did not start (exit code $LASTEXITCODE)." }
        $script:Nas = Get-Content (Join-Path $script:State 'testnas.json') -Raw | ConvertFrom-Json
        Use-BurninStore -Path (Join-Path $script:State 'burnin.db')
        Connect-BurninHost -HostName 127.0.0.1 -Port $script:Nas.port -UserName root -KeyFilePath $script:Nas.clientKeyPath `
            -HostKeyFingerprint $script:Nas.hostKeyFingerprint -IncludeLoopDevices -WorkDir $script:Nas.workDir | Out-Null
        Set-BurninConfig -RunnerPollSeconds 1
    }

    # This sandbox's drive with that serial (another sandbox on the machine has drives with the same serials).
    function script:Get-SandboxDrive([object[]] $Drives, [string] $Serial) {
        $device = ($script:Nas.drives | Where-Object serial -EQ $Serial).device
        $Drives | Where-Object { $_.Serial -eq $Serial -and $_.Device -eq $device }
    }
    # A per-drive state file of the sandbox's smartctl shim.
    function script:Get-StateFile([string] $Serial, [string] $Name) {
        Join-Path ($script:Nas.drives | Where-Object serial -EQ $Serial).stateDir $Name
    }
    function script:Get-Wakeups([string] $Serial) {
        $f = Get-StateFile $Serial 'wakeups'
        if (Test-Path $f) { [int](Get-Content $f) } else { 0 }
    }
}

AfterAll {
    if ($script:CanRun) { bash (Join-Path $script:Root 'tests/testnas/stop.sh') $script:State | Out-Null }
}

Describe 'Self-tests on a live NAS' {
    It 'sees three back-to-back short tests end and pass on SATA, NVMe and SAS within one power-on hour' {
        if (-not $script:CanRun) { Set-ItResult -Skipped -Because $script:Why; return }
        $serials = 'NBT0007', 'NBT0005', 'NBT0008'
        # Over before the runner first looks: only a change of the whole self-test log tells they ended.
        foreach ($s in $serials) { Set-Content (Get-StateFile $s 'selftest_seconds') '0' }
        try {
            $drives = Get-BurninDrive -WarningAction SilentlyContinue
            $runs = $serials | ForEach-Object { Get-SandboxDrive $drives $_ } |
                Start-BurninRun -Stage SmartShort, SmartShort, SmartShort -Confirm:$false
            $done = $runs | Wait-BurninRun -PollSeconds 1 -Timeout '00:04:00'
            $done | Should -HaveCount 3
            $done | ForEach-Object { $_.Result | Should -Be 'Pass' -Because ($_.Reasons -join '; ') }
        }
        finally { foreach ($s in $serials) { Remove-Item (Get-StateFile $s 'selftest_seconds') -ErrorAction SilentlyContinue } }
    }
}

Describe 'Sleeping disks' {
    It 'stay asleep over repeated syncs, keep their last SMART values, and wake once with -WakeDrives' {
        if (-not $script:CanRun) { Set-ItResult -Skipped -Because $script:Why; return }
        $awake = Get-SandboxDrive (Get-BurninDrive -Serial NBT0007 -WarningAction SilentlyContinue) NBT0007
        $awake.PowerMode | Should -Be 'Active'
        New-Item -ItemType File (Get-StateFile NBT0007 'standby') -Force | Out-Null
        try {
            1..2 | ForEach-Object { (Sync-BurninInventory).Succeeded | Should -BeTrue }
            Get-Wakeups NBT0007 | Should -Be 0
            $asleep = Get-SandboxDrive (Get-BurninDrive -Serial NBT0007 -WarningAction SilentlyContinue) NBT0007
            $asleep.PowerMode | Should -Be 'Standby'
            $asleep.SmartHealth | Should -Be $awake.SmartHealth
            $asleep.Role | Should -Be 'Free'
            $asleep.TemperatureC | Should -Be $awake.TemperatureC
            $asleep.SmartReadAt | Should -BeLessThan $asleep.LastSeenAt
            Get-Wakeups NBT0007 | Should -Be 0

            $woken = Get-SandboxDrive (Get-BurninDrive -Serial NBT0007 -WakeDrives -WarningAction SilentlyContinue) NBT0007
            Get-Wakeups NBT0007 | Should -Be 1
            $woken.PowerMode | Should -Be 'Active'
            $woken.SmartReadAt | Should -BeGreaterThan $asleep.SmartReadAt
        }
        finally { Remove-Item (Get-StateFile NBT0007 'standby'), (Get-StateFile NBT0007 'wakeups') -ErrorAction SilentlyContinue }
    }
}

Describe 'Unknown health' {
    It 'shows an iSCSI-like device with SMART disabled as Unknown, without a temperature, and refuses to erase it' {
        if (-not $script:CanRun) { Set-ItResult -Skipped -Because $script:Why; return }
        Set-Content (Get-StateFile NBT0008 'broken') 'smart_disabled'
        try {
            $lun = Get-SandboxDrive (Get-BurninDrive -WarningAction SilentlyContinue) NBT0008
            $lun.SmartHealth | Should -Be 'Unknown'
            $lun.TemperatureC | Should -BeNullOrEmpty
            $lun.Warnings[0] | Should -Match 'SMART is disabled'
            $errs = $null
            $lun | Start-BurninStage -Stage SurfaceValidate -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable errs | Should -BeNullOrEmpty
            $errs | Should -HaveCount 1
            $errs[0].FullyQualifiedErrorId | Should -Be 'DriveHealthUnknown,NasBurnin.Burnin.StartBurninStageCommand'
        }
        finally { Remove-Item (Get-StateFile NBT0008 'broken') -ErrorAction SilentlyContinue }
    }
}

Describe 'Health rules' {
    It 'are listed, overridden for one serial with a reason, audited, and removed again' {
        if (-not $script:CanRun) { Set-ItResult -Skipped -Because $script:Why; return }
        (Get-BurninHealthRule -Counter PendingSectors).FailAt | Should -Be 1
        Set-Content (Get-StateFile NBT0006 'attrs') "197 2`n"
        try {
            (Get-SandboxDrive (Get-BurninDrive -Serial NBT0006 -WarningAction SilentlyContinue) NBT0006).SmartHealth | Should -Be 'Failed'
            { Set-BurninHealthRule PendingSectors -Serial NBT0006 -FailAt 5 -Reason ' ' -ErrorAction Stop } |
                Should -Throw -ErrorId 'HealthRuleReasonRequired,NasBurnin.Drives.SetBurninHealthRuleCommand'
            @(Get-BurninHealthRule | Where-Object Scope -NE 'Default').Count | Should -Be 0
            $rule = Set-BurninHealthRule PendingSectors -Serial NBT0006 -WarnAt 1 -FailAt 5 -Reason 'two pending since delivery' -PassThru
            $rule.Scope | Should -Be 'Serial'
            $drive = Get-SandboxDrive (Get-BurninDrive -Serial NBT0006 -WarningAction SilentlyContinue) NBT0006
            $drive.SmartHealth | Should -Be 'Warning'
            ($drive | Get-BurninHealthRule -Counter PendingSectors).Reason | Should -Be 'two pending since delivery'
            (Get-BurninAuditEvent -Type health_rule_changed -Serial NBT0006).Detail | Should -Match 'reason: two pending since delivery'

            Get-BurninHealthRule | Where-Object Scope -EQ 'Serial' | Remove-BurninHealthRule -Reason 'test over'
            @(Get-BurninAuditEvent -Type health_rule_removed).Count | Should -Be 1
            (Get-SandboxDrive (Get-BurninDrive -Serial NBT0006 -WarningAction SilentlyContinue) NBT0006).SmartHealth | Should -Be 'Failed'
        }
        finally { Remove-Item (Get-StateFile NBT0006 'attrs') -ErrorAction SilentlyContinue }
    }
}
