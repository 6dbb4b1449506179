# Install and Uninstall for build.ps1: the module goes where Install-PSResource/Install-Module put it,
# <module path of the scope>/<Name>/<Version>/, so `Import-Module <Name>` finds it by name and versions
# sit side by side. Dot-sourced by build.ps1.

# The scope's module folder, by the rules pwsh uses to build $env:PSModulePath (and PSResourceGet to install):
# Unix: $XDG_DATA_HOME/powershell/Modules, else ~/.local/share/powershell/Modules; /usr/local/share/powershell/Modules.
# Windows: <Documents>\PowerShell\Modules (wherever Documents is redirected); $env:ProgramFiles\PowerShell\Modules.
function Get-ModuleScopePath([ValidateSet('CurrentUser', 'AllUsers')] [string] $Scope) {
    if ($IsWindows) {
        $base = if ($Scope -eq 'AllUsers') { [Environment]::GetFolderPath('ProgramFiles') } else { [Environment]::GetFolderPath('Personal') }
        if (-not $base) { throw "Windows reports no $(if ($Scope -eq 'AllUsers') { 'Program Files' } else { 'Documents' }) folder for this account, so there is no $Scope module path." }
        return [IO.Path]::Combine($base, 'PowerShell', 'Modules')
    }
    if ($Scope -eq 'AllUsers') { return '/usr/local/share/powershell/Modules' }
    $data = $env:XDG_DATA_HOME
    if ([string]::IsNullOrEmpty($data)) {
        $homeDir = if ($env:HOME) { $env:HOME } else { [Environment]::GetFolderPath('UserProfile') }
        $data = [IO.Path]::Combine($homeDir, '.local', 'share')
    }
    [IO.Path]::Combine($data, 'powershell', 'Modules')
}

function Get-ScopeHint([string] $Scope) {
    if ($Scope -eq 'CurrentUser') { return 'Check that the folder and its parents are writable by this account.' }
    if ($IsWindows) { 'Installing for all users needs an elevated (Run as administrator) pwsh; or use -Scope CurrentUser.' }
    else { 'Installing for all users needs root (sudo pwsh ./build.ps1 -Task Install -Scope AllUsers); or use -Scope CurrentUser.' }
}

# A sibling of the version folder that module discovery ignores (its name is not a version).
function New-SiblingPath([string] $VersionDir, [string] $Purpose) {
    $parent = Split-Path -Parent $VersionDir
    Join-Path $parent (".{0}.{1}-{2}" -f (Split-Path -Leaf $VersionDir), $Purpose, [guid]::NewGuid().ToString('N').Substring(0, 8))
}

# Moves an installed version folder aside in one rename. On Windows a module loaded by a running session
# (a scheduled task, an open window) can hold its files; the rename then fails before anything changed.
function Move-InstalledVersion([string] $VersionDir, [string] $To, [string] $Name, [string] $Version, [string] $Doing) {
    try {
        [IO.Directory]::Move($VersionDir, $To)
    } catch {
        $reason = Get-InnerMessage $_
        throw ("Cannot {0} {1} {2} in '{3}' ({4}). It is probably in use: a pwsh session or scheduled task has the module loaded. " +
            "Close those sessions (or wait for the task to finish) and run this again. Nothing was changed.") -f $Doing, $Name, $Version, $VersionDir, $reason
    }
}

# The operating system's reason, for a message: a .NET method's own text (not PowerShell's
# 'Exception calling "Move" with "2" argument(s)' wrapper), without its final period.
function Get-InnerMessage([Management.Automation.ErrorRecord] $Record) {
    $e = $Record.Exception
    if ($e -is [Management.Automation.MethodInvocationException] -and $e.InnerException) { $e = $e.InnerException }
    $e.Message.Trim().TrimEnd('.')
}

function Remove-MovedVersion([string] $Path) {
    try {
        Remove-Item -LiteralPath $Path -Recurse -Force -ErrorAction Stop
    } catch {
        Write-Warning "The old copy moved to '$Path' could not be deleted yet ($(Get-InnerMessage $_)); pwsh ignores it. Delete it after the sessions using it have closed."
    }
}

