using NasBurnin.Engine.Common;
using NasBurnin.Engine.Remote;
using Xunit;

namespace NasBurnin.Engine.Tests;

public class PosixShellTests
{
    [Theory]
    [InlineData("sda", "sda")]
    [InlineData("/dev/sdb", "/dev/sdb")]
    [InlineData("", "''")]
    [InlineData("a b", "'a b'")]
    [InlineData("it's", "'it'\\''s'")]
    [InlineData("$(touch /tmp/x)", "'$(touch /tmp/x)'")]
    [InlineData("a\nb", "'a\nb'")]
    [InlineData("abc\n", "'abc\n'")]
    public void Quotes_for_sh(string value, string expected) => Assert.Equal(expected, PosixShell.Quote(value));

    [Theory]
    [InlineData("x; touch {0}")]
    [InlineData("$(touch {0})")]
    [InlineData("`touch {0}`")]
    [InlineData("'; touch {0}; '")]
    [InlineData("\"; touch {0}; \"")]
    [InlineData("x\ntouch {0}")]
    [InlineData("x && touch {0}")]
    [InlineData("x | touch {0}")]
    public void No_payload_ever_executes_through_sh(string payloadTemplate)
    {
        var dir = TestPaths.Temp();
        try
        {
            var marker = Path.Combine(dir, "marker");
            var payload = string.Format(payloadTemplate, marker);
            var psi = new System.Diagnostics.ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true };
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add(PosixShell.Join("printf", "%s", payload));
            using var p = System.Diagnostics.Process.Start(psi)!;
            var echoed = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            Assert.Equal(payload, echoed);
            Assert.False(File.Exists(marker));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Theory]
    [InlineData("/dev/sda", true)]
    [InlineData("/dev/nvme0n1", true)]
    [InlineData("/dev/loop12", true)]
    [InlineData("/dev/disk/by-id/ata-WDC_WD140EDFZ-11A0VA0_9LGXXXXX", true)]
    [InlineData("/dev/../etc/passwd", false)]
    [InlineData("/dev/sda;reboot", false)]
    [InlineData("/dev/sd a", false)]
    [InlineData("sda", false)]
    [InlineData("/dev/disk/by-id/../../sda", false)]
    [InlineData("/dev/sda\n", false)]
    public void Device_paths_are_validated(string path, bool ok)
    {
        Assert.Equal(ok, RemoteNames.IsDevicePath(path));
        if (!ok)
        {
            var e = Assert.Throws<BurninException>(() => RemoteNames.RequireDevicePath(path));
            Assert.Equal("InvalidDevicePath", e.ErrorId);
            Assert.DoesNotContain("\n", e.Message);
        }
    }

    [Theory]
    [InlineData("nas01", true)]
    [InlineData("nas01.example.lan", true)]
    [InlineData("192.0.2.10", true)]
    [InlineData("::1", true)]
    [InlineData("nas;reboot", false)]
    [InlineData("-oProxyCommand=x", false)]
    [InlineData("nas 01", false)]
    public void Host_names_are_validated(string name, bool ok) => Assert.Equal(ok, RemoteNames.IsHostName(name));

    [Theory]
    [InlineData("/usr/sbin/smartctl", true)]
    [InlineData("/var/tmp/nasburnin", true)]
    [InlineData("/opt/my tools/smartctl", false)]
    [InlineData("/usr/../bin/sh", false)]
    [InlineData("smartctl", false)]
    [InlineData("/usr/sbin/smartctl;id", false)]
    public void Tool_paths_are_validated(string path, bool ok) => Assert.Equal(ok, RemoteNames.IsSafePath(path));
}
