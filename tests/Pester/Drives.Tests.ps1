#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# Get-BurninDrive and Sync-BurninInventory against a NAS. Run after building:
#   Invoke-Pester ./tests/Pester/Drives.Tests.ps1 -Output Detailed
# Which NAS:
#  * a real one (read-only: nothing is written to any drive) when these are set:
#      $env:NASBURNIN_TEST_HOST, $env:NASBURNIN_TEST_PORT (default 22), $env:NASBURNIN_TEST_USER,
#      $env:NASBURNIN_TEST_KEY (key file without passphrase), $env:NASBURNIN_TEST_FINGERPRINT (SHA256:...)
#  * else the sandbox NAS (tests/testnas/start.sh) when running as root on Linux; it is stopped at the end.
#  * else everything is skipped.
# The same scenarios run in xunit: tests/NasBurnin.Tests/DriveTests.cs (fixture Harness/SandboxNas.cs).

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $script:Manifest = Join-Path $PSScriptRoot '../../out/NasBurnin/NasBurnin.psd1' | Resolve-Path
    Import-Module $script:Manifest -Force -ErrorAction Stop
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) ('nasburnin-pester-drives-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
    New-Item -ItemType Directory -Path $script:Work | Out-Null
    $script:Facts = $null

    # Why each Describe cannot run here ($null: it can).
    $sandboxReason = Get-SandboxSkipReason
    $script:AnyNasSkip = if ($env:NASBURNIN_TEST_HOST) { $null } elseif ($sandboxReason) { "no NAS: NASBURNIN_TEST_HOST is not set and $sandboxReason" }
    $script:SandboxSkip = if ($env:NASBURNIN_TEST_HOST) { 'these scenarios change the sandbox NAS''s shims; NASBURNIN_TEST_HOST names a real NAS' } else { $sandboxReason }

    if ($env:NASBURNIN_TEST_HOST) {
        $script:Connect = @{
            HostName           = $env:NASBURNIN_TEST_HOST
            Port               = if ($env:NASBURNIN_TEST_PORT) { [int]$env:NASBURNIN_TEST_PORT } else { 22 }
            UserName           = $env:NASBURNIN_TEST_USER
            KeyFilePath        = $env:NASBURNIN_TEST_KEY
            HostKeyFingerprint = $env:NASBURNIN_TEST_FINGERPRINT
        }
    }
    elseif (-not $sandboxReason) {
        $script:Facts = Start-SandboxNas
        $script:StateDir = $script:Facts.stateDir
        $script:Connect = @{
            HostName           = '127.0.0.1'
            Port               = $script:Facts.port
            UserName           = 'root'
            KeyFilePath        = $script:Facts.clientKeyPath
            HostKeyFingerprint = $script:Facts.hostKeyFingerprint
            IncludeLoopDevices = $true
            WorkDir            = $script:Facts.workDir
        }
    }

    function Use-FreshStore {
        Use-BurninStore -Path (Join-Path $script:Work ('burnin-{0}.db' -f [guid]::NewGuid().ToString('N').Substring(0, 6)))
        Connect-BurninHost @script:Connect | Out-Null
    }

    # This sandbox's drive with that serial: its own device, or a merged twin of another sandbox naming it.
    function Get-SandboxDrive($Drives, [string]$Serial) {
        $fact = $script:Facts.drives | Where-Object serial -EQ $Serial
        $Drives | Where-Object {
            $_.Serial -eq $Serial -and ($_.Device -eq $fact.device -or ($_.Warnings -match "also reachable as .*$([regex]::Escape($fact.device))\b"))
        }
    }

    function Set-ShimState([string]$Serial, [string]$Name, [string]$Value) {
        $folder = if ($Serial) { ($script:Facts.drives | Where-Object serial -EQ $Serial).stateDir } else { $script:StateDir }
        Set-Content -Path (Join-Path $folder $Name) -Value $Value -NoNewline
    }

    function Clear-ShimState([string]$Serial, [string]$Name) {
        $folder = if ($Serial) { ($script:Facts.drives | Where-Object serial -EQ $Serial).stateDir } else { $script:StateDir }
        Remove-Item -Path (Join-Path $folder $Name) -ErrorAction SilentlyContinue
    }
}

AfterAll {
    Remove-Module NasBurnin -ErrorAction SilentlyContinue
    Stop-SandboxNas $script:Facts
    Remove-Item -Recurse -Force $script:Work -ErrorAction SilentlyContinue
}

