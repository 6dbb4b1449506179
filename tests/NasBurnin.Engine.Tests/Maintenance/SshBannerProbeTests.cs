using System.Net;
using System.Net.Sockets;
using System.Text;
using NasBurnin.Engine.Maintenance;
using Xunit;

namespace NasBurnin.Engine.Tests.Maintenance;

/// <summary>The banner probe against small servers on 127.0.0.1.</summary>
public class SshBannerProbeTests
{
    /// <summary>Accepts one connection, sends <paramref name="greeting"/> (if any) and holds the line open until disposed.</summary>
    private sealed class OneShotServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _serving;

        public OneShotServer(string? greeting)
        {
            _listener.Start();
            _serving = Task.Run(async () =>
            {
                try
                {
                    using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    if (greeting is not null)
                        await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes(greeting), _stop.Token);
                    await Task.Delay(Timeout.Infinite, _stop.Token);
                }
                catch (OperationCanceledException) { }
            });
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public void Dispose()
        {
            _stop.Cancel();
            try { _serving.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
            _listener.Stop();
        }
    }

    private static ProbeResult Probe(int port, double seconds = 2) =>
        new SshBannerProbe().ProbeAsync(new HostEndpoint("h", "127.0.0.1", port), TimeSpan.FromSeconds(seconds), CancellationToken.None).GetAwaiter().GetResult();

    [Fact]
    public void An_SSH_server_banner_is_reachable()
    {
        using var server = new OneShotServer("a pre-banner line\r\nSSH-2.0-OpenSSH_9.2p1 Debian\r\n");
        var r = Probe(server.Port);
        Assert.True(r.Reachable, r.Detail);
        Assert.Contains("SSH-2.0-OpenSSH_9.2p1 Debian", r.Detail);
    }

    [Fact]
    public void A_server_that_is_not_SSH_is_not_reachable_as_SSH()
    {
        using var server = new OneShotServer("HTTP/1.1 400 Bad Request\r\n");
        var r = Probe(server.Port, 1);
        Assert.False(r.Reachable);
        Assert.Contains("not as an SSH server: 'HTTP/1.1 400 Bad Request'", r.Detail);
    }

    [Fact]
    public void A_silent_server_times_out()
    {
        using var server = new OneShotServer(null);
        var r = Probe(server.Port, 0.5);
        Assert.False(r.Reachable);
        Assert.Contains("did not answer within 0.5 s", r.Detail);
    }

    [Fact]
    public void A_closed_port_is_refused()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var r = Probe(port);
        Assert.False(r.Reachable);
        Assert.Contains("connection refused", r.Detail);
    }
}
