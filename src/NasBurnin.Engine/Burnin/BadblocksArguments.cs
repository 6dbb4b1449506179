namespace NasBurnin.Engine.Burnin;

/// <summary>
/// badblocks' block size and blocks per I/O for a drive. badblocks counts blocks in 32 bits, so -b
/// must keep capacity / b under 2^32: 4096-byte blocks stop at 16 TiB, and an 18 TB drive needs 8192.
/// -c makes one I/O about 16 MiB, which streams (measured: -c 1024 at 4 KiB ran 3.5x faster than the
/// default 64).
/// </summary>
public sealed record BadblocksArguments(int BlockSize, int BlocksPerIo, bool SinglePattern)
{
    public const long TargetIoBytes = 16L * 1024 * 1024;

    public static BadblocksArguments For(long capacityBytes, int? physicalSectorBytes, bool solidState)
    {
        if (capacityBytes <= 0) throw new ArgumentOutOfRangeException(nameof(capacityBytes), "The drive's capacity is unknown.");
        var sector = physicalSectorBytes is > 0 ? physicalSectorBytes.Value : 512;
        var block = 1;
        while (block < sector) block <<= 1;
        while (capacityBytes / block >= (1L << 32)) block <<= 1;
        var perIo = (int)Math.Max(1, TargetIoBytes / block);
        // SATA SSDs get one random pattern instead of four, to spare write endurance.
        return new BadblocksArguments(block, perIo, solidState);
    }

    /// <summary>Write and verify phases: 4 patterns x 2, or 2 for the single random pattern.</summary>
    public int Phases => SinglePattern ? 2 : 8;
}
