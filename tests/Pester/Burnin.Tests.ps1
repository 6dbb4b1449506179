#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# Burn-in scenarios on the sandbox NAS (tests/testnas), for pwsh users with Pester 5.
# Needs Linux and root (the sandbox creates loop devices); it skips, saying why, otherwise.
#   sudo pwsh -c "Invoke-Pester ./tests/Pester/Burnin.Tests.ps1 -Output Detailed"
# Another sandbox NAS may run on the same machine: its loop devices are visible here too, with the same
# serials, so every drive is picked by serial AND this sandbox's device (testnas.json).

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $script:Root = Resolve-Path (Join-Path $PSScriptRoot '../..')
    Import-Module (Join-Path $script:Root 'out/NasBurnin/NasBurnin.psd1') -Force -ErrorAction Stop
    $script:SkipReason = Get-SandboxSkipReason -Faulty
    $script:Nas = $null
    if (-not $script:SkipReason) {
        $script:Nas = Start-SandboxNas '--faulty'
        Use-BurninStore -Path (Join-Path $script:Nas.stateDir 'burnin.db')
        Set-BurninConfig -RunnerPollSeconds 1
        Connect-BurninHost -HostName 127.0.0.1 -Port $script:Nas.port -UserName root -KeyFilePath $script:Nas.clientKeyPath `
            -HostKeyFingerprint $script:Nas.hostKeyFingerprint -IncludeLoopDevices -WorkDir $script:Nas.workDir | Out-Null
    }

    # This sandbox's drive with that serial (never another sandbox's twin).
    function script:Get-SandboxDrive([string] $Serial) {
        $device = ($script:Nas.drives | Where-Object serial -eq $Serial).device
        Get-BurninDrive -Serial $Serial -WarningAction SilentlyContinue | Where-Object Device -eq $device
    }
}

AfterAll {
    Remove-Module NasBurnin -ErrorAction SilentlyContinue
    Stop-SandboxNas $script:Nas
}

Describe 'Burn-in on the sandbox NAS' {
    BeforeAll { Write-SkipReason 'Burn-in on the sandbox NAS' $script:SkipReason }
    BeforeEach { Skip-Because $script:SkipReason }

    It 'passes a clean drive through SurfaceValidate with a small log' {
        $drive = Get-SandboxDrive NBT0007
        $drive | Should -HaveCount 1
        $run = $drive | Start-BurninRun -Stage SurfaceValidate -Wait -PollSeconds 1 -Confirm:$false
        $run.Result | Should -Be 'Pass'
        $log = (Get-BurninStage -RunId $run.RunId -IncludeLog).LogText
        $log | Should -Match 'Pass completed, 0 bad blocks found'
        $log.Length | Should -BeLessThan 16KB
    }

    It 'fails a drive with read errors and names the bad blocks' {
        $run = Get-SandboxDrive NBTBAD1 | Start-BurninRun -Stage SurfaceValidate -Wait -PollSeconds 1 -Confirm:$false
        $run.Result | Should -Be 'Fail'
        $run.Reasons -join ' ' | Should -Match '8192 8193'
    }

    It 'refuses a pool member, naming its role' {
        $member = Get-SandboxDrive NBT0003
        $member.PoolName | Should -Be 'tank'
        { $member | Start-BurninRun -Stage SurfaceValidate -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'DriveRoleRefused,NasBurnin.Burnin.StartBurninRunCommand' -ExpectedMessage '*PoolMember*'
    }

    It 'refuses a mounted drive until it is unlocked with the typed token' {
        { Get-SandboxDrive NBT0001 | Start-BurninRun -Stage SurfaceValidate -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'DriveLocked,NasBurnin.Burnin.StartBurninRunCommand'
        { Get-SandboxDrive NBT0001 | Unlock-MountedDrive -ConfirmToken 'yes' -ErrorAction Stop } |
            Should -Throw -ErrorId 'UnlockTokenMismatch,NasBurnin.Safety.UnlockMountedDriveCommand'
        $unlock = Get-SandboxDrive NBT0001 | Unlock-MountedDrive -ConfirmToken 'DESTROY MOUNTED FILESYSTEM'
        $unlock.Role | Should -Be 'Mounted'
        Get-BurninAuditEvent -Type mounted_drive_unlocked -Serial NBT0001 | Should -Not -BeNullOrEmpty
        Get-SandboxDrive NBT0001 | Lock-BurninDrive
    }

    It 'fails closed in pwsh -NonInteractive (exit 1 as the last command) and prints no prompt: <Name>' -ForEach @(
        @{ Name = 'the unlock token'; Serial = 'NBT0001'; Command = 'Unlock-MountedDrive' }
        @{ Name = 'the confirmation before erasing'; Serial = 'NBT0007'; Command = 'Start-BurninRun -Stage SurfaceValidate' }
    ) {
        $runs = @(Get-BurninRun -Offline).Count
        $unlocks = @(Get-BurninAuditEvent -Type mounted_drive_unlocked).Count
        $device = ($script:Nas.drives | Where-Object serial -eq $Serial).device
        $out = Invoke-PwshTask ("Import-Module '$(Join-Path $script:Root 'out/NasBurnin/NasBurnin.psd1')'; Use-BurninStore -Path '$((Get-BurninStore).Path)'; " +
            "Get-BurninDrive -Serial $Serial -WarningAction SilentlyContinue | Where-Object Device -eq '$device' | $Command")
        $LASTEXITCODE | Should -Be 1 -Because ($out -join "`n")
        ($out -join "`n") | Should -Not -Match 'type exactly|ERASES ALL DATA|Are you sure'
        @(Get-BurninRun -Offline).Count | Should -Be $runs
        @(Get-BurninAuditEvent -Type mounted_drive_unlocked).Count | Should -Be $unlocks
    }

    It 'changes nothing with -WhatIf' {
        $drive = Get-SandboxDrive NBT0007
        $drive | Should -HaveCount 1
        $before = @(Get-BurninRun -Offline).Count
        $drive | Start-BurninRun -Profile Standard -WhatIf
        @(Get-BurninRun -Offline).Count | Should -Be $before
    }

    It 'stops a run and audits it' {
        $run = Get-SandboxDrive NBT0008 | Start-BurninRun -Stage SmartLong -Confirm:$false
        $run | Should -HaveCount 1
        (Stop-BurninRun -RunId $run.RunId -Confirm:$false -PassThru).State | Should -Be 'Aborted'
        Get-BurninAuditEvent -Type burnin_stopped -Serial NBT0008 | Should -Not -BeNullOrEmpty
    }
}
