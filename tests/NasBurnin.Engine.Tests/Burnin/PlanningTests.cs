using NasBurnin.Engine.Burnin;
using NasBurnin.Engine.Common;
using Xunit;

namespace NasBurnin.Engine.Tests.Burnin;

public class PlanningTests
{
    [Theory]
    // Capacities as the drives report them (user_capacity.bytes).
    [InlineData(4_000_787_030_016L, 4096, 4096)]   // WD Red 4 TB
    [InlineData(14_000_519_643_136L, 4096, 4096)]  // WD140EDFZ 14 TB
    [InlineData(16_000_900_661_248L, 4096, 4096)]  // Exos X16 16 TB: still under 2^32 x 4 KiB = 16 TiB
    [InlineData(18_000_207_937_536L, 4096, 8192)]  // MG09ACA18TE 18 TB: 4 KiB blocks would overflow badblocks' 32-bit count
    [InlineData(20_000_588_955_648L, 4096, 8192)]  // 20 TB
    [InlineData(24_000_277_250_048L, 4096, 8192)]  // 24 TB
    [InlineData(36_000_000_000_000L, 4096, 16384)] // beyond 32 TiB
    [InlineData(1_000_204_886_016L, 512, 512)]     // a 1 TB 512n drive
    [InlineData(67_108_864L, 512, 512)]            // the sandbox's 64 MiB loop device
    public void Block_size_is_the_smallest_power_of_two_that_fits_32_bits(long capacity, int physical, int expected)
    {
        var a = BadblocksArguments.For(capacity, physical, solidState: false);
        Assert.Equal(expected, a.BlockSize);
        Assert.True(capacity / a.BlockSize < (1L << 32));
        Assert.Equal(16L * 1024 * 1024, (long)a.BlockSize * a.BlocksPerIo); // one I/O is 16 MiB
        Assert.Equal(8, a.Phases);
    }

    [Fact]
    public void Sata_ssds_get_one_random_pattern() => Assert.Equal(2, BadblocksArguments.For(500_107_862_016L, 512, solidState: true).Phases);

    [Fact]
    public void Profiles_have_the_documented_stages()
    {
        Assert.Equal(new[] { StageKind.SmartShort, StageKind.SmartPostCheck }, StageKinds.ForProfile(BurninProfile.Quick, false, true));
        Assert.Equal(new[] { StageKind.SmartShort, StageKind.SmartLong, StageKind.SurfaceValidate, StageKind.SmartLong, StageKind.SmartPostCheck },
            StageKinds.ForProfile(BurninProfile.Standard, false, true));
        Assert.Equal(new[] { StageKind.SmartShort, StageKind.SmartLong, StageKind.NvmeFormat, StageKind.SmartLong, StageKind.SmartPostCheck },
            StageKinds.ForProfile(BurninProfile.Standard, true, false));
        var full = StageKinds.ForProfile(BurninProfile.Full, false, true);
        Assert.Contains(StageKind.SmartConveyance, full);
        Assert.Equal(2, full.Count(s => s == StageKind.SurfaceValidate));
        Assert.DoesNotContain(StageKind.SmartConveyance, StageKinds.ForProfile(BurninProfile.Full, false, hasConveyance: false));
    }

    [Theory]
    [InlineData("/dev/nvme0n1", 1)]
    [InlineData("/dev/nvme1n2", 2)]
    [InlineData("/dev/sdb", 1)]
    public void Nvme_namespace_comes_from_the_device_name(string device, int ns) => Assert.Equal(ns, BurninPlanner.NvmeNamespace(device));

    [Fact]
    public void Self_test_deadline_has_a_wide_margin_over_the_drives_estimate()
    {
        // A 14 TB drive estimates ~1,500 minutes for a long test; real ones overrun by ~30 %.
        var t = BurninPlanner.SelfTestTimeout(1500, 60);
        Assert.True(t > TimeSpan.FromMinutes(1500 * 1.3));
        Assert.True(t > TimeSpan.FromHours(24)); // a fixed 24 h cap would have failed this drive
    }

    [Fact]
    public void The_spec_quotes_everything_and_refuses_control_characters()
    {
        var spec = new RunSpec
        {
            RemoteId = "r1", Device = "/dev/sdb", Serial = "ZL2'$(touch /tmp/x)", Wwn = "0x5000c500a1b2c3d4",
            Stages = new[] { StageKind.SmartShort }, WorkDir = "/var/tmp/nasburnin", Tools = new RunnerTools(),
        };
        var text = spec.ToShell();
        Assert.Contains("NB_SERIAL='ZL2'\\''$(touch /tmp/x)'", text);
        Assert.Contains($"NB_WWN='{RunSpec.WwnTriple("0x5000c500a1b2c3d4")}'", text);
        var bad = spec with { Serial = "ZL2\nNASBURNIN_SPEC_EOF\nreboot" };
        Assert.Equal("RunSpecValueInvalid", Assert.Throws<BurninException>(() => bad.ToShell()).ErrorId);
        Assert.Throws<BurninException>(() => (spec with { Device = "/dev/sdb;reboot" }).ToShell());
    }

    [Fact]
    public void Wwn_splits_into_smartctls_naa_oui_and_id() =>
        Assert.Equal("5 3152 1234567890", RunSpec.WwnTriple("0x5000c500499602d2")); // naa, oui, id of a real Exos X16 capture
}
