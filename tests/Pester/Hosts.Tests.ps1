#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# Host cmdlets against a real OpenSSH sshd on 127.0.0.1 (Linux, openssh-server installed).
# Run after building:  Invoke-Pester ./tests/Pester/Hosts.Tests.ps1 -Output Detailed
# The same scenarios run in xunit: tests/NasBurnin.Tests/HostTests.cs (fixture Harness/LoopbackSshd.cs).

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $script:Manifest = Join-Path $PSScriptRoot '../../out/NasBurnin/NasBurnin.psd1' | Resolve-Path
    Import-Module $script:Manifest -Force -ErrorAction Stop
    $script:SkipReason = Get-SshdSkipReason

    function New-LoopbackSshd {
        # A throw-away sshd: own host key, authorized client key, free port, everything in a temp folder.
        $dir = Join-Path ([IO.Path]::GetTempPath()) ('nasburnin-pester-sshd-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
        New-Item -ItemType Directory -Path $dir | Out-Null
        $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
        $listener.Start(); $port = $listener.LocalEndpoint.Port; $listener.Stop()
        foreach ($name in 'host_key', 'client_key', 'stranger_key') {
            & ssh-keygen -q -t ed25519 -N '' -f (Join-Path $dir $name) | Out-Null
        }
        Copy-Item (Join-Path $dir 'client_key.pub') (Join-Path $dir 'authorized_keys')
        $config = Join-Path $dir 'sshd_config'
        @(
            'ListenAddress 127.0.0.1'
            "Port $port"
            "HostKey $(Join-Path $dir 'host_key')"
            "AuthorizedKeysFile $(Join-Path $dir 'authorized_keys')"
            "PidFile $(Join-Path $dir 'sshd.pid')"
            'StrictModes no'
            'UsePAM no'
            'PermitRootLogin prohibit-password'
            'PasswordAuthentication no'
        ) | Set-Content -Path $config
        New-Item -ItemType Directory -Path /run/sshd -Force | Out-Null
        & /usr/sbin/sshd -f $config -E (Join-Path $dir 'sshd.log')
        $deadline = (Get-Date).AddSeconds(20)
        while (-not (Test-Path (Join-Path $dir 'sshd.pid')) -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 50 }
        Start-Sleep -Milliseconds 200
        [pscustomobject]@{
            Folder      = $dir
            Port        = $port
            Key         = Join-Path $dir 'client_key'
            StrangerKey = Join-Path $dir 'stranger_key'
            Fingerprint = ((& ssh-keygen -lf (Join-Path $dir 'host_key.pub')) -split ' ')[1]
            Pid         = [int](Get-Content (Join-Path $dir 'sshd.pid'))
        }
    }

    function Remove-LoopbackSshd($Sshd) {
        # The listener and every session process it started, then the folder.
        Get-Process | Where-Object { $_.Parent.Id -eq $Sshd.Pid } | Stop-Process -Force -ErrorAction SilentlyContinue
        Stop-Process -Id $Sshd.Pid -Force -ErrorAction SilentlyContinue
        Wait-Process -Id $Sshd.Pid -Timeout 30 -ErrorAction SilentlyContinue   # else it may still write into the folder being removed
        Remove-Item -Recurse -Force $Sshd.Folder -ErrorAction SilentlyContinue
    }

    $script:Sshd = if (-not $script:SkipReason) { New-LoopbackSshd }
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) ('nasburnin-pester-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
    New-Item -ItemType Directory -Path $script:Work | Out-Null
    $script:User = [Environment]::UserName
}

AfterAll {
    Remove-Module NasBurnin -ErrorAction SilentlyContinue
    if ($script:Sshd) { Remove-LoopbackSshd $script:Sshd }
    Remove-Item -Recurse -Force $script:Work -ErrorAction SilentlyContinue
}

