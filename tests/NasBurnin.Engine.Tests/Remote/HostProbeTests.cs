using NasBurnin.Engine.Remote;
using Xunit;

namespace NasBurnin.Engine.Tests.Remote;

public class HostProbeTests
{
    [Fact]
    public void Parses_the_probe_output()
    {
        var output = "system=Linux nas01 6.1.0 x86_64 GNU/Linux\nuser=root\nuid=0\ntool.smartctl=/usr/sbin/smartctl\n" +
                     "smartctl.version=smartctl 7.3 2022-02-28 r5338 [x86_64-linux-6.1.0] (local build)\ntool.zpool=\ntool.nvme=/usr/sbin/nvme\n" +
                     "tool.badblocks=/sbin/badblocks\ntool.lsblk=/bin/lsblk\ntool.findmnt=/bin/findmnt\nworkdir.writable=1\n";
        var r = HostProbe.Parse(output, "/var/tmp/nasburnin");
        Assert.Equal("root", r.User);
        Assert.Equal(0, r.Uid);
        Assert.StartsWith("smartctl 7.3", r.SmartctlVersion);
        Assert.Equal(new[] { "zpool" }, r.MissingTools);
        Assert.True(r.WorkDirWritable);
        Assert.Equal("/usr/sbin/nvme", r.Tools["nvme"]);
    }

    [Fact]
    public void Host_values_in_the_script_are_quoted()
    {
        var host = new HostRecord { Name = "nas01", ToolPaths = new Dictionary<string, string> { ["smartctl"] = "/opt/smart ctl" } };
        var script = HostProbe.Script(host, "/var/tmp/it's");
        Assert.Contains("'/opt/smart ctl'", script);
        Assert.Contains("d='/var/tmp/it'\\''s'", script);
    }
}
