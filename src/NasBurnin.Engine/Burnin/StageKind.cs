namespace NasBurnin.Engine.Burnin;

// StageKind and BurninProfile live in NasBurnin.Contracts (shared with the cmdlets' parameters).
public static class StageKinds
{
    public static bool IsDestructive(this StageKind s) => s is StageKind.SurfaceValidate or StageKind.NvmeFormat;

    /// <summary>
    /// The stages of a profile for one drive. Quick: short test and post-check. Standard: short, long,
    /// surface (NVMe: format), long, post-check. Full: Standard with conveyance (where the drive has it)
    /// and a second surface pass.
    /// </summary>
    public static IReadOnlyList<StageKind> ForProfile(BurninProfile profile, bool isNvme, bool hasConveyance)
    {
        var surface = isNvme ? StageKind.NvmeFormat : StageKind.SurfaceValidate;
        return profile switch
        {
            BurninProfile.Quick => new[] { StageKind.SmartShort, StageKind.SmartPostCheck },
            BurninProfile.Standard => new[] { StageKind.SmartShort, StageKind.SmartLong, surface, StageKind.SmartLong, StageKind.SmartPostCheck },
            BurninProfile.Full => (hasConveyance
                    ? new[] { StageKind.SmartShort, StageKind.SmartConveyance, StageKind.SmartLong, surface, surface, StageKind.SmartLong, StageKind.SmartPostCheck }
                    : new[] { StageKind.SmartShort, StageKind.SmartLong, surface, surface, StageKind.SmartLong, StageKind.SmartPostCheck }),
            _ => throw new ArgumentOutOfRangeException(nameof(profile)),
        };
    }
}
