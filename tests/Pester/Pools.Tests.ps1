#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# Pools built on partitions, on the sandbox NAS started with --pool-layouts (tests/testnas/lib/pool_layouts.sh):
# the whole disk under a partition that a pool names is a PoolMember, in its role, and is never erased.
# Needs Linux and root (the sandbox creates loop devices and partitions); it skips otherwise.
#   sudo pwsh -c "Invoke-Pester ./tests/Pester/Pools.Tests.ps1 -Output Detailed"
# The same scenarios in more detail run in xunit: tests/NasBurnin.Tests/PoolLayoutTests.cs.

BeforeAll {
    $script:CanRun = $IsLinux -and ((id -u) -eq 0) -and (Test-Path /usr/sbin/sshd) -and (Test-Path /usr/sbin/badblocks) -and
        [bool](Get-Command sfdisk -ErrorAction SilentlyContinue)
    $script:Why = 'the sandbox NAS needs Linux, root, OpenSSH''s sshd, badblocks and sfdisk'
    $script:Root = Resolve-Path (Join-Path $PSScriptRoot '../..')
    Import-Module (Join-Path $script:Root 'out/NasBurnin/NasBurnin.psd1') -Force -ErrorAction Stop
    $script:State = Join-Path ([IO.Path]::GetTempPath()) ('nb-pester-pools-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
    if ($script:CanRun) {
        bash (Join-Path $script:Root 'tests/testnas/start.sh') $script:State --pool-layouts | Out-Null
        if ($LASTEXITCODE -ne 0) { throw "The sandbox NAS did not start (exit code $LASTEXITCODE)." }
        $script:Nas = Get-Content (Join-Path $script:State 'testnas.json') -Raw | ConvertFrom-Json
        Use-BurninStore -Path (Join-Path $script:State 'burnin.db')
        Connect-BurninHost -HostName 127.0.0.1 -Port $script:Nas.port -UserName root -KeyFilePath $script:Nas.clientKeyPath `
            -HostKeyFingerprint $script:Nas.hostKeyFingerprint -IncludeLoopDevices -WorkDir $script:Nas.workDir | Out-Null
    }

    # This sandbox's drive with that serial (another sandbox on the machine has drives with the same serials).
    function script:Get-SandboxDrive([object[]] $Drives, [string] $Serial) {
        $device = ($script:Nas.drives | Where-Object serial -EQ $Serial).device
        $Drives | Where-Object { $_.Serial -eq $Serial -and $_.Device -eq $device }
    }
}

AfterAll {
    if ($script:CanRun) { bash (Join-Path $script:Root 'tests/testnas/stop.sh') $script:State | Out-Null }
}

Describe 'Pools on partitions' {
    BeforeAll {
        if ($script:CanRun) { $script:Drives = Get-BurninDrive -WarningAction SilentlyContinue }
    }

    It 'makes every disk under a partition a pool names a PoolMember in its role' {
        if (-not $script:CanRun) { Set-ItResult -Skipped -Because $script:Why; return }
        $expected = @{ NBT0201 = 'member'; NBT0202 = 'member'; NBT0203 = 'special'; NBT0204 = 'log'; NBT0205 = 'cache' }
        foreach ($serial in $expected.Keys) {
            $d = Get-SandboxDrive $script:Drives $serial
            $d | Should -HaveCount 1 -Because "$serial is one of this sandbox's drives"
            $d.Role | Should -Be 'PoolMember' -Because "$serial has a partition in pool fast"
            $d.PoolName | Should -Be 'fast'
            $d.PoolRole | Should -Be $expected[$serial]
            $d.RoleReasons -join ' ' | Should -Match ([regex]::Escape("$($d.Device)p1"))
        }
        # 201's second partition is in vault too: both memberships are in its reasons.
        (Get-SandboxDrive $script:Drives NBT0201).RoleReasons -join ' ' | Should -Match "pool 'vault' in mirror-2"
        $free = (Get-BurninDrive -Role Free -WarningAction SilentlyContinue).Device
        foreach ($serial in $expected.Keys) { $free | Should -Not -Contain (Get-SandboxDrive $script:Drives $serial).Device }
    }

    It 'refuses SurfaceValidate on them with DriveRoleRefused and starts no run' {
        if (-not $script:CanRun) { Set-ItResult -Skipped -Because $script:Why; return }
        $before = @(Get-BurninRun -Offline).Count
        $disks = 'NBT0201', 'NBT0202', 'NBT0203', 'NBT0204', 'NBT0205' | ForEach-Object { Get-SandboxDrive $script:Drives $_ }
        $errors = $null
        $runs = $disks | Start-BurninStage -Stage SurfaceValidate -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable errors
        $runs | Should -BeNullOrEmpty
        $errors | Should -HaveCount 5
        $errors | ForEach-Object { $_.FullyQualifiedErrorId | Should -Be 'DriveRoleRefused,NasBurnin.Burnin.StartBurninStageCommand' }
        @(Get-BurninRun -Offline).Count | Should -Be $before
    }
}
