using System.Management.Automation;
using System.Security.Cryptography;
using System.Text.Json;
using NasBurnin.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace NasBurnin.Tests;

/// <summary>
/// A disk an imported pool names, in any form, is never Free: the sandbox started with --pool-layouts (tests/testnas/
/// lib/pool_layouts.sh) has, beside "tank", the pools "fast" (on real partitions of loop devices, named by kernel name,
/// with special, log and cache vdevs) and "vault" (DEGRADED, named by by-id and by-partuuid links in the sandbox's state
/// dir: a spare in use, a FAULTED member listed by GUID with "was &lt;link&gt;", an UNAVAIL one whose old name matches
/// nothing and which only its ZFS label gives away, a REMOVED one, and a partition of a disk that is also in "fast").
/// Every disk is checked through the module as users see it, with zpool's -L and without it (then the link paths reach
/// NasBurnin as they are), and every named disk is refused for SurfaceValidate with its marker data left intact.
/// </summary>
[TypicalSeconds(30)]
public sealed class PoolLayoutTests : BurninTestBase, IClassFixture<PoolLayoutTests.Fixture>
{
    public sealed class Fixture : BurninRigFixture
    {
        public Fixture() : base("--pool-layouts") { }
    }

    public PoolLayoutTests(Fixture rig, ITestOutputHelper output) : base(rig, output) { }


    private static string? Fact(JsonElement f, string name) => f.GetProperty(name).ValueKind == JsonValueKind.String ? f.GetProperty(name).GetString() : null;

    /// <summary>The sandbox's drives that a pool names, from testnas.json.</summary>
    private IEnumerable<JsonElement> Named => Rig!.Nas.Drives.Where(f => Fact(f, "poolName") is not null);

    /// <summary>This sandbox's drive by serial and its own device (another sandbox's twins carry the same serials).</summary>
    private static PSObject Own(RunResult r, JsonElement f) =>
        Assert.Single(r.Output, o => o.Text("Serial") == Fact(f, "serial") && o.Text("Device") == Fact(f, "device"));

    [SkippableFact]
    public void Every_disk_a_pool_names_is_a_PoolMember_in_its_role_with_and_without_zpool_L()
    {
        RequireRig();
        Assert.Equal(13, Named.Count()); // tank's member and spare, 5 in fast, 6 in vault
        var noL = Path.Combine(Rig!.Nas.StateDir, "zpool_no_L");
        foreach (var resolveLinks in new[] { true, false })
        {
            if (!resolveLinks) File.WriteAllText(noL, "");
            try
            {
                using var s = Rig!.Session();
                var r = s.Run("Get-BurninDrive").AssertClean();
                foreach (var f in Rig!.Nas.Drives)
                {
                    var d = Own(r, f);
                    var reasons = (string[])d.Properties["RoleReasons"].Value;
                    var what = $"{Fact(f, "device")} ({Fact(f, "serial")}, -L {resolveLinks}): {d.Text("Role")} [{string.Join("; ", reasons)}]";
                    Assert.True(Fact(f, "role") == d.Text("Role"), what);
                    Assert.True(Fact(f, "poolName") == d.Text("PoolName") && Fact(f, "poolRole") == d.Text("PoolRole"), what);
                    if (Fact(f, "poolState") is { } state && Fact(f, "serial") != "NBT0210")
                        Assert.True(reasons.Any(x => x.Contains($"({state})", StringComparison.Ordinal)), what);
                }
                AssertReasons(r, resolveLinks);
                Assert.Contains(r.Warnings, w => w.Contains("Pool 'vault' names '7700000000000000210' (was /dev/disk/by-id/ata-TESTNAS_OLDNAME_0210-part1), UNAVAIL, which matches no block device on this host: the pool is degraded here", StringComparison.Ordinal));
                Assert.Contains(r.Warnings, w => w.Contains("Pool 'vault' is DEGRADED.", StringComparison.Ordinal));
                var free = s.Run("Get-BurninDrive -Role Free").AssertClean().Output.Select(o => o.Text("Device")).ToHashSet();
                Assert.DoesNotContain(Named, f => free.Contains(Fact(f, "device")));
            }
            finally { File.Delete(noL); }
        }
    }

