#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# Reports and notifications for pwsh users: one scenario per cmdlet.
#   Invoke-Pester ./tests/Pester/Reports.Tests.ps1 -Output Detailed
# The xunit suite (tests/NasBurnin.Tests/ReportTests.cs, NotificationTests.cs, SandboxNotificationTests.cs)
# adds the headless browser, a real SMTP server and a run on the sandbox NAS.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $script:Manifest = Join-Path $PSScriptRoot '../../out/NasBurnin/NasBurnin.psd1' | Resolve-Path
    Import-Module $script:Manifest -Force -ErrorAction Stop

    # A port on 127.0.0.1 that nothing listens on.
    function script:Get-ClosedPort {
        $l = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $l.Start(); $port = $l.LocalEndpoint.Port; $l.Stop()
        $port
    }

    # A webhook receiver on 127.0.0.1 that answers one POST in a background runspace and returns its body.
    function script:Start-Receiver {
        $port = Get-ClosedPort
        $listener = [System.Net.HttpListener]::new()
        $listener.Prefixes.Add("http://127.0.0.1:$port/")
        $listener.Start()
        $ps = [powershell]::Create().AddScript({
            param($l)
            $task = $l.GetContextAsync()
            if (-not $task.Wait(60000)) { return $null }
            $ctx = $task.Result
            $body = [IO.StreamReader]::new($ctx.Request.InputStream).ReadToEnd()
            $ctx.Response.StatusCode = 200
            $ctx.Response.Close()
            $body
        }).AddArgument($listener)
        [pscustomobject]@{ Url = "http://127.0.0.1:$port/hook"; Listener = $listener; PowerShell = $ps; Handle = $ps.BeginInvoke() }
    }

    function script:Stop-Receiver($r) {
        $body = $r.PowerShell.EndInvoke($r.Handle) | Select-Object -First 1
        $r.Listener.Stop(); $r.Listener.Close(); $r.PowerShell.Dispose()
        $body
    }
}

AfterAll {
    Remove-Module NasBurnin -ErrorAction SilentlyContinue
}

Describe 'Export-BurninReport' {
    BeforeEach { $script:Dir = New-TestStore }
    AfterEach { Remove-Item -Recurse -Force $script:Dir -ErrorAction SilentlyContinue }

    It 'writes a self-contained status page with a refresh and returns the file' {
        $path = Join-Path $script:Dir 'status.html'
        $file = Export-BurninReport -Path $path -RefreshSeconds 120 -PassThru
        $file | Should -BeOfType System.IO.FileInfo
        $file.FullName | Should -Be $path
        $html = Get-Content -Raw $path
        $html | Should -Match '<meta http-equiv="refresh" content="120">'
        $html | Should -Match 'Content-Security-Policy'
        $html | Should -Match 'No run is in progress\.'
        $html | Should -Not -Match '<script'
        { Export-BurninReport -RunId 424242 -Path $path -ErrorAction Stop } | Should -Throw -ErrorId 'RunNotFound*'
    }
}

Describe 'Set-BurninNotification' {
    BeforeEach { $script:Dir = New-TestStore }
    AfterEach { Remove-Item -Recurse -Force $script:Dir -ErrorAction SilentlyContinue }

    It 'stores where the secret is, never the secret, and -WhatIf stores nothing' {
        Set-BurninNotification -Name mail -SmtpServer mail.example.com -From nb@example.com -To ops@example.com -UserName nb -SecretEnvironmentVariable NB_SMTP_PASSWORD -WhatIf
        Get-BurninNotification | Should -BeNullOrEmpty
        $c = Set-BurninNotification -Name mail -SmtpServer mail.example.com -From nb@example.com -To ops@example.com -UserName nb -SecretEnvironmentVariable NB_SMTP_PASSWORD -PassThru
        $c.Endpoint | Should -Be 'mail.example.com:587'
        $c.Security | Should -Be 'StartTls'
        $c.SecretSource | Should -Be 'env:NB_SMTP_PASSWORD'
        { Set-BurninNotification -Name bad -Webhook -Uri 'http://192.0.2.1/hook' -ErrorAction Stop } | Should -Throw -ErrorId 'NotificationInsecure*'
        (Get-BurninAuditEvent -Type notification_channel_set).Detail | Should -Match 'added channel mail: SMTP mail.example.com:587'
    }
}

