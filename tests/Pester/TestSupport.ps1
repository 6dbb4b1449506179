# Shared by the *.Tests.ps1 files (dot-sourced in their BeforeAll): why a test cannot run on this
# machine, and a skip that says so. Pester 5 evaluates -Skip:(...) at discovery, before BeforeAll, so
# these files decide in BeforeAll and skip with Set-ItResult -Skipped -Because (the reason is in the
# detailed output and the test results), and print the reason once so -Output Normal shows it too.

# The pwsh running these tests: child processes use the same one (it need not be on PATH).
$script:Pwsh = [Environment]::ProcessPath

# Runs a command in a new pwsh the way a scheduled task does; returns what it printed (stdout and stderr)
# as lines without colour codes (pwsh colours its error view even into a pipe, and the codes are not valid
# in the XML test report). $LASTEXITCODE is the process's exit code afterwards.
function Invoke-PwshTask([string] $Command) {
    & $script:Pwsh -NoProfile -NonInteractive -Command $Command 2>&1 | ForEach-Object { "$_" -replace '\x1b\[[0-9;?]*[A-Za-z]', '' }
}

function Get-SshdSkipReason {
    if (-not $IsLinux) { return 'it needs Linux (a throw-away OpenSSH sshd on 127.0.0.1)' }
    if (-not (Test-Path /usr/sbin/sshd)) { return 'it needs /usr/sbin/sshd (apt-get install openssh-server)' }
    if (-not (Get-Command ssh-keygen -ErrorAction SilentlyContinue)) { return 'it needs ssh-keygen (apt-get install openssh-client)' }
    $null
}

# The sandbox NAS (tests/testnas/start.sh) checks the rest itself and fails loudly.
function Get-SandboxSkipReason([switch] $Faulty) {
    if (-not $IsLinux) { return 'the sandbox NAS (tests/testnas) needs Linux' }
    if ((& id -u) -ne '0') { return 'the sandbox NAS needs root (it creates loop devices)' }
    if ($reason = Get-SshdSkipReason) { return $reason }
    if (-not (Test-Path /usr/sbin/badblocks)) { return 'the sandbox NAS needs badblocks (apt-get install e2fsprogs)' }
    if ($Faulty -and -not (Test-Path /dev/fuse)) { return 'the faulty sandbox drive needs FUSE (/dev/fuse)' }
    $null
}

# In a Describe's BeforeAll: print why its tests are skipped (nothing when $Reason is empty).
function Write-SkipReason([string] $Block, [string] $Reason) {
    if ($Reason) { Write-Host "[!] '$Block' is skipped on this machine, because $Reason" -ForegroundColor Yellow }
}

# In a BeforeEach or an It: skip the test with its reason (nothing when $Reason is empty).
function Skip-Because([string] $Reason) {
    if ($Reason) { Set-ItResult -Skipped -Because $Reason }
}

# Starts the sandbox NAS in a new temp folder and returns its testnas.json facts; a failed start is a failure, not a skip.
function Start-SandboxNas([string[]] $Options = @()) {
    $state = Join-Path ([IO.Path]::GetTempPath()) ('nb-pester-nas-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
    $out = & bash (Join-Path $PSScriptRoot '../testnas/start.sh') $state @Options 2>&1
    if ($LASTEXITCODE -ne 0) {
        & bash (Join-Path $PSScriptRoot '../testnas/stop.sh') $state 2>&1 | Out-Null
        throw "The sandbox NAS did not start (exit code $LASTEXITCODE): $($out -join "`n")"
    }
    Get-Content -Raw (Join-Path $state 'testnas.json') | ConvertFrom-Json
}

function Stop-SandboxNas($Nas) {
    if ($Nas) { & bash (Join-Path $PSScriptRoot '../testnas/stop.sh') $Nas.stateDir 2>&1 | Out-Null }
}

# Runs a program that could hang (a build, a burn-in) with a time limit: on timeout it kills the process
# and its children and throws. Returns the exit code and what it printed, without colour codes.
function Invoke-Bounded([string] $File, [string[]] $Arguments, [string] $WorkingDirectory, [hashtable] $Environment = @{}, [int] $TimeoutSeconds = 600) {
    $psi = [Diagnostics.ProcessStartInfo]::new($File)
    foreach ($a in $Arguments) { $psi.ArgumentList.Add($a) }
    $psi.WorkingDirectory = $WorkingDirectory
    $psi.UseShellExecute = $false
    $psi.RedirectStandardInput = $true
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    foreach ($k in $Environment.Keys) { $psi.Environment[$k] = $Environment[$k] }
    $p = [Diagnostics.Process]::Start($psi)
    try {
        $p.StandardInput.Close()   # nobody at the keyboard, like a scheduled task
        $stdout = $p.StandardOutput.ReadToEndAsync()
        $stderr = $p.StandardError.ReadToEndAsync()
        if (-not $p.WaitForExit($TimeoutSeconds * 1000)) {
            $p.Kill($true)
            throw "$File $($Arguments -join ' ') did not finish within $TimeoutSeconds s"
        }
        $p.WaitForExit()
        $strip = { param($t) $t -replace '\x1b\[[0-9;?]*[A-Za-z]', '' }
        [pscustomobject]@{ ExitCode = $p.ExitCode; StdOut = (& $strip $stdout.Result); StdErr = (& $strip $stderr.Result) }
    }
    finally { $p.Dispose() }
}

# A store of its own in a new temp folder, made this session's store (after Import-Module); returns the folder.
function New-TestStore {
    $dir = Join-Path ([IO.Path]::GetTempPath()) ("nasburnin-pester-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
    New-Item -ItemType Directory -Path $dir | Out-Null
    Use-BurninStore -Path (Join-Path $dir 'burnin.db')
    $dir
}