Describe 'Get-BurninDrive on any NAS' {
    BeforeAll {
        Write-SkipReason 'Get-BurninDrive on any NAS' $script:AnyNasSkip
        if (-not $script:AnyNasSkip) { Use-FreshStore }
    }
    BeforeEach { Skip-Because $script:AnyNasSkip }

    It 'lists every drive with a store id, and the disk holding / as System' {
        $drives = Get-BurninDrive -WarningAction SilentlyContinue
        $drives | Should -Not -BeNullOrEmpty
        $drives | ForEach-Object { $_.DriveId | Should -BeGreaterThan 0 }
        $drives | ForEach-Object { $_.PSObject.TypeNames[0] | Should -Be 'NasBurnin.BurninDrive' }
        ($drives | Where-Object { $_.Mountpoints -contains '/' }).Role | Should -Be 'System'
    }

    It 'filters by role and transport, and -Offline answers from the store with the same ids' {
        $live = Get-BurninDrive -WarningAction SilentlyContinue
        Get-BurninDrive -Role System -WarningAction SilentlyContinue | ForEach-Object { $_.Role | Should -Be 'System' }
        $offline = Get-BurninDrive -Offline
        # Every live drive is in the store under its id (the store may also remember drives that are gone,
        # such as another sandbox's that was stopped meanwhile).
        $live.DriveId | Should -Not -BeNullOrEmpty
        $live.DriveId | ForEach-Object { $offline.DriveId | Should -Contain $_ }
        $first = $live | Where-Object Serial | Select-Object -First 1
        (Get-BurninDrive -Offline -Serial $first.Serial).DriveId | Should -Contain $first.DriveId
    }

    It 'Sync-BurninInventory returns one summary and records the poll' {
        $r = Sync-BurninInventory -HostName $script:Connect.HostName
        $r.Succeeded | Should -BeTrue
        $r.DriveCount | Should -BeGreaterThan 0
        (Get-BurninHost $script:Connect.HostName).LastError | Should -BeNullOrEmpty
    }

    It 'never prompts in a non-interactive pwsh and exits 0 when every host synced' {
        $store = (Get-BurninStore).Path
        $out = Invoke-PwshTask "Import-Module '$script:Manifest'; Use-BurninStore -Path '$store'; Sync-BurninInventory | ForEach-Object Succeeded"
        $LASTEXITCODE | Should -Be 0
        $out | Should -Contain 'True'
    }
}

Describe 'Get-BurninDrive on the sandbox NAS' {
    BeforeAll {
        Write-SkipReason 'Get-BurninDrive on the sandbox NAS' $script:SandboxSkip
        if (-not $script:SandboxSkip) { Use-FreshStore }
    }
    BeforeEach { Skip-Because $script:SandboxSkip }

    It 'shows every sandbox drive with the role, transport and model of testnas.json' {
        $drives = Get-BurninDrive -WarningAction SilentlyContinue
        foreach ($f in $script:Facts.drives) {
            $d = Get-SandboxDrive $drives $f.serial
            $d | Should -HaveCount 1
            $d.Device | Should -Be $f.device
            $d.Role | Should -Be $f.role
            $d.Transport | Should -Be $f.transport
            $d.Model | Should -Be $f.model
            $d.CapacityBytes | Should -Be $f.sizeBytes
            if ($f.poolRole) { $d.PoolName | Should -Be 'tank'; $d.PoolRole | Should -Be $f.poolRole }
        }
    }

    It 'keeps a drive with a broken smartctl answer, as Unknown with a warning' {
        Set-ShimState NBT0007 broken truncated
        try {
            $drives = Get-BurninDrive -WarningVariable warnings -WarningAction SilentlyContinue -ErrorAction Stop
        }
        finally { Clear-ShimState NBT0007 broken }
        $d = Get-SandboxDrive $drives NBT0007
        $d.SmartHealth | Should -Be 'Unknown'
        $d.Warnings | Should -Not -BeNullOrEmpty
        ($warnings -match 'NBT0007') | Should -Not -BeNullOrEmpty
    }

    It 'reports pool members as Stale, with a warning, when zpool is missing' {
        Set-ShimState $null zpool_absent ''
        try { $drives = Get-BurninDrive -WarningVariable warnings -WarningAction SilentlyContinue -ErrorAction Stop }
        finally { Clear-ShimState $null zpool_absent }
        (Get-SandboxDrive $drives NBT0003).Role | Should -Be 'Stale'
        (Get-SandboxDrive $drives NBT0004).Role | Should -Be 'Stale'
        ($warnings -match 'zpool not found') | Should -Not -BeNullOrEmpty
    }

    It 'fails a drive with pending sectors although smartctl says PASSED' {
        Set-ShimState NBT0007 attrs "197 3`n"
        try { $d = Get-BurninDrive -Serial NBT0007 -WarningAction SilentlyContinue | Where-Object Device -EQ ($script:Facts.drives | Where-Object serial -EQ NBT0007).device }
        finally { Clear-ShimState NBT0007 attrs }
        $d.SmartHealth | Should -Be 'Failed'
        $d.PendingSectors | Should -Be 3
        $d.Warnings[0] | Should -Match 'pending sectors'
    }

    It 'lists no loop devices once the host excludes them' {
        Set-BurninHost 127.0.0.1 -IncludeLoopDevices $false
        try { $drives = Get-BurninDrive -WarningAction SilentlyContinue }
        finally { Set-BurninHost 127.0.0.1 -IncludeLoopDevices $true }
        $drives | Where-Object Device -Like '/dev/loop*' | Should -BeNullOrEmpty
    }

    It 'refuses a work folder with shell characters before connecting' {
        $marker = Join-Path $script:Work 'marker'
        $bad = $script:Connect.Clone()
        $bad.WorkDir = "/tmp/nb;touch $marker"
        { Connect-BurninHost @bad -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidRemotePath,NasBurnin.Hosts.ConnectBurninHostCommand'
        Test-Path $marker | Should -BeFalse
    }
}
