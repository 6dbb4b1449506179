#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# What a scheduled task sees: the exit code of a real `pwsh -NoProfile -NonInteractive -Command "..."`
# process and its output (the task's log). Every outcome is tried twice, the two ways the README's
# scheduling section gives for a task to fail:
#   * last:  the command that fails is the last one, so pwsh -Command exits 1 by itself;
#   * stop:  the script starts with $ErrorActionPreference = 'Stop' and goes on after the command, so
#            the first error has to stop it (exit 1) and the next command must not run.
#   Invoke-Pester ./tests/Pester/ScheduledTask.Tests.ps1 -Output Detailed

BeforeDiscovery {
    # {w} is this run's temp folder; each case's store is {w}/<case>/burnin.db (NASBURNIN_HOME={w}/<case>).
    $script:Cases = @(
        @{ Case = 'retention succeeds'; Exit = 0; Command = "Invoke-BurninRetention -BackupPath '{w}/ok/backups'" }
        @{ Case = 'a retention step fails'; Exit = 1; Command = "Invoke-BurninRetention -BackupPath '{w}/blocker/backups'" }
        @{ Case = 'the store is a directory'; Exit = 1; Command = 'Get-BurninConfig' }
        @{ Case = 'the store is junk'; Exit = 1; Command = 'Get-BurninConfig' }
        @{ Case = 'the store has a newer schema'; Exit = 1; Command = 'Get-BurninConfig'; Needs = 'sqlite3' }
        @{ Case = 'the initial admin is half set'; Exit = 1; Command = 'Get-BurninConfig'; Vars = @{ NASBURNIN_INITIAL_ADMIN_USERNAME = 'envadmin' } }
        @{ Case = 'a new password cannot be asked for'; Exit = 1; Command = 'New-BurninUser -UserName alice' }
        @{ Case = 'a bare -Credential user name cannot be asked for its password'; Exit = 1; Command = 'Connect-BurninOperator -Credential alice' }
    )
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $script:Manifest = Join-Path $PSScriptRoot '../../out/NasBurnin/NasBurnin.psd1' | Resolve-Path
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) ('nasburnin-pester-task-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
    New-Item -ItemType Directory -Path $script:Work | Out-Null

    # One folder per case: NASBURNIN_HOME points there, and burnin.db in it is what the case needs.
    $script:NoSqlite3 = if (-not (Get-Command sqlite3 -ErrorAction SilentlyContinue)) { 'it needs the sqlite3 tool to make a store with a newer schema (apt-get install sqlite3)' }
    function script:Get-CaseHome([string] $Case) { Join-Path $script:Work ($Case -replace '[^A-Za-z0-9]+', '-') }
    function script:New-CaseHome([string] $Case) {
        $dir = Get-CaseHome $Case
        New-Item -ItemType Directory -Path $dir -Force | Out-Null
        $db = Join-Path $dir 'burnin.db'
        switch ($Case) {
            'a retention step fails' { Set-Content (Join-Path $script:Work 'blocker') 'a file, where the backup folder should be' }
            'the store is a directory' { New-Item -ItemType Directory -Path $db -Force | Out-Null }
            'the store is junk' { Set-Content $db 'not a database, just a text file that happens to be called burnin.db' }
            'the store has a newer schema' { sqlite3 $db 'PRAGMA user_version = 999; CREATE TABLE IF NOT EXISTS later(x);' }
        }
        $dir
    }

    # Runs the script like a scheduled task; returns the exit code and everything it printed (stdout and stderr).
    function script:Invoke-Task([string] $Script, [string] $HomeDir, [hashtable] $Vars) {
        $all = @{ NASBURNIN_HOME = $HomeDir; NASBURNIN_INITIAL_ADMIN_USERNAME = $null; NASBURNIN_INITIAL_ADMIN_PASSWORD = $null }
        if ($Vars) { foreach ($k in $Vars.Keys) { $all[$k] = $Vars[$k] } }
        $saved = @{}
        foreach ($k in $all.Keys) { $saved[$k] = [Environment]::GetEnvironmentVariable($k); [Environment]::SetEnvironmentVariable($k, $all[$k]) }
        try {
            $out = Invoke-PwshTask $Script
            [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = ($out -join "`n") }
        }
        finally {
            foreach ($k in $saved.Keys) { [Environment]::SetEnvironmentVariable($k, $saved[$k]) }
        }
    }

    # The prompts these cmdlets (and pwsh's own credential prompt) show to someone who can answer; a task's log must not contain them.
    $script:PromptText = "New password for '|Type the new password|Password for user \w+:|credential request|Enter your credentials|Pin this key|type exactly"
}

AfterAll {
    Remove-Item -Recurse -Force $script:Work -ErrorAction SilentlyContinue
}

Describe 'A scheduled task (pwsh -NoProfile -NonInteractive -Command)' {
    BeforeEach { if ($Needs -eq 'sqlite3') { Skip-Because $script:NoSqlite3 } }

    It 'exits <Exit> when <Case>, as the last command' -ForEach $script:Cases {
        $dir = New-CaseHome $Case
        $r = Invoke-Task "Import-Module '$script:Manifest'; $($Command.Replace('{w}', $script:Work))" $dir $Vars
        $r.ExitCode | Should -Be $Exit -Because $r.Output
        $r.Output | Should -Not -MatchExactly $script:PromptText
    }

    It 'exits <Exit> when <Case>, under $ErrorActionPreference = ''Stop'' with a command after it' -ForEach $script:Cases {
        $dir = New-CaseHome $Case
        $r = Invoke-Task "`$ErrorActionPreference = 'Stop'; Import-Module '$script:Manifest'; $($Command.Replace('{w}', $script:Work)); 'the next command ran'" $dir $Vars
        $r.ExitCode | Should -Be $Exit -Because $r.Output
        $r.Output | Should -Not -MatchExactly $script:PromptText
        if ($Exit -eq 0) { $r.Output | Should -Match 'the next command ran' } else { $r.Output | Should -Not -Match 'the next command ran' }
    }
}
