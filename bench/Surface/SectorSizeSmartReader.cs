using System.Text.Json;
using NasBurnin.Engine.Burnin;

namespace NasBurnin.Bench.Surface;

/// <summary>
/// Gives the planner the drive's physical sector size from its smartctl JSON, so NasBurnin picks
/// badblocks' block size the way it does for a real drive (the test reader answers "unknown", which
/// means 512-byte blocks and would make the comparison with <c>-b 4096</c> unfair). SMART evidence is
/// not what this benchmark measures.
/// </summary>
internal sealed class SectorSizeSmartReader : ISmartReader
{
    public SmartEvidence? Evidence(string smartctlJson) => null;

    public SmartTiming? Timing(string smartctlJson)
    {
        try
        {
            using var doc = JsonDocument.Parse(smartctlJson);
            int? sector = doc.RootElement.TryGetProperty("physical_block_size", out var p) && p.TryGetInt32(out var v) ? v : null;
            return new SmartTiming(null, null, null, sector);
        }
        catch (JsonException) { return null; }
    }
}