    /// <summary>The reasons that show which name was resolved and how.</summary>
    private void AssertReasons(RunResult r, bool resolveLinks)
    {
        string[] Reasons(string serial) => (string[])Own(r, Rig!.Nas.Drive(serial)).Properties["RoleReasons"].Value;
        var links = Rig!.Nas.StateDir + "/dev/disk/";
        Assert.Contains(Reasons("NBT0201"), x => x.StartsWith($"member of pool 'fast' in mirror-0 as {Rig!.Nas.Device("NBT0201")}p1 (ONLINE)", StringComparison.Ordinal));
        Assert.Contains(Reasons("NBT0201"), x => x.StartsWith("member of pool 'vault' in mirror-2 as " +
            (resolveLinks ? Rig!.Nas.Device("NBT0201") + "p2" : links + "by-id/ata-TESTNAS_NBT0201-part2"), StringComparison.Ordinal));
        Assert.Contains(Reasons("NBT0209"), x => x.Contains(resolveLinks ? Rig!.Nas.Device("NBT0209") + "p1" : links + "by-partuuid/", StringComparison.Ordinal));
        Assert.Contains(Reasons("NBT0206"), x => x.StartsWith("faulted device of pool 'vault' in mirror-0 as 7700000000000000206 (FAULTED), was " + links + "by-partuuid/", StringComparison.Ordinal));
        Assert.Contains(Reasons("NBT0208"), x => x.Contains("(ONLINE), in use in spare-0", StringComparison.Ordinal));
        Assert.Contains(Reasons("NBT0210"), x => x.Contains("found by its ZFS label", StringComparison.Ordinal) && x.Contains("ata-TESTNAS_OLDNAME_0210-part1", StringComparison.Ordinal));
    }

    [SkippableFact]
    public void SurfaceValidate_on_every_disk_a_pool_names_is_refused_and_their_data_stays()
    {
        RequireRig();
        // A marker 40 MiB into each disk: inside the first partition of the layout drives, away from any ZFS label.
        var markers = new Dictionary<string, byte[]>();
        foreach (var device in Named.Select(f => Fact(f, "device")!))
        {
            var marker = RandomNumberGenerator.GetBytes(4096);
            using (var fs = new FileStream(device, FileMode.Open, FileAccess.Write))
            {
                fs.Seek(40 << 20, SeekOrigin.Begin);
                fs.Write(marker);
                fs.Flush(true);
            }
            markers[device] = marker;
        }

        using var s = Rig!.Session();
        var devices = string.Join(",", markers.Keys.Select(d => $"'{d}'"));
        var before = (int)s.Run("@(Get-BurninRun -Offline).Count").Output.Single().BaseObject;
        var r = s.Run($"Get-BurninDrive | Where-Object {{ $_.Device -in @({devices}) }} | Start-BurninStage -Stage SurfaceValidate -Confirm:$false");
        Assert.Empty(r.Output);
        Assert.True(markers.Count == r.Errors.Count, string.Join("\n", r.AllErrors.Select(e => $"{e.FullyQualifiedErrorId}: {e}")));
        Assert.All(r.Errors, e =>
        {
            Assert.Equal("DriveRoleRefused,NasBurnin.Burnin.StartBurninStageCommand", e.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.PermissionDenied, e.CategoryInfo.Category);
            Assert.Equal("PoolMember", PSObject.AsPSObject(e.TargetObject).Text("Role"));
        });
        Assert.Equal(markers.Keys.Order(StringComparer.Ordinal), r.Errors.Select(e => (string)PSObject.AsPSObject(e.TargetObject).Properties["Device"].Value).Order(StringComparer.Ordinal));
        Assert.Equal(before, (int)s.Run("@(Get-BurninRun -Offline).Count").Output.Single().BaseObject);

        foreach (var (device, marker) in markers)
        {
            var read = new byte[marker.Length];
            using var fs = new FileStream(device, FileMode.Open, FileAccess.Read);
            fs.Seek(40 << 20, SeekOrigin.Begin);
            fs.ReadExactly(read);
            Assert.True(marker.AsSpan().SequenceEqual(read), $"the marker on {device} changed");
        }
    }
}
