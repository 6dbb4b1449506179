#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# The README's commands, taken from README.md itself (its fenced blocks), run as a user would run them,
# so the README and the module cannot drift apart:
#   * "Build and try it": each line of its ```sh block, through bash, in the repository root.
#   * "Quick start": its ```powershell block, in a new `pwsh -NoProfile -NonInteractive`, against the
#     sandbox NAS (tests/testnas; Linux and root).
#   Invoke-Pester ./tests/Pester/Readme.Tests.ps1 -Output Detailed
#
# What is substituted, and why (each substitution must match the README exactly, else the test fails):
#   * the store: NASBURNIN_HOME is a new temp folder (the README's own way to choose the store), so the
#     commands never touch the store in your home folder.
#   * in the Quick start, the NAS: `nas01` is the sandbox (127.0.0.1); Connect-BurninHost gets the
#     sandbox's -Port, root user and key file, pins the sandbox's key with -HostKeyFingerprint (what the
#     README's comment says to do in a script), and adds -IncludeLoopDevices and -WorkDir (the sandbox's
#     drives are loop devices); -UseSudo goes, since the sandbox logs in as root and has no sudo.
#   * the burn-in: only one small free drive of this sandbox (another sandbox's drives on the same machine
#     are visible too), with -Confirm:$false because nobody can answer "It asks before erasing" here.
#   * around the block: $ErrorActionPreference = 'Stop' first, so any error fails the test, and the runner
#     polls every second with one-second self-tests on that drive, so Profile Standard takes seconds.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $script:Root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $script:Readme = Get-Content -Path (Join-Path $script:Root 'README.md')
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) ('nasburnin-pester-readme-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
    New-Item -ItemType Directory -Path $script:Work | Out-Null
    $script:NoDotnet = if (-not (Get-Command dotnet -ErrorAction SilentlyContinue)) { 'it needs the .NET SDK (dotnet) to run the README''s build command' }
    $script:SandboxSkip = Get-SandboxSkipReason
    $script:Nas = $null

    # The lines of the first fenced block of kind $Lang under the heading "## $Heading" (before the next "## ").
    function script:Get-ReadmeBlock([string] $Heading, [string] $Lang) {
        $start = [array]::IndexOf($script:Readme, "## $Heading")
        if ($start -lt 0) { throw "README.md has no '## $Heading' section" }
        $lines = [Collections.Generic.List[string]]::new()
        $inside = $false
        for ($i = $start + 1; $i -lt $script:Readme.Count; $i++) {
            $line = $script:Readme[$i]
            if (-not $inside -and $line -match '^## ') { break }
            if (-not $inside -and $line -eq ('```' + $Lang)) { $inside = $true; continue }
            if ($inside -and $line -eq '```') { return $lines.ToArray() }
            if ($inside) { $lines.Add($line) }
        }
        throw "README.md's '## $Heading' section has no complete ``````$Lang block"
    }

    # Replaces $Old by $New in $Text; $Old must occur exactly $Count times (0: at least once).
    function script:Edit-Exactly([string] $Text, [string] $Old, [string] $New, [int] $Count = 1) {
        $found = ([regex]::Matches($Text, [regex]::Escape($Old))).Count
        if (($Count -eq 0 -and $found -eq 0) -or ($Count -gt 0 -and $found -ne $Count)) {
            throw "The Quick start changed: '$Old' occurs $found times (expected $(if ($Count) { $Count } else { 'at least once' })). Update the substitutions in Readme.Tests.ps1."
        }
        $Text.Replace($Old, $New)
    }
}

AfterAll {
    Remove-Module NasBurnin -ErrorAction SilentlyContinue
    Stop-SandboxNas $script:Nas
    Remove-Item -Recurse -Force $script:Work -ErrorAction SilentlyContinue
}

