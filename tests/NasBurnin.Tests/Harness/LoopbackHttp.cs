using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace NasBurnin.Tests.Harness;

/// <summary>One request the loopback server received.</summary>
public sealed record ReceivedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body);

/// <summary>
/// An HTTP server on 127.0.0.1 for tests: it serves files from a folder (the reports, for the browser) and
/// answers POSTs with a chosen status (the webhook receiver). Every request is recorded, so a test can say
/// exactly what arrived.
/// </summary>
public sealed class LoopbackHttp : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<ReceivedRequest> _requests = new();
    private readonly Task _loop;

    public LoopbackHttp(string? root = null)
    {
        Root = root;
        // A free port: bind, read it back, release; HttpListener then takes it.
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(Loop);
    }

    public string? Root { get; }
    public int Port { get; }
    public string Url => $"http://127.0.0.1:{Port}/";

    /// <summary>The status POSTs get (200 unless a test wants a failing receiver).</summary>
    public int PostStatus { get; set; } = 200;

    public IReadOnlyList<ReceivedRequest> Requests => _requests.ToList();

    private async Task Loop()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext ctx;
            try { ctx = await _listener.GetContextAsync().ConfigureAwait(false); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
            try
            {
                using var reader = new StreamReader(ctx.Request.InputStream);
                var body = await reader.ReadToEndAsync().ConfigureAwait(false);
                var headers = ctx.Request.Headers.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => ctx.Request.Headers[k]!, StringComparer.OrdinalIgnoreCase);
                _requests.Enqueue(new ReceivedRequest(ctx.Request.HttpMethod, ctx.Request.Url!.AbsolutePath, headers, body));
                if (ctx.Request.HttpMethod == "GET" && Root is not null && File.Exists(Path.Combine(Root, ctx.Request.Url.AbsolutePath.TrimStart('/'))))
                {
                    var bytes = await File.ReadAllBytesAsync(Path.Combine(Root, ctx.Request.Url.AbsolutePath.TrimStart('/'))).ConfigureAwait(false);
                    ctx.Response.ContentType = "text/html; charset=utf-8";
                    await ctx.Response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
                }
                else ctx.Response.StatusCode = ctx.Request.HttpMethod == "POST" ? PostStatus : 404;
                ctx.Response.Close();
            }
            catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException) { }
        }
    }

    public void Dispose()
    {
        try { _listener.Stop(); _listener.Close(); } catch (ObjectDisposedException) { }
        try { _loop.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
    }
}
