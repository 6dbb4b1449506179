using System.Management.Automation;
using NasBurnin.Completion;
using NasBurnin.Engine.Burnin;

namespace NasBurnin.Burnin;

/// <summary>Start-BurninRun: one run per drive, from a profile or an explicit list of stages.</summary>
[Cmdlet(VerbsLifecycle.Start, "BurninRun", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(BurninRun))]
public sealed class StartBurninRunCommand : StartRunCommandBase
{
    /// <summary>Drives from Get-BurninDrive.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNull]
    [ArgumentCompleter(typeof(RunnableDriveCompleter))]
    public BurninDrive[] Drive { get; set; } = Array.Empty<BurninDrive>();

    private protected override BurninDrive[] PipedDrives => Drive;

    /// <summary>Quick, Standard or Full.</summary>
    [Parameter]
    public BurninProfile Profile { get; set; } = BurninProfile.Standard;

    /// <summary>An explicit list of stages, instead of the profile's.</summary>
    [Parameter]
    public StageKind[]? Stage { get; set; }

    private protected override string ProfileName => Stage is { Length: > 0 } ? "Custom" : Profile.ToString();

    private protected override IReadOnlyList<StageKind> StagesFor(BurninPlanner planner, DriveFacts drive) =>
        planner.StagesFor(drive, Profile, Stage is { Length: > 0 } ? Stage : null);
}