Describe 'README: Build and try it' {
    BeforeAll { Write-SkipReason 'README: Build and try it' $script:NoDotnet }
    BeforeEach { Skip-Because $script:NoDotnet }

    It 'builds the module and answers Get-BurninStore and Get-BurninConfig' {
        $lines = @(Get-ReadmeBlock 'Build and try it' 'sh' | Where-Object { $_.Trim() })
        $lines | Should -HaveCount 2
        $lines[0] | Should -Be 'dotnet build -c Release'
        $home1 = Join-Path $script:Work 'try'
        $envVars = @{ NASBURNIN_HOME = $home1; PATH = "$PSHOME$([IO.Path]::PathSeparator)$env:PATH" }   # the pwsh running this test is "pwsh"

        $build = Invoke-Bounded bash @('-c', $lines[0]) $script:Root $envVars -TimeoutSeconds 900
        $build.ExitCode | Should -Be 0 -Because $build.StdOut
        $try = Invoke-Bounded bash @('-c', $lines[1]) $script:Root $envVars -TimeoutSeconds 300
        $try.ExitCode | Should -Be 0 -Because $try.StdErr
        $try.StdErr | Should -BeNullOrEmpty
        $try.StdOut | Should -Match 'SchemaVersion'
        $try.StdOut | Should -Match 'LogRetentionDays'
        $try.StdOut | Should -Match ([regex]::Escape((Join-Path $home1 'burnin.db')))
    }
}

Describe 'README: Quick start on the sandbox NAS' {
    BeforeAll {
        Write-SkipReason 'README: Quick start on the sandbox NAS' $script:SandboxSkip
        if ($script:SandboxSkip) { return }
        $script:Nas = Start-SandboxNas
    }
    BeforeEach { Skip-Because $script:SandboxSkip }

    It 'connects, lists the drives, burns in a free drive with Profile Standard, waits and reports' {
        $drive = $script:Nas.drives | Where-Object serial -eq 'NBT0007'   # a plain 64 MiB free HDD
        $drive.role | Should -Be 'Free'
        Set-Content -Path (Join-Path $drive.stateDir 'selftest_seconds') -Value '1' -NoNewline

        $block = (Get-ReadmeBlock 'Quick start' 'powershell') -join "`n"
        $block = Edit-Exactly $block 'Connect-BurninHost -HostName nas01 -UserName admin -KeyFilePath ~/.ssh/id_ed25519 -UseSudo' (
            "Connect-BurninHost -HostName nas01 -UserName root -KeyFilePath '$($script:Nas.clientKeyPath)' -Port $($script:Nas.port) " +
            "-HostKeyFingerprint '$($script:Nas.hostKeyFingerprint)' -IncludeLoopDevices -WorkDir '$($script:Nas.workDir)'")
        $block = Edit-Exactly $block 'Get-BurninDrive -HostName nas01 -Role Free | Start-BurninRun -Profile Standard' (
            "Get-BurninDrive -HostName nas01 -Role Free | Where-Object Device -eq '$($drive.device)' | Start-BurninRun -Profile Standard -Confirm:`$false")
        $block = Edit-Exactly $block 'nas01' '127.0.0.1' -Count 0
        $block | Should -Match '^Import-Module \./out/NasBurnin/NasBurnin\.psd1'
        $quick = "`$ErrorActionPreference = 'Stop'`n" +
            "Import-Module ./out/NasBurnin/NasBurnin.psd1; Set-BurninConfig -RunnerPollSeconds 1`n" + $block

        $home2 = Join-Path $script:Work 'quick'
        $r = Invoke-Bounded $script:Pwsh @('-NoProfile', '-NonInteractive', '-Command', $quick) $script:Root @{ NASBURNIN_HOME = $home2 } -TimeoutSeconds 900
        $r.ExitCode | Should -Be 0 -Because "$($r.StdErr)`n$($r.StdOut)"
        $r.StdOut | Should -Match ([regex]::Escape($drive.device))

        # What the Quick start did, read back from its store.
        Import-Module (Join-Path $script:Root 'out/NasBurnin/NasBurnin.psd1') -Force -ErrorAction Stop
        Use-BurninStore -Path (Join-Path $home2 'burnin.db')
        $run = Get-BurninRun -Offline
        $run | Should -HaveCount 1
        $run.Device | Should -Be $drive.device
        $run.Serial | Should -Be 'NBT0007'
        $run.Profile | Should -Be 'Standard'
        $run.State | Should -Be 'Finished'
        $run.Result | Should -Be 'Pass' -Because ($run.Reasons -join '; ')
        (Get-BurninStage -RunId $run.RunId).Stage | Should -Be @('SmartShort', 'SmartLong', 'SurfaceValidate', 'SmartLong', 'SmartPostCheck')
        $events = (Get-BurninAuditEvent -Since (Get-Date).Date).Type
        $events | Should -Contain 'host_added'
        $events | Should -Contain 'destructive_run_started'
    }
}
