using System.ComponentModel;
using System.Diagnostics;
using NasBurnin.Engine.Common;

namespace NasBurnin.Engine.Remote;

/// <summary>
/// Runs commands on this machine with /bin/sh, for pwsh running on the NAS itself (Linux only). Same
/// contract as <see cref="SshShell"/>: sudo prefix, timeout, and Ctrl+C kills the whole process tree.
/// </summary>
public sealed class LocalShell : RemoteShellBase
{
    public LocalShell(string hostName, bool useSudo)
        : base(hostName, 0, Environment.UserName, useSudo)
    {
        if (!OperatingSystem.IsLinux()) throw HostErrors.LocalNotSupported();
    }

    public override HostTransport Transport => HostTransport.Local;

    protected override async Task<CommandResult> ExecuteAsync(IReadOnlyList<string> argv, byte[]? input, CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo(argv[0])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in argv.Skip(1)) psi.ArgumentList.Add(a);

        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new InvalidOperationException("Process.Start returned no process.");
        }
        catch (Win32Exception) when (argv[0] == "sudo")
        {
            throw HostErrors.SudoNotFound(HostName);
        }
        catch (Win32Exception e)
        {
            throw new BurninException("LocalCommandFailed", ErrorKind.ResourceUnavailable,
                $"Cannot start {argv[0]} on this machine: {e.Message}", e) { Target = HostName };
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
            var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
            try
            {
                if (input is not null)
                    await process.StandardInput.BaseStream.WriteAsync(input, cancellationToken).ConfigureAwait(false);
                process.StandardInput.Close(); // EOF: nothing waits for input that never comes
                await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException)
            {
                // The child and everything it started: a local script may spawn long-running tools.
                try { process.Kill(entireProcessTree: true); }
                catch (InvalidOperationException) { } // already gone
                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                if (e is OperationCanceledException) throw;
            }
            return new CommandResult(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
        }
    }

    public override void Dispose() { }
}