Describe 'Get-BurninNotification' {
    BeforeEach { $script:Dir = New-TestStore }
    AfterEach { Remove-Item -Recurse -Force $script:Dir -ErrorAction SilentlyContinue }

    It 'lists channels by wildcard and names one that does not exist' {
        Set-BurninNotification -Name hook-a -Webhook -Uri https://ntfy.example.com/ -Topic burnin
        Set-BurninNotification -Name hook-b -Webhook -Uri https://chat.example.com/hooks/x -Event RunFailed
        (Get-BurninNotification -Name 'hook-*').Name | Should -Be @('hook-a', 'hook-b')
        (Get-BurninNotification -Name hook-b).Event | Should -Be @('RunFailed')
        (Get-BurninNotification -Name hook-a).Pending | Should -Be 0
        Get-BurninNotification -Name nothere -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'NotificationNotFound*'
    }
}

Describe 'Remove-BurninNotification' {
    BeforeEach { $script:Dir = New-TestStore }
    AfterEach { Remove-Item -Recurse -Force $script:Dir -ErrorAction SilentlyContinue }

    It 'removes a piped channel and audits it' {
        Set-BurninNotification -Name gone -Webhook -Uri https://ntfy.example.com/
        Get-BurninNotification -Name gone | Remove-BurninNotification -Confirm:$false
        Get-BurninNotification | Should -BeNullOrEmpty
        (Get-BurninAuditEvent -Type notification_channel_removed).Detail | Should -Match 'removed channel gone'
    }
}

Describe 'Test-BurninNotification' {
    BeforeEach { $script:Dir = New-TestStore }
    AfterEach { Remove-Item -Recurse -Force $script:Dir -ErrorAction SilentlyContinue }

    It 'names channel, host and port when the server cannot be reached, and -WhatIf sends nothing' {
        $port = Get-ClosedPort
        Set-BurninNotification -Name down -SmtpServer 127.0.0.1 -Port $port -Security None -From a@example.com -To b@example.com
        Test-BurninNotification -Name down -WhatIf | Should -BeNullOrEmpty
        Get-BurninAuditEvent -Type notification_failed | Should -BeNullOrEmpty
        $r = Test-BurninNotification -Name down -ErrorVariable err -ErrorAction SilentlyContinue
        $r.Sent | Should -BeFalse
        $err[0].FullyQualifiedErrorId | Should -BeLike 'NotificationUnreachable*'
        $err[0].Exception.Message | Should -Match "Channel 'down' \(SMTP 127\.0\.0\.1:$port\)"
        (Get-BurninAuditEvent -Type notification_failed).Detail | Should -Match "via down \(Smtp 127\.0\.0\.1:$port\)"
    }
}

Describe 'Send-BurninReport' {
    BeforeEach { $script:Dir = New-TestStore }
    AfterEach { Remove-Item -Recurse -Force $script:Dir -ErrorAction SilentlyContinue }

    It 'sends the digest summary to a webhook as JSON' {
        $receiver = Start-Receiver
        try {
            Set-BurninNotification -Name hook -Webhook -Uri $receiver.Url -Topic burnin
            $r = Send-BurninReport -Since (Get-Date).AddDays(-1)
        }
        finally { $body = Stop-Receiver $receiver }
        $r.Sent | Should -BeTrue
        $json = $body | ConvertFrom-Json
        $json.topic | Should -Be 'burnin'
        $json.event.type | Should -Be 'Digest'
        $json.title | Should -Match 'NasBurnin daily report: 0 passed, 0 failed'
        $json.text | Should -Match 'Period since'
    }
}
