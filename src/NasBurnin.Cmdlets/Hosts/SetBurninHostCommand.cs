using System.Management.Automation;
using NasBurnin.Completion;
using NasBurnin.Common;
using NasBurnin.Engine.Remote;

namespace NasBurnin.Hosts;

/// <summary>
/// Set-BurninHost: per-host tool paths, work folder, sudo, parallel-run limit and loop devices. Paths are checked
/// before anything is written (absolute, no spaces, shell characters or '..'), so -WhatIf and the real
/// run refuse the same values. Only HostName and Port bind from the pipeline. Tool paths decide what
/// runs as root on the NAS, so once the store has users only a signed-in admin may change them (or
/// anything else here); every change is audited as host_changed, each setting before and after.
/// </summary>
[Cmdlet(VerbsCommon.Set, "BurninHost", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(BurninHost))]
public sealed class SetBurninHostCommand : BurninCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("ComputerName", "Host")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(HostNameCompleter))]
    public string[] HostName { get; set; } = Array.Empty<string>();

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateRange(0, 65535)]
    public int? Port { get; set; }

    [Parameter] [AllowEmptyString] public string? SmartctlPath { get; set; }
    [Parameter] [AllowEmptyString] public string? ZpoolPath { get; set; }
    [Parameter] [AllowEmptyString] public string? NvmePath { get; set; }
    [Parameter] [AllowEmptyString] public string? BadblocksPath { get; set; }
    [Parameter] [AllowEmptyString] public string? LsblkPath { get; set; }
    [Parameter] [AllowEmptyString] public string? FindmntPath { get; set; }

    [Parameter]
    [AllowEmptyString]
    public string? WorkDir { get; set; }

    [Parameter]
    public SwitchParameter UseSudo { get; set; }

    [Parameter]
    [ValidateRange(0, 64)]
    public int? MaxParallelRuns { get; set; }

    /// <summary>$true: loop devices count as drives in this host's inventory (the sandbox NAS); $false: they never do.</summary>
    [Parameter]
    public bool? IncludeLoopDevices { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var tools = new Dictionary<string, string>(StringComparer.Ordinal);
        void Tool(string tool, string? value) { if (value is not null) tools[tool] = value; }
        Tool(HostTools.Smartctl, SmartctlPath);
        Tool(HostTools.Zpool, ZpoolPath);
        Tool(HostTools.Nvme, NvmePath);
        Tool(HostTools.Badblocks, BadblocksPath);
        Tool(HostTools.Lsblk, LsblkPath);
        Tool(HostTools.Findmnt, FindmntPath);
        var changes = Terminating(() => HostsFacade.CheckChanges(new HostChanges
        {
            ToolPaths = tools.Count > 0 ? tools : null,
            WorkDir = WorkDir,
            UseSudo = MyInvocation.BoundParameters.ContainsKey(nameof(UseSudo)) ? UseSudo.IsPresent : null,
            MaxParallelRuns = MaxParallelRuns,
            IncludeLoopDevices = IncludeLoopDevices,
        }));

        var actor = changes != new HostChanges() ? RequireAdmin("change host settings").Actor : null;
        var settings = ReadSettings();
        var hosts = new HostsFacade(Store);
        var pool = ModuleSession.Current.Shells;
        foreach (var host in HostSelection.Resolve(this, HostName, Port))
        {
            var target = host.ToString();
            if (changes != new HostChanges() && ShouldProcess(target, $"Set {Describe(changes)}"))
            {
                if (!PerItem(() => hosts.Update(host.Id, changes, actor), host.Name)) continue;
            }
            if (PassThru)
            {
                var updated = hosts.Get(host.Id) ?? host;
                WriteObject(BurninHost.From(updated, settings, pool.IsConnected(host.Id)));
            }
        }
        if (changes == new HostChanges())
            WriteWarning("No setting was given; nothing changed. Name a setting, for example -SmartctlPath /usr/local/sbin/smartctl.");
    }

    private static string Describe(HostChanges c)
    {
        var parts = new List<string>();
        foreach (var kv in c.ToolPaths ?? new Dictionary<string, string>())
            parts.Add(kv.Value.Length == 0 ? $"{kv.Key} path = (PATH lookup)" : $"{kv.Key} path = {kv.Value}");
        if (c.WorkDir is not null) parts.Add(c.WorkDir.Length == 0 ? "WorkDir = (store-wide setting)" : $"WorkDir = {c.WorkDir}");
        if (c.UseSudo is { } s) parts.Add($"UseSudo = {s}");
        if (c.MaxParallelRuns is { } m) parts.Add(m == 0 ? "MaxParallelRuns = (store-wide setting)" : $"MaxParallelRuns = {m}");
        if (c.IncludeLoopDevices is { } l) parts.Add($"IncludeLoopDevices = {l}");
        return string.Join(", ", parts);
    }
}
