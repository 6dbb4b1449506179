using NasBurnin.Engine.Common;
using NasBurnin.Engine.Store;
using Xunit;

namespace NasBurnin.Engine.Tests.Store;

public class AuditLogTests
{
    private sealed class FixedClock : IClock
    {
        public DateTimeOffset UtcNow { get; set; } = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
    }

    [Fact]
    public void Records_and_filters_events()
    {
        var dir = TestPaths.Temp();
        try
        {
            var clock = new FixedClock();
            var log = new AuditLog(BurninStore.Open(Path.Combine(dir, "a.db"), clock));
            var alice = new Actor("alice", "ssh:10.0.0.5");
            log.Record("user_login", alice);
            clock.UtcNow = clock.UtcNow.AddHours(1);
            log.Record("mounted_drive_unlocked", alice, "token accepted", "nas1", "ZL2ABC_1");
            log.Record("user_logout", new Actor("bob", "local:m\\bob"));

            Assert.Equal(3, log.Query(new AuditQuery()).Count);
            var unlock = Assert.Single(log.Query(new AuditQuery(Serial: "ZL2*")));
            Assert.Equal("nas1", unlock.HostName);
            Assert.Null(unlock.RunId);
            Assert.Empty(log.Query(new AuditQuery(Serial: "ZL2A_C*"))); // '_' is literal
            Assert.Equal(2, log.Query(new AuditQuery(Since: clock.UtcNow)).Count);
            Assert.Equal("bob", Assert.Single(log.Query(new AuditQuery(Operator: "BOB"))).Operator);
            Assert.Equal("user_logout", Assert.Single(log.Query(new AuditQuery(Last: 1))).Type);
            Assert.Equal(2, log.Query(new AuditQuery(Types: new[] { "user_login", "user_logout" })).Count);
        }
        finally { Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools(); Directory.Delete(dir, true); }
    }

    [Theory]
    [InlineData("10.1.2.3 51234 22", null, "ssh:10.1.2.3")]
    [InlineData(null, "fe80::1 5000 fe80::2 22", "ssh:fe80::1")]
    [InlineData(null, null, "local:box\\ann")]
    public void Source_is_the_ssh_client_else_machine_and_user(string? client, string? connection, string expected) =>
        Assert.Equal(expected, Actor.SourceFrom(client, connection, "box", "ann"));
}
