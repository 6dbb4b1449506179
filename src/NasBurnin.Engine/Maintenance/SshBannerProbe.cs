using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace NasBurnin.Engine.Maintenance;

/// <summary>
/// Reachability over SSH without logging in: a TCP connect and the server's identification line
/// ("SSH-2.0-..."), both within the timeout. It sends its own identification before closing so the
/// server logs a clean disconnect rather than a missing banner.
/// </summary>
public sealed class SshBannerProbe : IHostProbe
{
    private const int MaxPreamble = 8192; // RFC 4253 allows lines before the version line; bound them

    public async Task<ProbeResult> ProbeAsync(HostEndpoint host, TimeSpan timeout, CancellationToken ct)
    {
        var where = $"{host.Address}:{host.Port}";
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        var sw = Stopwatch.StartNew();
        try
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(host.Address, host.Port, limit.Token).ConfigureAwait(false);
            var stream = tcp.GetStream();
            var (banner, other) = await ReadVersionLineAsync(stream, limit.Token).ConfigureAwait(false);
            if (banner is null)
                return new ProbeResult(false, other is null
                    ? $"{where} accepted the connection but sent no SSH banner."
                    : $"{where} answered, but not as an SSH server: '{other}'.");
            if (!banner.StartsWith("SSH-2.0-", StringComparison.Ordinal) && !banner.StartsWith("SSH-1.99-", StringComparison.Ordinal))
                return new ProbeResult(false, $"{where} answered, but not as an SSH-2 server: '{banner}'.");
            try
            {
                await stream.WriteAsync("SSH-2.0-NasBurnin_health\r\n"u8.ToArray(), limit.Token).ConfigureAwait(false);
            }
            catch (IOException) { /* the answer already counts */ }
            return new ProbeResult(true, $"{where} answered {banner} in {sw.ElapsedMilliseconds} ms.");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new ProbeResult(false, $"{where} did not answer within {timeout.TotalSeconds:0.#} s.");
        }
        catch (SocketException e)
        {
            return new ProbeResult(false, $"{where}: {Describe(e)}.");
        }
        catch (IOException e)
        {
            return new ProbeResult(false, $"{where}: {e.Message}");
        }
    }

    /// <summary>
    /// The first line starting "SSH-", cleaned of control characters. When the peer sends something
    /// else and then closes or goes quiet until the timeout, that first other line is returned instead.
    /// </summary>
    private static async Task<(string? Version, string? Other)> ReadVersionLineAsync(NetworkStream stream, CancellationToken ct)
    {
        var line = new StringBuilder();
        string? other = null;
        var buffer = new byte[512];
        var total = 0;
        try
        {
            while (total < MaxPreamble)
            {
                var n = await stream.ReadAsync(buffer, ct).ConfigureAwait(false);
                if (n == 0) break;
                total += n;
                for (var i = 0; i < n; i++)
                {
                    var ch = (char)buffer[i];
                    if (ch != '\n') { line.Append(ch); continue; }
                    var text = Clean(line.ToString());
                    if (text.StartsWith("SSH-", StringComparison.Ordinal)) return (text, other);
                    other ??= text.Length > 0 ? text : null;
                    line.Clear();
                }
            }
        }
        catch (OperationCanceledException) when (other is not null || line.Length > 0)
        {
            // It said something that was not an SSH banner; report that rather than a timeout.
        }
        var rest = Clean(line.ToString());
        if (rest.StartsWith("SSH-", StringComparison.Ordinal)) return (rest, other);
        return (null, other ?? (rest.Length > 0 ? rest : null));
    }

    private static string Clean(string s)
    {
        var sb = new StringBuilder(Math.Min(s.Length, 120));
        foreach (var ch in s.TrimEnd('\r'))
        {
            if (sb.Length == 120) { sb.Append('…'); break; }
            sb.Append(ch is >= ' ' and < (char)127 ? ch : '?');
        }
        return sb.ToString();
    }

    private static string Describe(SocketException e) => e.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => "connection refused (nothing listens on that port)",
        SocketError.HostNotFound or SocketError.NoData => "the name does not resolve",
        SocketError.HostUnreachable or SocketError.NetworkUnreachable => "no route to the host",
        SocketError.TimedOut => "the connection timed out",
        _ => e.Message,
    };
}
