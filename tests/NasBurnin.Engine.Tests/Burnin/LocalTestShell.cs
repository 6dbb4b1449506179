using System.Diagnostics;
using NasBurnin.Engine.Remote;

namespace NasBurnin.Engine.Tests.Burnin;

/// <summary>/bin/sh on this machine with a chosen environment: the engine's scripts run exactly as on a host.</summary>
internal sealed class LocalTestShell : IRemoteShell
{
    private readonly IDictionary<string, string> _env;

    public LocalTestShell(string hostName, IDictionary<string, string> env)
    {
        HostName = hostName;
        _env = env;
    }

    public string HostName { get; }

    public async Task<CommandResult> RunAsync(string script, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        foreach (var kv in _env) psi.Environment[kv.Key] = kv.Value;
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var o = p.StandardOutput.ReadToEndAsync(cancellationToken);
        var e = p.StandardError.ReadToEndAsync(cancellationToken);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        await p.WaitForExitAsync(cts.Token);
        return new CommandResult(p.ExitCode, await o, await e);
    }

    public Task UploadAsync(string remotePath, byte[] content, int unixMode, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public void Dispose() { }
}
