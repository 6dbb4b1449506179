using NasBurnin.Engine.Remote;
using NasBurnin.Engine.Store;
using Xunit;

namespace NasBurnin.Engine.Tests.Remote;

public sealed class ShellPoolTests : IDisposable
{
    private const string A = "SHA256:uYO5pmFO2HrtBCbFaZHAk2HOAs2b9HCE1Ztxl1AS66M";
    private const string B = "SHA256:33hOVELSmu2aYcGswYictDoQVoco6CCG4AioG5wEWYI";
    private readonly string _dir = TestPaths.Temp();
    private readonly HostConnector _connector;

    public ShellPoolTests() => _connector = new HostConnector(BurninStore.Open(Path.Combine(_dir, "s.db")));

    public void Dispose() => Directory.Delete(_dir, true);

    private sealed class FakeShell(string? fingerprint) : RemoteShellBase("nas01", 22, "root", useSudo: false)
    {
        public bool Disposed { get; private set; }
        public override HostTransport Transport => HostTransport.Ssh;
        public override string? HostKeyFingerprint => fingerprint;
        protected override Task<CommandResult> ExecuteAsync(IReadOnlyList<string> argv, byte[]? input, CancellationToken ct) =>
            Task.FromResult(new CommandResult(0, string.Join(" ", argv), ""));
        public override void Dispose() => Disposed = true;
    }

    [Fact]
    public async Task Keeps_one_shell_per_host_and_applies_the_stored_sudo_choice()
    {
        using var pool = new ShellPool();
        var shell = new FakeShell(A);
        pool.Put(7, shell);
        var host = new HostRecord { Id = 7, Name = "nas01", HostKeySha256 = A, UseSudo = true };
        Assert.Same(shell, await pool.GetAsync(host, _connector, default));
        Assert.True(shell.UseSudo);
        Assert.StartsWith("sudo -n /bin/sh -c", (await shell.RunAsync("id", TimeSpan.FromSeconds(5), default)).StdOut);
    }

    [Fact]
    public async Task A_shell_verified_against_another_key_than_the_pin_is_replaced()
    {
        using var pool = new ShellPool();
        var stale = new FakeShell(A);
        pool.Put(7, stale);
        // Another session re-pinned the host; this is a local host record so the pool can reopen it without a server.
        var host = new HostRecord { Id = 7, Name = "localhost", Port = 0, Transport = HostTransport.Local, HostKeySha256 = B };
        var fresh = await pool.GetAsync(host, _connector, default);
        Assert.True(stale.Disposed);
        Assert.IsType<LocalShell>(fresh);
    }

    [Fact]
    public void Close_and_dispose_close_the_shells()
    {
        var pool = new ShellPool();
        var a = new FakeShell(null);
        var b = new FakeShell(null);
        pool.Put(1, a);
        pool.Put(2, b);
        Assert.True(pool.Close(1));
        Assert.False(pool.Close(1));
        Assert.True(a.Disposed);
        pool.Dispose();
        Assert.True(b.Disposed);
        Assert.False(pool.IsConnected(2));
    }
}
