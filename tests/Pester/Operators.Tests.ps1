#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# Operator accounts, sign-in gate, lockout and audit: the scenarios of tests/NasBurnin.Tests/OperatorTests.cs
# for pwsh users. Run after building:  Invoke-Pester ./tests/Pester/Operators.Tests.ps1 -Output Detailed
# Lockouts are stepped through with the engine's internal test clock (reflection), so nothing sleeps.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $script:Manifest = Join-Path $PSScriptRoot '../../out/NasBurnin/NasBurnin.psd1' | Resolve-Path
    Import-Module $script:Manifest -Force -ErrorAction Stop
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) ("nasburnin-pester-ops-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
    New-Item -ItemType Directory -Path $script:Work | Out-Null
    $script:OldSshClient = $env:SSH_CLIENT
    $script:OldSshConnection = $env:SSH_CONNECTION
    $env:SSH_CONNECTION = $null
    $env:SSH_CLIENT = '192.0.2.10 50000 22'
    $script:AdminPw = 'Admin-Pw-1234'
    $script:BobPw = 'Bob-Pw-5678'

    function SS([string]$Text) { ConvertTo-SecureString -String $Text -AsPlainText -Force }
    function Cred([string]$User, [string]$Password) { [pscredential]::new($User, (SS $Password)) }

    # Freezes the engine's clock (internal NasBurnin.Engine.Common.ClockOverride, reachable only by reflection).
    # Kept as text so a child process can define it too.
    $script:ClockFunction = @'
function Set-TestClock($At) {
    $alc = [System.Runtime.Loader.AssemblyLoadContext]::All | Where-Object Name -EQ 'NasBurnin'
    $engine = $alc.Assemblies | Where-Object { $_.GetName().Name -eq 'NasBurnin.Engine' }
    $prop = $engine.GetType('NasBurnin.Engine.Common.ClockOverride', $true).GetProperty('UtcNow', [System.Reflection.BindingFlags]'NonPublic, Static')
    $prop.SetValue($null, $(if ($null -eq $At) { $null } else { [DateTimeOffset]::Parse($At, [cultureinfo]::InvariantCulture) }))
}
'@
    . ([scriptblock]::Create($script:ClockFunction))

    function New-TestStore {
        $path = Join-Path $script:Work ("burnin-" + [guid]::NewGuid().ToString('N').Substring(0, 8) + '.db')
        Use-BurninStore -Path $path
        $path
    }

    function New-Admin([string]$Name = 'alice') {
        New-BurninUser -UserName $Name -FullName 'Alice Admin' -Admin -Password (SS $script:AdminPw) -Confirm:$false | Out-Null
    }

    # A second pwsh process on the same store, like a scheduled task or another window.
    function Invoke-Child([string]$StorePath, [string]$Script) {
        $full = "Import-Module '$script:Manifest' -ErrorAction Stop; Use-BurninStore -Path '$StorePath'; $Script"
        Invoke-PwshTask $full
    }

    function Test-StoreFileContains([string]$StorePath, [string]$Text) {
        foreach ($f in Get-ChildItem -Path "$StorePath*") {
            $bytes = [IO.File]::ReadAllBytes($f.FullName)
            foreach ($enc in [Text.Encoding]::UTF8, [Text.Encoding]::Unicode) {
                if ([Text.Encoding]::Latin1.GetString($bytes).Contains([Text.Encoding]::Latin1.GetString($enc.GetBytes($Text)))) { return $true }
            }
        }
        $false
    }
}

AfterAll {
    Set-TestClock $null
    $env:SSH_CLIENT = $script:OldSshClient
    $env:SSH_CONNECTION = $script:OldSshConnection
    Remove-Module NasBurnin -ErrorAction SilentlyContinue
    Remove-Item -Recurse -Force $script:Work -ErrorAction SilentlyContinue
}

