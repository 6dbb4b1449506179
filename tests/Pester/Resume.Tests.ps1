#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# Resume-BurninRun on the sandbox NAS (tests/testnas), for pwsh users with Pester 5: a runner killed with
# kill -9 in a write phase and in a verify phase, resumed exactly where its checkpoint says (the sandbox's
# badblocks wrapper logs every call), at the drive's new device after it moved; a drive answering with
# another serial is refused. Needs Linux, root and cgroup v1 blkio throttling (the drives are slowed to
# disk speed, so a phase lasts a few seconds); it skips, saying why, otherwise.
#   sudo pwsh -c "Invoke-Pester ./tests/Pester/Resume.Tests.ps1 -Output Detailed"
# The xunit suite runs the same scenarios with a block-by-block coverage check and the faulty drive:
# tests/NasBurnin.Tests/BurninResumeTests.cs.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $script:Root = Resolve-Path (Join-Path $PSScriptRoot '../..')
    Import-Module (Join-Path $script:Root 'out/NasBurnin/NasBurnin.psd1') -Force -ErrorAction Stop
    $script:SkipReason = Get-SandboxSkipReason
    if (-not $script:SkipReason -and -not (Test-Path /sys/fs/cgroup/blkio/blkio.throttle.write_bps_device)) {
        $script:SkipReason = 'it needs cgroup v1 blkio throttling (/sys/fs/cgroup/blkio) to slow the drives to disk speed'
    }
    Write-SkipReason 'Resume-BurninRun' $script:SkipReason
    $script:Nas = $null
    if (-not $script:SkipReason) {
        $script:Nas = Start-SandboxNas '--drives', '11', '--size-mib', '256'
        Use-BurninStore -Path (Join-Path $script:Nas.stateDir 'burnin.db')
        Set-BurninConfig -RunnerPollSeconds 1
        Connect-BurninHost -HostName 127.0.0.1 -Port $script:Nas.port -UserName root -KeyFilePath $script:Nas.clientKeyPath `
            -HostKeyFingerprint $script:Nas.hostKeyFingerprint -IncludeLoopDevices -WorkDir $script:Nas.workDir | Out-Null
    }

    # Every sandbox on this machine numbers its drives NBT0001... with the same WWNs: a drive gets a serial of
    # its own before the first inventory, so it is found by its identity and never as another sandbox's twin.
    # Returns the drive's facts with .serial set to the new serial.
    function script:Use-UniqueDrive([string] $Serial) {
        $drive = $script:Nas.drives | Where-Object serial -eq $Serial
        $meta = Join-Path $drive.stateDir 'meta.json'
        $fresh = 'NBP' + [guid]::NewGuid().ToString('N').Substring(0, 6).ToUpperInvariant()
        [IO.File]::WriteAllText($meta, ((Get-Content -Raw $meta) -replace "`"$Serial`"", "`"$fresh`""))
        [pscustomobject]@{ serial = $fresh; device = $drive.device; stateDir = $drive.stateDir }
    }

    # cgroup v1 blkio throttling of one loop device, read and write (0 lifts it).
    function script:Set-Throttle([string] $Device, [long] $BytesPerSecond) {
        $hex = (& stat -L -c '%t %T' $Device).Split(' ')
        $id = '{0}:{1}' -f [Convert]::ToInt32($hex[0], 16), [Convert]::ToInt32($hex[1], 16)
        foreach ($f in 'read', 'write') { Set-Content "/sys/fs/cgroup/blkio/blkio.throttle.$($f)_bps_device" "$id $BytesPerSecond" }
    }

    # Starts a surface stage, holds badblocks in $Phase (1-8) once it is 15 % in, waits for the runner's
    # checkpoint, kills the runner with kill -9, and returns the run and the checkpoint.
    function script:Start-AndCut($Drive, [int] $Phase) {
        $Serial = $Drive.serial
        $run = Get-BurninDrive -Serial $Serial -WarningAction SilentlyContinue | Where-Object Device -eq $Drive.device |
            Start-BurninRun -Stage SurfaceValidate -Confirm:$false
        $dir = Get-ChildItem (Join-Path $script:Nas.workDir 'runs') -Directory |
            Where-Object { (Get-Content -Raw (Join-Path $_.FullName 'spec')) -match "NB_SERIAL=$Serial" } | Sort-Object Name | Select-Object -Last 1
        $sd = Join-Path $dir.FullName 'stages/1'
        # Where badblocks is, from its own output (unbuffered), not from the runner's last look at it.
        $actual = {
            $raw = [IO.File]::ReadAllText((Join-Path $sd 'bb.raw'))
            $h = [regex]::Matches($raw, 'Testing with pattern|Reading and comparing')
            if ($h.Count -eq 0) { return @(0, 0) }
            $d = [regex]::Matches($raw.Substring($h[$h.Count - 1].Index), '(\d+\.\d+)% done')
            @($h.Count, $(if ($d.Count) { [double]$d[$d.Count - 1].Groups[1].Value } else { 0 }))
        }
        $deadline = (Get-Date).AddMinutes(4)
        do {
            Start-Sleep -Milliseconds 100
            $a = try { & $actual } catch { @(0, 0) }
            if ((Get-Date) -gt $deadline) { throw "badblocks never reached phase $Phase" }
        } until ($a[0] -eq $Phase -and $a[1] -ge 15)
        $runner = [int](Get-Content (Join-Path $dir.FullName 'pid'))
        $bb = (& pgrep -g $runner -x badblocks)
        & kill -STOP $bb
        Start-Sleep -Milliseconds 200
        $a = & $actual
        if ($a[0] -ne $Phase) { throw "badblocks moved on to phase $($a[0]) before it was held" }
        $held = $a[1]   # the runner's next checkpoint must reach it
        $kind = if ($Phase % 2) { 'write' } else { 'verify' }
        $deadline = (Get-Date).AddSeconds(30)
        do {
            Start-Sleep -Milliseconds 200
            $cp = @{}
            Get-Content (Join-Path $sd 'checkpoint') -ErrorAction SilentlyContinue | ForEach-Object { $k, $v = $_.Split(' ', 2); if ($k -ne 'bad') { $cp[$k] = $v } }
            if ((Get-Date) -gt $deadline) { throw "no checkpoint of phase $Phase" }
        } until ($cp.phase -eq $kind -and $cp.pattern -eq "$([math]::Floor(($Phase - 1) / 2))" -and $cp.block -ne '0' -and
            [long]$cp.block -ge [long][math]::Floor(([double]$held - 0.01) * [long]$cp.blocks / 100))
        & kill -9 $runner
        $deadline = (Get-Date).AddSeconds(60)
        while ((Get-BurninRun -RunId $run.RunId).State -ne 'Interrupted') {
            if ((Get-Date) -gt $deadline) { throw 'the run was never called Interrupted' }
            Start-Sleep -Milliseconds 500
        }
        [pscustomobject]@{ Run = $run; Checkpoint = $cp; Dir = $dir.FullName }
    }

    # The badblocks calls the sandbox's wrapper allowed on a device since a guard.log offset.
    function script:Get-BadblocksCalls([long] $Offset, [string] $Device) {
        $path = Join-Path $script:Nas.stateDir 'guard.log'
        if (-not (Test-Path $path)) { return }
        $text = [IO.File]::ReadAllText($path)
        $text.Substring([Math]::Min($Offset, $text.Length)).Split("`n") | Where-Object { $_ -match ' allow badblocks ' -and $_.Split(' ') -contains $Device } |
            ForEach-Object { ($_ -split ' allow badblocks ', 2)[1] }
    }
}

