using System.Management.Automation;
using NasBurnin.Completion;
using NasBurnin.Engine.Burnin;

namespace NasBurnin.Burnin;

/// <summary>Start-BurninStage: a run of a single stage on each drive.</summary>
[Cmdlet(VerbsLifecycle.Start, "BurninStage", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(BurninRun))]
public sealed class StartBurninStageCommand : StartRunCommandBase
{
    /// <summary>The stage to run; first, so a piped drive and a positional stage bind.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    public StageKind Stage { get; set; }

    /// <summary>Drives from Get-BurninDrive.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true)]
    [ValidateNotNull]
    [ArgumentCompleter(typeof(RunnableDriveCompleter))]
    public BurninDrive[] Drive { get; set; } = Array.Empty<BurninDrive>();

    private protected override BurninDrive[] PipedDrives => Drive;

    private protected override string ProfileName => Stage.ToString();

    private protected override IReadOnlyList<StageKind> StagesFor(BurninPlanner planner, DriveFacts drive) =>
        planner.StagesFor(drive, BurninProfile.Quick, new[] { Stage });
}
