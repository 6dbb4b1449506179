using NasBurnin.Engine.Remote;
using NasBurnin.Engine.Store;

namespace NasBurnin.Engine.Burnin;

/// <summary>A registered host as the burn-in engine needs it: work folder, tool paths, run limit and shell.</summary>
public static class HostContexts
{
    public static HostContext For(HostRecord h, BurninSettings s, IRemoteShell shell) =>
        new(h.Id, h.Name, h.EffectiveWorkDir(s),
            new RunnerTools(h.ToolPath(HostTools.Smartctl), h.ToolPath(HostTools.Badblocks), h.ToolPath(HostTools.Nvme),
                h.ToolPath(HostTools.Lsblk), h.ToolPath(HostTools.Findmnt), h.ToolPath(HostTools.Zpool)),
            h.EffectiveMaxParallelRuns(s), shell);

    /// <summary>The host's context for planning, which never talks to the host.</summary>
    public static HostContext ForPlanning(HostRecord h, BurninSettings s) => For(h, s, PlanningShell.Instance);

    /// <summary>A placeholder shell for planning: any command or upload is a bug.</summary>
    public sealed class PlanningShell : IRemoteShell
    {
        public static readonly PlanningShell Instance = new();
        public string HostName => "";
        public Task<CommandResult> RunAsync(string script, TimeSpan timeout, CancellationToken cancellationToken) => throw new InvalidOperationException("planning does not run commands");
        public Task UploadAsync(string remotePath, byte[] content, int unixMode, CancellationToken cancellationToken) => throw new InvalidOperationException("planning does not upload");
        public void Dispose() { }
    }
}
