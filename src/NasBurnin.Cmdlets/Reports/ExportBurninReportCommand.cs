using System.Management.Automation;
using NasBurnin.Completion;
using NasBurnin.Common;
using NasBurnin.Engine.Reports;

namespace NasBurnin.Reports;

/// <summary>
/// Export-BurninReport: writes one self-contained HTML file from the store: a burn-in certificate per run
/// (-RunId, or runs on the pipeline), or the fleet status page (the default). The file is replaced atomically,
/// so a web server serving it never sends half a page. It reads the store only: run it after Sync-BurninInventory.
/// </summary>
[Cmdlet(VerbsData.Export, "BurninReport", DefaultParameterSetName = FleetSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(FileInfo))]
public sealed class ExportBurninReportCommand : BurninCmdlet
{
    private const string FleetSet = "Fleet";
    private const string RunSet = "Run";
    private readonly List<long> _runs = new();

    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    [Parameter(Mandatory = true, ParameterSetName = RunSet, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(RunIdCompleter))]
    public long[] RunId { get; set; } = Array.Empty<long>();

    [Parameter(ParameterSetName = FleetSet)]
    public SwitchParameter Fleet { get; set; }

    [Parameter(ParameterSetName = FleetSet)]
    public DateTime Since { get; set; } = DateTime.Now.AddDays(-1);

    [Parameter(ParameterSetName = FleetSet)]
    [ValidateRange(5, 86400)]
    public int RefreshSeconds { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == RunSet) _runs.AddRange(RunId);
    }

    protected override void EndProcessing()
    {
        var store = Store;
        var path = ResolveFilePath(Path);
        var reports = new ReportsFacade(store);
        RenderedReport report;
        string what;
        if (ParameterSetName == RunSet)
        {
            if (_runs.Count == 0) return;
            report = Terminating(() => reports.RenderCertificates(_runs.Distinct().ToList()));
            what = $"Write the burn-in certificate of run(s) {string.Join(", ", _runs.Distinct())}";
        }
        else
        {
            var since = new DateTimeOffset(Since.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(Since, DateTimeKind.Local) : Since);
            report = Terminating(() => reports.RenderFleet(since, RefreshSeconds > 0 ? RefreshSeconds : null));
            what = $"Write the fleet status page (since {since.UtcDateTime:yyyy-MM-dd HH:mm} UTC)";
        }
        if (!ShouldProcess(path, what)) return;
        var file = Terminating(() => ReportsFacade.Write(path, report), path);
        if (PassThru) WriteObject(file);
    }
}