function Get-RelativeFileList([string] $Dir) {
    $root = (Resolve-Path -LiteralPath $Dir).ProviderPath
    Get-ChildItem -LiteralPath $root -File -Recurse | ForEach-Object { '{0}|{1}' -f [IO.Path]::GetRelativePath($root, $_.FullName).Replace('\', '/'), $_.Length } | Sort-Object
}

# Copies $ModuleDir into <scope path>/<Name>/<Version>/. The copy is made in a temp sibling and renamed into
# place, so a failed or interrupted install never leaves a half-copied version that Import-Module would load;
# an existing folder of the same version is replaced whole, other versions are left alone.
function Install-ModuleFolder([string] $ModuleDir, [string] $Scope) {
    $manifestFile = Get-ChildItem -LiteralPath $ModuleDir -Filter *.psd1 | Select-Object -First 1
    $name = $manifestFile.BaseName
    $version = (Import-PowerShellDataFile -LiteralPath $manifestFile.FullName).ModuleVersion
    $scopePath = Get-ModuleScopePath $Scope
    $parent = Join-Path $scopePath $name
    $target = Join-Path $parent $version
    try {
        New-Item -ItemType Directory -Path $parent -Force -ErrorAction Stop | Out-Null
    } catch {
        throw "Cannot create '$parent' to install $name $version ($(Get-InnerMessage $_)). $(Get-ScopeHint $Scope)"
    }

    $staging = New-SiblingPath $target 'installing'
    $done = $false
    try {
        try {
            Copy-Item -LiteralPath $ModuleDir -Destination $staging -Recurse -ErrorAction Stop
        } catch {
            throw "Cannot copy $name $version into '$parent' ($(Get-InnerMessage $_)). $(Get-ScopeHint $Scope) Nothing was installed."
        }
        if (Compare-Object @(Get-RelativeFileList $ModuleDir) @(Get-RelativeFileList $staging)) {
            throw "The copy of $name $version in '$staging' does not match '$ModuleDir'. Nothing was installed."
        }
        $replaced = $null
        if (Test-Path -LiteralPath $target) {
            $replaced = New-SiblingPath $target 'replaced'
            Move-InstalledVersion $target $replaced $name $version 'replace'
        }
        try {
            [IO.Directory]::Move($staging, $target)
        } catch {
            $reason = Get-InnerMessage $_
            if ($replaced) { [IO.Directory]::Move($replaced, $target) }
            throw "Cannot move the new copy of $name $version into '$target' ($reason). The previous state was kept."
        }
        if ($replaced) { Remove-MovedVersion $replaced }
        $done = $true
    } finally {
        if (Test-Path -LiteralPath $staging) { Remove-Item -LiteralPath $staging -Recurse -Force -ErrorAction SilentlyContinue }
        # A first install that failed leaves no empty <Name> folder behind.
        if (-not $done -and -not (Get-ChildItem -LiteralPath $parent -Force)) { Remove-Item -LiteralPath $parent -Force -ErrorAction SilentlyContinue }
    }

    Write-Host "Installed $name $version in $target ($Scope)."
    $onPath = $env:PSModulePath -split [IO.Path]::PathSeparator | Where-Object { $_ -and [IO.Path]::TrimEndingDirectorySeparator($_) -eq [IO.Path]::TrimEndingDirectorySeparator($scopePath) }
    if (-not $onPath) {
        Write-Warning "'$scopePath' is not in `$env:PSModulePath of this session, so 'Import-Module $name' may not find it here; a new pwsh started without PSModulePath set adds it."
    }
    Get-Item -LiteralPath $target
}

# Removes <scope path>/<Name>/<Version>/ (and <Name>/ once no version is left).
function Uninstall-ModuleVersion([string] $Name, [string] $Version, [string] $Scope) {
    $parent = Join-Path (Get-ModuleScopePath $Scope) $Name
    $target = Join-Path $parent $Version
    if (-not (Test-Path -LiteralPath $target)) {
        Write-Warning "$Name $Version is not installed in '$parent' ($Scope); nothing to remove."
        return
    }
    $removing = New-SiblingPath $target 'removing'
    Move-InstalledVersion $target $removing $Name $Version 'remove'
    Remove-MovedVersion $removing
    # Copies an earlier install or uninstall could not delete while they were in use.
    Get-ChildItem -LiteralPath $parent -Directory -Force -Filter ".$Version.*" |
        Where-Object Name -Match '\.(replaced|removing)-[0-9a-f]{8}$' |
        ForEach-Object { Remove-MovedVersion $_.FullName }
    if (-not (Get-ChildItem -LiteralPath $parent -Force)) { Remove-Item -LiteralPath $parent -Force }
    Write-Host "Removed $Name $Version from $target ($Scope)."
}
