@{
    RootModule           = 'NasBurnin.Cmdlets.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '5b0c6f53-8f7e-4f0c-9a43-4f1e2f7b9c21'
    Author               = 'NasBurnin contributors'
    CompanyName          = 'NasBurnin'
    Copyright            = '(c) NasBurnin contributors. MIT License.'
    Description          = 'Burn in NAS drives over SSH, decide pass or fail from evidence, never wipe the wrong disk, and keep results, operators, audit events and backups in an embedded SQLite store.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    # The enums the cmdlets' parameters are typed by: loaded before the cmdlets are reflected (see NasBurnin.Contracts).
    RequiredAssemblies   = @('NasBurnin.Contracts.dll')
    FormatsToProcess     = @('NasBurnin.Format.ps1xml', 'Operators.Format.ps1xml', 'Hosts.Format.ps1xml', 'Burnin.Format.ps1xml', 'Drives.Format.ps1xml', 'Maintenance.Format.ps1xml', 'Reports.Format.ps1xml')
    CmdletsToExport      = @(
        'Backup-BurninStore'
        'Connect-BurninHost'
        'Connect-BurninOperator'
        'Disconnect-BurninHost'
        'Disconnect-BurninOperator'
        'Export-BurninReport'
        'Get-BurninAuditEvent'
        'Get-BurninBackup'
        'Get-BurninConfig'
        'Get-BurninDrive'
        'Get-BurninHealthRule'
        'Get-BurninHost'
        'Get-BurninNotification'
        'Get-BurninOperator'
        'Get-BurninRun'
        'Get-BurninStage'
        'Get-BurninStore'
        'Get-BurninUser'
        'Invoke-BurninRetention'
        'Lock-BurninDrive'
        'New-BurninUser'
        'Remove-BurninHealthRule'
        'Remove-BurninHost'
        'Remove-BurninNotification'
        'Remove-BurninUser'
        'Reset-BurninUser'
        'Restore-BurninStore'
        'Resume-BurninRun'
        'Send-BurninReport'
        'Set-BurninConfig'
        'Set-BurninHealthRule'
        'Set-BurninHost'
        'Set-BurninNotification'
        'Set-BurninUser'
        'Set-BurninUserPassword'
        'Start-BurninRun'
        'Start-BurninStage'
        'Stop-BurninRun'
        'Sync-BurninInventory'
        'Test-BurninHealth'
        'Test-BurninHost'
        'Test-BurninNotification'
        'Unlock-MountedDrive'
        'Use-BurninStore'
        'Wait-BurninRun'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('NAS', 'burn-in', 'SMART', 'badblocks', 'ZFS', 'SSH', 'storage', 'PSEdition_Core', 'Linux', 'Windows', 'MacOS')
            LicenseUri   = 'https://opensource.org/licenses/MIT'
            ReleaseNotes = 'Foundation: store, configuration, help.'
        }
    }
}