Describe 'First-user setup' {
    BeforeEach { $script:Store = New-TestStore }

    It 'makes the first user an admin without a sign-in and records the OS user' {
        $u = New-BurninUser -UserName alice -Password (SS $script:AdminPw) -WarningAction SilentlyContinue
        $u.IsAdmin | Should -BeTrue
        $u.PSObject.Properties.Name | Where-Object { $_ -match 'Hash' } | Should -BeNullOrEmpty
        $created = Get-BurninAuditEvent -Type user_created
        $created.Operator | Should -Be ([Environment]::UserName)
        $created.Source | Should -Be 'ssh:192.0.2.10'
    }

    It 'needs a signed-in admin for the second user' {
        New-Admin
        { New-BurninUser -UserName bob -Password (SS $script:BobPw) } |
            Should -Throw -ErrorId 'OperatorSignInRequired,NasBurnin.Operators.NewBurninUserCommand' -ExpectedMessage '*Connect-BurninOperator*'
        Connect-BurninOperator -Credential (Cred alice $script:AdminPw)
        (New-BurninUser -UserName bob -Password (SS $script:BobPw)).IsAdmin | Should -BeFalse
        Connect-BurninOperator -Credential (Cred bob $script:BobPw)
        { New-BurninUser -UserName carol -Password (SS 'Carol-Pw-1') } |
            Should -Throw -ErrorId 'AdminRequired,NasBurnin.Operators.NewBurninUserCommand'
    }

    It 'fails closed instead of prompting when nobody can answer, and prints no prompt' {
        $out = Invoke-Child $script:Store 'try { New-BurninUser -UserName alice } catch { $_.FullyQualifiedErrorId }'
        $out | Should -Contain 'PasswordPromptUnavailable,NasBurnin.Operators.NewBurninUserCommand'
        ($out -join "`n") | Should -Not -Match "password for 'alice'"
        (Get-BurninOperator).SignInRequired | Should -BeFalse
    }
}