Describe 'Connect-BurninHost' {
    BeforeAll { Write-SkipReason 'Connect-BurninHost' $script:SkipReason }
    BeforeEach {
        Skip-Because $script:SkipReason
        Use-BurninStore -Path (Join-Path $script:Work ("burnin-{0}.db" -f [guid]::NewGuid().ToString('N').Substring(0, 6)))
        $script:Connect = @{ HostName = '127.0.0.1'; Port = $script:Sshd.Port; UserName = $script:User; KeyFilePath = $script:Sshd.Key }
    }

    It 'pins the fingerprint ssh-keygen -lf shows' {
        $h = Connect-BurninHost @script:Connect -AcceptHostKey
        $h.HostKeyFingerprint | Should -Be $script:Sshd.Fingerprint
        $h.Connected | Should -BeTrue
        (Get-BurninHost 127.0.0.1).HostKeyFingerprint | Should -Be $script:Sshd.Fingerprint
    }

    It 'fails closed on first contact when nobody can answer the prompt (pwsh -NonInteractive)' {
        $db = Join-Path $script:Work 'noninteractive.db'
        $command = "Import-Module '$($script:Manifest)'; Use-BurninStore -Path '$db'; " +
            "Connect-BurninHost -HostName 127.0.0.1 -Port $($script:Sshd.Port) -UserName $($script:User) -KeyFilePath '$($script:Sshd.Key)'"
        $out = Invoke-PwshTask $command
        $LASTEXITCODE | Should -Be 1
        ($out -join "`n") | Should -BeLike "*$($script:Sshd.Fingerprint)*"
        # The question is never printed: nobody can answer it.
        ($out -join "`n") | Should -Not -BeLike '*cannot be established*'
        ($out -join "`n") | Should -Not -BeLike '*Pin this key and connect?*'
        Use-BurninStore -Path $db
        Get-BurninHost | Should -BeNullOrEmpty
    }

    It 'refuses a -HostKeyFingerprint the host does not present, naming both' {
        $wrong = 'SHA256:33hOVELSmu2aYcGswYictDoQVoco6CCG4AioG5wEWYI'
        { Connect-BurninHost @script:Connect -HostKeyFingerprint $wrong -ErrorAction Stop } |
            Should -Throw -ErrorId 'HostKeyNotTrusted,NasBurnin.Hosts.ConnectBurninHostCommand' -ExpectedMessage "*$($script:Sshd.Fingerprint)*"
        Get-BurninHost | Should -BeNullOrEmpty
    }

    It 'reports a refused key as one AuthenticationError with the host as target' {
        $c = $script:Connect.Clone(); $c.KeyFilePath = $script:Sshd.StrangerKey
        Connect-BurninHost @c -AcceptHostKey -ErrorVariable err -ErrorAction SilentlyContinue
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -Be 'HostAuthenticationFailed,NasBurnin.Hosts.ConnectBurninHostCommand'
        $err[0].CategoryInfo.Category | Should -Be 'AuthenticationError'
        $err[0].TargetObject | Should -Be '127.0.0.1'
    }

    It 'reports a closed port as a ConnectionError' {
        $c = $script:Connect.Clone(); $c.Port = 9
        Connect-BurninHost @c -AcceptHostKey -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].CategoryInfo.Category | Should -Be 'ConnectionError'
    }

    It 'refuses host names carrying shell commands, and nothing runs' -TestCases @(
        @{ Name = '127.0.0.1;touch {0}' }
        @{ Name = '$(touch {0})' }
        @{ Name = "nas01`ntouch {0}" }
    ) {
        $marker = Join-Path $script:Work 'marker'
        $c = $script:Connect.Clone(); $c.HostName = $Name -f $marker
        Connect-BurninHost @c -AcceptHostKey -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidHostName,*'
        Test-Path $marker | Should -BeFalse
    }
}

Describe 'Get-, Set-, Test-, Disconnect- and Remove-BurninHost' {
    BeforeAll {
        Write-SkipReason 'Get-, Set-, Test-, Disconnect- and Remove-BurninHost' $script:SkipReason
        if ($script:SkipReason) { return }
        Use-BurninStore -Path (Join-Path $script:Work 'hosts.db')
        Connect-BurninHost -HostName 127.0.0.1 -Port $script:Sshd.Port -UserName $script:User -KeyFilePath $script:Sshd.Key -AcceptHostKey | Out-Null
    }
    BeforeEach { Skip-Because $script:SkipReason }

    It 'tests the host over the session connection' {
        $t = Test-BurninHost 127.0.0.1
        $t.Reachable | Should -BeTrue
        $t.RemoteUser | Should -Be $script:User
    }

    It 'refuses tool paths and work folders with shell characters, even with -WhatIf' {
        { Set-BurninHost 127.0.0.1 -SmartctlPath '/usr/sbin/smartctl;reboot' -WhatIf -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidRemotePath,NasBurnin.Hosts.SetBurninHostCommand'
        { Set-BurninHost 127.0.0.1 -WorkDir '/var/tmp/../../etc' -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidRemotePath,NasBurnin.Hosts.SetBurninHostCommand'
    }

    It 'sets per-host values from the pipeline; -WhatIf changes nothing' {
        Get-BurninHost | Set-BurninHost -MaxParallelRuns 2 -WhatIf
        (Get-BurninHost 127.0.0.1).MaxParallelRuns | Should -Be (Get-BurninConfig).MaxParallelRuns
        (Get-BurninHost | Set-BurninHost -MaxParallelRuns 2 -PassThru).MaxParallelRuns | Should -Be 2
    }

    It 'disconnects' {
        Disconnect-BurninHost 127.0.0.1
        (Get-BurninHost 127.0.0.1).Connected | Should -BeFalse
        (Test-BurninHost 127.0.0.1).Reachable | Should -BeTrue   # reconnects with the stored key file
    }

    It 'removes only when confirmed and forgets the pinned key' {
        Remove-BurninHost 127.0.0.1 -WhatIf
        Get-BurninHost 127.0.0.1 | Should -Not -BeNullOrEmpty
        Remove-BurninHost 127.0.0.1 -Confirm:$false
        Get-BurninHost | Should -BeNullOrEmpty
        (Get-BurninAuditEvent -Type host_removed).Detail | Should -BeLike "*$($script:Sshd.Fingerprint)*"
    }
}

Describe 'Local transport' {
    It 'runs on this machine without SSH' {
        Skip-Because $(if (-not $IsLinux) { 'the local transport runs the Linux tools (lsblk, smartctl) on this machine' })
        Use-BurninStore -Path (Join-Path $script:Work 'local.db')
        (Connect-BurninHost -Local).Transport | Should -Be 'Local'
        (Test-BurninHost localhost).Reachable | Should -BeTrue
    }
}
