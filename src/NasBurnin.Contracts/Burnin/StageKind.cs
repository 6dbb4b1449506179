namespace NasBurnin.Engine.Burnin;

/// <summary>The stages a burn-in run is made of; the type of Start-BurninRun -Stage and Start-BurninStage -Stage.</summary>
public enum StageKind
{
    SmartShort,
    SmartConveyance,
    SmartLong,
    /// <summary>Destructive: badblocks in write mode over the whole drive.</summary>
    SurfaceValidate,
    /// <summary>Destructive: nvme format -s 1 (user data erase; -s 2 would be the cryptographic erase); badblocks when nvme-cli is absent.</summary>
    NvmeFormat,
    SmartPostCheck,
}

/// <summary>The stage lists Start-BurninRun -Profile chooses from (see StageKinds.ForProfile in the engine).</summary>
public enum BurninProfile
{
    Quick,
    Standard,
    Full,
}