Describe 'Sign-in gate' {
    BeforeEach {
        $script:Store = New-TestStore
        New-Admin
        Connect-BurninOperator -Credential (Cred alice $script:AdminPw)
        New-BurninUser -UserName bob -Admin -Password (SS $script:BobPw) | Out-Null
        Disconnect-BurninOperator
    }

    It 'refuses <_> without a signed-in operator' -ForEach @(
        'Remove-BurninUser -UserName bob -Confirm:$false'
        'Set-BurninUser -UserName bob -Disabled'
        'Get-BurninUser'
    ) {
        $e = { Invoke-Expression $_ } | Should -Throw -PassThru
        $e.FullyQualifiedErrorId | Should -BeLike 'OperatorSignInRequired,*'
        $e.Exception.Message | Should -BeLike '*Connect-BurninOperator*'
        (Get-BurninOperator).SignInRequired | Should -BeTrue
    }

    It 'removes with a signed-in admin, honours -WhatIf, keeps the last admin and records who acted' {
        Connect-BurninOperator -Credential (Cred alice $script:AdminPw)
        Remove-BurninUser -UserName bob -WhatIf
        Get-BurninUser bob | Should -Not -BeNullOrEmpty
        Remove-BurninUser -UserName bob -Confirm:$false
        { Remove-BurninUser -UserName alice -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'LastAdmin,*'
        $removed = Get-BurninAuditEvent -Type user_removed
        $removed.Operator | Should -Be 'alice'
        $removed.Source | Should -Be 'ssh:192.0.2.10'
    }

    It 'refuses a signed-in operator who was since disabled' {
        Connect-BurninOperator -Credential (Cred bob $script:BobPw)
        Set-BurninUser -UserName bob -Disabled   # alice stays the enabled admin, so this is allowed
        { Set-BurninUser -UserName alice -FullName 'x' } |
            Should -Throw -ErrorId 'OperatorSignInRequired,*' -ExpectedMessage '*disabled*'
        { Connect-BurninOperator -Credential (Cred bob $script:BobPw) } | Should -Throw -ErrorId 'UserDisabled,*'
    }

    It 'refuses a signed-in operator whom another process removed' {
        Connect-BurninOperator -Credential (Cred bob $script:BobPw)
        Invoke-Child $script:Store "function SS([string]`$t) { ConvertTo-SecureString `$t -AsPlainText -Force }; Connect-BurninOperator -Credential ([pscredential]::new('alice', (SS '$script:AdminPw'))); Remove-BurninUser -UserName bob -Confirm:`$false" | Out-Null
        { Get-BurninUser } | Should -Throw -ErrorId 'OperatorSignInRequired,*' -ExpectedMessage '*no longer exists*'
    }

    It 'forgets the sign-in on another store' {
        Connect-BurninOperator -Credential (Cred alice $script:AdminPw)
        New-TestStore | Out-Null
        (Get-BurninOperator).IsSignedIn | Should -BeFalse
        Use-BurninStore -Path $script:Store
        (Get-BurninOperator).UserName | Should -Be 'alice'
    }
}

Describe 'Lockout' {
    BeforeEach {
        $script:Store = New-TestStore
        New-Admin
        Set-TestClock '2030-01-01T12:00:00Z'
    }
    AfterEach { Set-TestClock $null; $env:SSH_CLIENT = '192.0.2.10 50000 22' }

    It 'locks after 10 failures, answers alike for right and wrong passwords, spares other sources, persists and ends' {
        1..9 | ForEach-Object {
            { Connect-BurninOperator -Credential (Cred alice "wrong-$_") } | Should -Throw -ErrorId 'LoginFailed,*'
        }
        { Connect-BurninOperator -Credential (Cred alice 'wrong-10') } | Should -Throw -ErrorId 'LoginLockedOut,*'

        Set-TestClock '2030-01-01T12:05:00Z'
        $right = { Connect-BurninOperator -Credential (Cred alice $script:AdminPw) } | Should -Throw -PassThru
        $wrong = { Connect-BurninOperator -Credential (Cred alice 'wrong-11') } | Should -Throw -PassThru
        $right.FullyQualifiedErrorId | Should -BeLike 'LoginLockedOut,*'
        $wrong.FullyQualifiedErrorId | Should -Be $right.FullyQualifiedErrorId
        $wrong.Exception.Message | Should -Be $right.Exception.Message
        $right.Exception.Message | Should -BeLike '*Try again after 2030-01-01 12:15:00 UTC*'

        $env:SSH_CLIENT = '192.0.2.20 50000 22'
        Connect-BurninOperator -Credential (Cred alice $script:AdminPw)
        (Get-BurninUser alice).LockedSources | Should -Be @('ssh:192.0.2.10')
        Disconnect-BurninOperator
        $env:SSH_CLIENT = '192.0.2.10 50000 22'

        $connect = "try { Connect-BurninOperator -Credential ([pscredential]::new('alice', (ConvertTo-SecureString '$script:AdminPw' -AsPlainText -Force))); 'OK' } catch { `$_.FullyQualifiedErrorId }"
        Invoke-Child $script:Store "$script:ClockFunction`nSet-TestClock '2030-01-01T12:14:59Z'`n$connect" |
            Should -Contain 'LoginLockedOut,NasBurnin.Operators.ConnectBurninOperatorCommand'
        Invoke-Child $script:Store "$script:ClockFunction`nSet-TestClock '2030-01-01T12:15:00Z'`n$connect" |
            Should -Contain 'OK'
    }

    It 'gives an unknown user name the same error as a wrong password' {
        $unknown = { Connect-BurninOperator -Credential (Cred dave 'Dave-Pw-1') } | Should -Throw -PassThru
        Connect-BurninOperator -Credential (Cred alice $script:AdminPw)
        New-BurninUser -UserName dave -Password (SS 'Dave-Pw-right') | Out-Null
        Disconnect-BurninOperator
        $wrong = { Connect-BurninOperator -Credential (Cred dave 'Dave-Pw-1') } | Should -Throw -PassThru
        $unknown.FullyQualifiedErrorId | Should -BeLike 'LoginFailed,*'
        $wrong.FullyQualifiedErrorId | Should -Be $unknown.FullyQualifiedErrorId
        $wrong.Exception.Message | Should -Be $unknown.Exception.Message
    }

    It 'is lifted by Reset-BurninUser, and every operator event is audited with its source and no secret' {
        Connect-BurninOperator -Credential (Cred alice $script:AdminPw)
        New-BurninUser -UserName bob -Password (SS $script:BobPw) | Out-Null
        Set-BurninUser -UserName bob -FullName 'Bob Tech'
        Disconnect-BurninOperator
        1..10 | ForEach-Object { try { Connect-BurninOperator -Credential (Cred bob "guess-$_") } catch { } }
        { Connect-BurninOperator -Credential (Cred bob $script:BobPw) } | Should -Throw -ErrorId 'LoginLockedOut,*'

        Reset-BurninUser -UserName bob -NewPassword (SS 'Bob-Reset-Pw-9') -Confirm:$false
        Connect-BurninOperator -Credential (Cred bob 'Bob-Reset-Pw-9')
        Set-BurninUserPassword -CurrentPassword (SS 'Bob-Reset-Pw-9') -NewPassword (SS 'Bob-Last-Pw-0') -Confirm:$false
        { Set-BurninUserPassword -CurrentPassword (SS 'Bob-Last-Pw-0') -NewPassword (SS 'short') -Confirm:$false } | Should -Throw -ErrorId 'PasswordTooShort,*'
        Disconnect-BurninOperator
        Connect-BurninOperator -Credential (Cred alice $script:AdminPw)
        Remove-BurninUser -UserName bob -Confirm:$false

        $events = Get-BurninAuditEvent
        foreach ($type in 'user_created', 'user_updated', 'user_login', 'user_login_failed', 'user_login_locked_out', 'user_reset', 'user_password_changed', 'user_logout', 'user_removed') {
            $events.Type | Should -Contain $type
        }
        $events | ForEach-Object { $_.Source | Should -Be 'ssh:192.0.2.10' }
        foreach ($secret in $script:AdminPw, $script:BobPw, 'Bob-Reset-Pw-9', 'Bob-Last-Pw-0') {
            ($events.Detail -join "`n") | Should -Not -BeLike "*$secret*"
            Test-StoreFileContains $script:Store $secret | Should -BeFalse
        }
    }
}

Describe 'Initial admin from the environment' {
    BeforeEach { $script:Store = New-TestStore }
    AfterEach { $env:NASBURNIN_INITIAL_ADMIN_USERNAME = $null; $env:NASBURNIN_INITIAL_ADMIN_PASSWORD = $null }

    It 'creates the first admin of an empty store and is ignored afterwards' {
        $env:NASBURNIN_INITIAL_ADMIN_USERNAME = 'envadmin'
        $env:NASBURNIN_INITIAL_ADMIN_PASSWORD = 'Env-Admin-Pw-42'
        Invoke-Child $script:Store "'required=' + (Get-BurninOperator).SignInRequired" | Should -Contain 'required=True'
        $env:NASBURNIN_INITIAL_ADMIN_USERNAME = 'second'
        $env:NASBURNIN_INITIAL_ADMIN_PASSWORD = 'Second-Pw-42'
        Invoke-Child $script:Store "'required=' + (Get-BurninOperator).SignInRequired" | Should -Contain 'required=True'
        $env:NASBURNIN_INITIAL_ADMIN_USERNAME = $null
        $env:NASBURNIN_INITIAL_ADMIN_PASSWORD = $null

        Connect-BurninOperator -Credential (Cred envadmin 'Env-Admin-Pw-42')
        (Get-BurninUser).UserName | Should -Be @('envadmin')
        (Get-BurninUser envadmin).IsAdmin | Should -BeTrue
        Test-StoreFileContains $script:Store 'Env-Admin-Pw-42' | Should -BeFalse
    }

    It 'refuses an empty store when only one of the two is set: a terminating error of the command that opened it' {
        $env:NASBURNIN_INITIAL_ADMIN_USERNAME = 'envadmin'
        # As the last command: pwsh -Command exits 1 because the last command failed.
        $last = Join-Path $script:Work 'half-last.db'
        $out = Invoke-PwshTask "Import-Module '$script:Manifest'; Use-BurninStore -Path '$last'"
        $LASTEXITCODE | Should -Be 1
        ($out -join "`n") | Should -Match 'Only one of NASBURNIN_INITIAL_ADMIN_USERNAME and NASBURNIN_INITIAL_ADMIN_PASSWORD'
        # Followed by more commands: only $ErrorActionPreference = 'Stop' makes the error stop the script (exit 1).
        $stop = Join-Path $script:Work 'half-stop.db'
        $out = Invoke-PwshTask "`$ErrorActionPreference = 'Stop'; Import-Module '$script:Manifest'; Use-BurninStore -Path '$stop'; 'opened'"
        $LASTEXITCODE | Should -Be 1
        $out | Should -Not -Contain 'opened'
        # In the same session: the error is terminating for the statement (the catch sees it without -ErrorAction Stop).
        $id = try { Use-BurninStore -Path (Join-Path $script:Work 'half-here.db'); 'opened' } catch { $_.FullyQualifiedErrorId }
        $id | Should -Be 'InitialAdminIncomplete,NasBurnin.Store.UseBurninStoreCommand'
    }
}
