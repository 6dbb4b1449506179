using NasBurnin.Engine.Inventory;

namespace NasBurnin.Engine.Burnin;

/// <summary>SMART documents read for burn-in by the inventory's parser (one parser for the whole engine).</summary>
public sealed class InventorySmartReader : ISmartReader
{
    public static readonly InventorySmartReader Instance = new();

    public SmartEvidence? Evidence(string smartctlJson)
    {
        var r = SmartctlParser.Parse(smartctlJson);
        if (!r.HasDeviceData) return null;
        return new SmartEvidence(r.SmartPassed, r.ReallocatedSectors ?? r.GrownDefects, r.PendingSectors, r.OfflineUncorrectable,
            r.CrcErrors, r.NvmeCriticalWarning, r.NvmeMediaErrors, r.TemperatureC) { ReportedUncorrect = r.ReportedUncorrect };
    }

    public SmartTiming? Timing(string smartctlJson)
    {
        var r = SmartctlParser.Parse(smartctlJson);
        return new SmartTiming(r.PollingShortMinutes, r.PollingExtendedMinutes,
            r.ConveyanceSupported == false ? null : r.PollingConveyanceMinutes, r.PhysicalBlockSize);
    }
}
