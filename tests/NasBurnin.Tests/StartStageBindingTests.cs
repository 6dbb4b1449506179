using NasBurnin.Tests.Harness;
using Xunit;

namespace NasBurnin.Tests;

/// <summary>Start-BurninStage takes the stage first, so <c>Get-BurninDrive | Start-BurninStage SurfaceValidate</c> binds.</summary>
public sealed class StartStageBindingTests
{
    [SkippableFact]
    public void A_piped_drive_and_a_positional_stage_bind_and_WhatIf_starts_nothing()
    {
        Skip.IfNot(Sqlite3.Available, "needs the sqlite3 tool");
        using var dir = new TempDir();
        var db = dir.File("burnin.db");
        using var s = new PsSession(storePath: db);
        s.Run("Get-BurninConfig").AssertClean();
        Sqlite3.Exec(db, """
            INSERT INTO hosts(id, name, address, created_at) VALUES (1, 'nas1', '127.0.0.1', '2026-01-01T00:00:00.000Z');
            INSERT INTO drives(id, host_id, host_name, identity, model, serial, device_path, role, health, capacity_bytes, transport, first_seen_at, last_seen_at)
              VALUES (1, 1, 'nas1', 'seed-1', 'M', 'BIND1', '/dev/sdb', 'Free', 'Passed', 1000000000, 'Sata', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
            """);
        var r = s.Run("Get-BurninDrive -Offline -Serial BIND1 | Start-BurninStage SurfaceValidate -WhatIf");
        Assert.Empty(r.AllErrors.Where(e => e.Exception is System.Management.Automation.ParameterBindingException));
        Assert.Empty(r.AllErrors);
        Assert.Empty(r.Output);
        Assert.Equal("0", Sqlite3.Exec(db, "SELECT count(*) FROM burnin_runs"));
        // And by name, in either order, as before.
        Assert.Empty(s.Run("Start-BurninStage -Drive (Get-BurninDrive -Offline -Serial BIND1) -Stage SmartShort -WhatIf").AllErrors);
    }
}
