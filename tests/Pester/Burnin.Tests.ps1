#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# Burn-in scenarios on the sandbox NAS (tests/testnas), for pwsh users with Pester 5.
# Needs Linux and root (the sandbox creates loop devices); it skips otherwise.
#   sudo pwsh -c "Invoke-Pester ./tests/Pester/Burnin.Tests.ps1 -Output Detailed"

BeforeDiscovery {
    $script:CanRun = $IsLinux -and ((id -u) -eq 0) -and (Test-Path /usr/sbin/sshd) -and (Test-Path /usr/sbin/badblocks)
}

BeforeAll {
    $script:Root = Resolve-Path (Join-Path $PSScriptRoot '../..')
    Import-Module (Join-Path $script:Root 'out/NasBurnin/NasBurnin.psd1') -Force -ErrorAction Stop
    $script:State = Join-Path ([IO.Path]::GetTempPath()) ('nb-pester-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
    if ($script:CanRun) {
        bash (Join-Path $script:Root 'tests/testnas/start.sh') $script:State --faulty | Out-Null
        $script:Nas = Get-Content (Join-Path $script:State 'testnas.json') -Raw | ConvertFrom-Json
        Use-BurninStore -Path (Join-Path $script:State 'burnin.db')
        Set-BurninConfig -RunnerPollSeconds 1
        Connect-BurninHost -HostName 127.0.0.1 -Port $script:Nas.port -UserName root -KeyFilePath $script:Nas.clientKeyPath `
            -HostKeyFingerprint $script:Nas.hostKeyFingerprint -IncludeLoopDevices -WorkDir $script:Nas.workDir | Out-Null
    }

    function script:Get-SandboxDrive([string] $Serial) {
        $device = ($script:Nas.drives | Where-Object serial -eq $Serial).device
        Get-BurninDrive -Serial $Serial | Where-Object Device -eq $device
    }
}

AfterAll {
    if ($script:CanRun) { bash (Join-Path $script:Root 'tests/testnas/stop.sh') $script:State | Out-Null }
}

Describe 'Burn-in on the sandbox NAS' -Skip:(-not $script:CanRun) {
    It 'passes a clean drive through SurfaceValidate with a small log' {
        $run = Get-SandboxDrive NBT0007 | Start-BurninRun -Stage SurfaceValidate -Wait -PollSeconds 1 -Confirm:$false
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
        { Get-BurninDrive | Where-Object PoolName -eq 'tank' | Start-BurninRun -Stage SurfaceValidate -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'DriveRoleRefused,NasBurnin.Burnin.StartBurninRunCommand'
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

    It 'changes nothing with -WhatIf' {
        $before = @(Get-BurninRun -Offline).Count
        Get-SandboxDrive NBT0007 | Start-BurninRun -Profile Standard -WhatIf
        @(Get-BurninRun -Offline).Count | Should -Be $before
    }

    It 'stops a run and audits it' {
        $run = Get-SandboxDrive NBT0008 | Start-BurninRun -Stage SmartLong -Confirm:$false
        Start-Sleep -Seconds 2
        (Stop-BurninRun -RunId $run.RunId -Confirm:$false -PassThru).State | Should -Be 'Aborted'
        Get-BurninAuditEvent -Type burnin_stopped -Serial NBT0008 | Should -Not -BeNullOrEmpty
    }
}
