using System.Globalization;
using NasBurnin.Engine.Common;
using NasBurnin.Engine.Remote;

namespace NasBurnin.Engine.Inventory;

/// <summary>Takes a live inventory of one host: one script, one round trip, then parsing on this side.</summary>
public static class InventoryCollector
{
    /// <summary>
    /// Runs the inventory script through <paramref name="shell"/> and builds the host's drives. Connection
    /// failures, timeouts and cancellation propagate from the shell. A script that printed nothing NasBurnin
    /// understands (no shell, a sudo prompt, a wrapper that swallowed the output) is an
    /// <c>InventoryScriptFailed</c> error; anything less degrades to warnings on the result.
    /// </summary>
    public static async Task<HostInventory> CollectAsync(IRemoteShell shell, InventoryOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(shell);
        options ??= new InventoryOptions();
        var script = InventoryScript.Build(options.Script);
        var result = await shell.RunAsync(script, options.Timeout, cancellationToken).ConfigureAwait(false);
        var output = InventoryOutput.Parse(result.StdOut);
        if (output.Sections.Count == 0)
        {
            var why = result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
            throw new BurninException("InventoryScriptFailed", ErrorKind.InvalidData,
                $"The inventory script on host '{shell.HostName}' printed no inventory (exit code {result.ExitCode.ToString(CultureInfo.InvariantCulture)}" +
                (why is null ? ")." : $"): {RemoteNames.Printable(JsonRead.Shorten(why))}")) { Target = shell.HostName };
        }
        return InventoryBuilder.Build(shell.HostName, output, options);
    }
}
