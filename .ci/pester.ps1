# Runs the Pester suite (tests/Pester) for CI in two pwsh processes at once, and exits with the number of
# failed tests, as `Invoke-Pester -CI` does. Most of the suite waits on sandbox NAS drives rather than on
# the CPU, so two halves take little more than the longer half (5.5 min alone measured on 2 cores).
# Each half is a plain `Invoke-Pester -CI` over its files; users run the whole suite the README's way.
# Readme.Tests.ps1 runs alone first: it runs the README's `dotnet build`, which reassembles out/NasBurnin
# (deleting it first), and must not do that under a part that is importing the module.
param(
    [string] $Path = (Join-Path $PSScriptRoot '../tests/Pester'),
    [int] $Shards = 2
)
$ErrorActionPreference = 'Stop'

# Seconds each file took in a CI run (2 cores); a file not listed counts as 10 s.
$weights = @{
    'Resume.Tests.ps1' = 86; 'Burnin.Tests.ps1' = 44; 'LiveNas.Tests.ps1' = 34; 'Operators.Tests.ps1' = 31
    'Install.Tests.ps1' = 30; 'Readme.Tests.ps1' = 27; 'ScheduledTask.Tests.ps1' = 25; 'Drives.Tests.ps1' = 22
    'Pools.Tests.ps1' = 17; 'Hosts.Tests.ps1' = 5
}
$alone = @('Readme.Tests.ps1')
$all = Get-ChildItem -LiteralPath $Path -Filter '*.Tests.ps1' | Sort-Object Name
$first = @($all | Where-Object Name -in $alone)
$files = @($all | Where-Object Name -notin $alone)
# Longest first into the lightest shard.
$load = [double[]]::new($Shards)
$groups = [System.Collections.Generic.List[string][]]::new($Shards)
for ($i = 0; $i -lt $Shards; $i++) { $groups[$i] = [System.Collections.Generic.List[string]]::new() }
foreach ($f in $files | Sort-Object { if ($weights.ContainsKey($_.Name)) { $weights[$_.Name] } else { 10 } } -Descending) {
    $i = [array]::IndexOf($load, ($load | Measure-Object -Minimum).Minimum)
    $groups[$i].Add($f.FullName)
    $load[$i] += if ($weights.ContainsKey($f.Name)) { $weights[$f.Name] } else { 10 }
}

$pwsh = (Get-Process -Id $PID).Path
$work = Join-Path ([System.IO.Path]::GetTempPath()) ("nasburnin-pester-shards-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
New-Item -ItemType Directory -Path $work | Out-Null
try {
    function Start-Part([string[]] $Part, [int] $Index) {
        $list = ($Part | ForEach-Object { "'" + ($_ -replace "'", "''") + "'" }) -join ','
        $result = Join-Path $work "testResults-$Index.xml"
        $command = "`$c = New-PesterConfiguration; `$c.Run.Path = @($list); `$c.Run.Exit = `$true; " +
            "`$c.TestResult.Enabled = `$true; `$c.TestResult.OutputPath = '$result'; `$c.Output.CIFormat = 'Auto'; Invoke-Pester -Configuration `$c"
        $psi = [System.Diagnostics.ProcessStartInfo]::new($pwsh)
        foreach ($a in '-NoProfile', '-NonInteractive', '-Command', $command) { $psi.ArgumentList.Add($a) }
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        $psi.UseShellExecute = $false
        $p = [System.Diagnostics.Process]::Start($psi)
        # Read both streams as they come, so a full pipe never blocks a part.
        [pscustomobject]@{ Process = $p; Out = $p.StandardOutput.ReadToEndAsync(); Err = $p.StandardError.ReadToEndAsync(); Files = $Part }
    }
    $procs = [System.Collections.Generic.List[object]]::new()
    if ($first) {
        $alonePart = Start-Part $first.FullName 0
        $alonePart.Process.WaitForExit()
        $procs.Add($alonePart)
    }
    for ($i = 0; $i -lt $Shards; $i++) { if ($groups[$i].Count) { $procs.Add((Start-Part $groups[$i] ($i + 1))) } }
    $failed = 0
    $n = 0
    $totals = @{ Passed = 0; Failed = 0; Skipped = 0 }
    foreach ($s in $procs) {
        $s.Process.WaitForExit()
        $n++
        Write-Host "===== Pester part $n of $($procs.Count) ($($s.Files.Count) files, exit $($s.Process.ExitCode)) ====="
        Write-Host $s.Out.Result
        if ($s.Err.Result) { [Console]::Error.WriteLine($s.Err.Result) }
        $plain = $s.Out.Result -replace '\e\[[0-9;]*m', ''
        foreach ($k in @($totals.Keys)) { if ($plain -match "Tests Passed: \d+.*") { if ($Matches[0] -match "${k}: (\d+)") { $totals[$k] += [int]$Matches[1] } } }
        $failed += [math]::Max($s.Process.ExitCode, 0)
        if ($s.Process.ExitCode -lt 0) { $failed++ }
    }
    Write-Host "Pester, all $($procs.Count) parts: $($totals.Passed) passed, $($totals.Failed) failed, $($totals.Skipped) skipped; exit $failed."
    exit $failed
}
finally {
    Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue
}