AfterAll {
    Remove-Module NasBurnin -ErrorAction SilentlyContinue
    Stop-SandboxNas $script:Nas
}

Describe 'Resume-BurninRun' {
    BeforeEach { Skip-Because $script:SkipReason }

    It 'continues a write phase cut by kill -9 from its checkpoint, after a -WhatIf that changed nothing' {
        $drive = Use-UniqueDrive NBT0009
        $device = $drive.device
        Set-Throttle $device (80MB)
        try {
            $log0 = (Get-Item (Join-Path $script:Nas.stateDir 'guard.log') -ErrorAction SilentlyContinue).Length
            $cut = Start-AndCut $drive 3
            $audits = @(Get-BurninAuditEvent).Count
            Resume-BurninRun -RunId $cut.Run.RunId -WhatIf
            @(Get-BurninAuditEvent).Count | Should -Be $audits
            (Get-BurninRun -RunId $cut.Run.RunId).State | Should -Be 'Interrupted'
            @(Get-BadblocksCalls $log0 $device).Count | Should -Be 1

            $resumed = Get-BurninRun -State Interrupted | Where-Object RunId -eq $cut.Run.RunId | Resume-BurninRun -Confirm:$false
            $resumed.ResumeCount | Should -Be 1
            $done = Wait-BurninRun -RunId $cut.Run.RunId -PollSeconds 1 -Timeout '00:04:00'
            $done.Result | Should -Be 'Pass'
            $b = $cut.Checkpoint.block
            $last = [long]$cut.Checkpoint.blocks - 1
            $calls = @(Get-BadblocksCalls $log0 $device)
            $calls.Count | Should -Be 4
            $calls[1] | Should -BeLike "*-w * -t 0x55 $device $last $b"
            $calls[2] | Should -BeLike "* -t 0x55 $device $([long]$b - 1) 0"
            $calls[2] | Should -Not -BeLike '* -w *'
            $calls[3] | Should -BeLike "*-w * -t 0xff -t 0x00 $device"
            (Get-BurninAuditEvent -Type run_resumed -Serial $drive.serial).Detail | Should -BeLike "*pattern 1 phase write block $b *"
        }
        finally { Set-Throttle $device 0 }
    }

    It 'resumes a verify phase at the drive''s new device after it moved' {
        $drive = Use-UniqueDrive NBT0011
        $device = $drive.device
        Set-Throttle $device (80MB)
        try { $cut = Start-AndCut $drive 4 } finally { Set-Throttle $device 0 }
        $moved = (& bash (Join-Path $script:Root 'tests/testnas/move.sh') $script:Nas.stateDir $drive.serial).Trim()
        $LASTEXITCODE | Should -Be 0
        $moved | Should -Not -Be $device
        $log0 = (Get-Item (Join-Path $script:Nas.stateDir 'guard.log') -ErrorAction SilentlyContinue).Length
        $resumed = Resume-BurninRun $cut.Run.RunId -Confirm:$false
        $resumed.Device | Should -Be $moved
        (Wait-BurninRun -RunId $cut.Run.RunId -PollSeconds 1 -Timeout '00:04:00').Result | Should -Be 'Pass'
        $calls = @(Get-BadblocksCalls $log0 $moved)
        $calls[0] | Should -BeLike "* -t 0x55 $moved $([long]$cut.Checkpoint.blocks - 1) $($cut.Checkpoint.block)"
        $calls[0] | Should -Not -BeLike '* -w *'
    }

    It 'refuses a drive that answers with another serial, writes nothing, and leaves the run Interrupted' {
        $drive = Use-UniqueDrive NBT0007
        Set-Throttle $drive.device (16MB)
        try { $cut = Start-AndCut $drive 1 } finally { Set-Throttle $drive.device 0 }
        $meta = Join-Path $drive.stateDir 'meta.json'
        $original = Get-Content -Raw $meta
        try {
            [IO.File]::WriteAllText($meta, ($original -replace "`"$($drive.serial)`"", '"NBX0007"'))
            $log0 = (Get-Item (Join-Path $script:Nas.stateDir 'guard.log') -ErrorAction SilentlyContinue).Length
            { Resume-BurninRun $cut.Run.RunId -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'DriveGone*'
            @(Get-BadblocksCalls $log0 $drive.device).Count | Should -Be 0
            (Get-BurninRun $cut.Run.RunId).State | Should -Be 'Interrupted'
        }
        finally { [IO.File]::WriteAllText($meta, $original) }
    }
}
