using System.Diagnostics;
using NasBurnin.Engine.Common;
using NasBurnin.Engine.Remote;
using Xunit;

namespace NasBurnin.Engine.Tests.Remote;

public class HostFingerprintTests
{
    private const string Sample = "SHA256:uYO5pmFO2HrtBCbFaZHAk2HOAs2b9HCE1Ztxl1AS66M";

    [Fact]
    public void Compute_matches_ssh_keygen_for_a_real_key()
    {
        var dir = TestPaths.Temp();
        try
        {
            var key = Path.Combine(dir, "k");
            Run("/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key);
            var pub = File.ReadAllText(key + ".pub").Split(' ');
            var blob = Convert.FromBase64String(pub[1]);
            var keygen = Run("/usr/bin/ssh-keygen", "-lf", key + ".pub").Split(' ')[1];
            Assert.StartsWith("SHA256:", keygen);
            Assert.Equal(keygen, HostFingerprint.Compute(blob));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Theory]
    [InlineData(Sample)]
    [InlineData("uYO5pmFO2HrtBCbFaZHAk2HOAs2b9HCE1Ztxl1AS66M")]          // SSH.NET's FingerPrintSHA256 has no prefix
    [InlineData("sha256:uYO5pmFO2HrtBCbFaZHAk2HOAs2b9HCE1Ztxl1AS66M")]
    [InlineData("SHA256:uYO5pmFO2HrtBCbFaZHAk2HOAs2b9HCE1Ztxl1AS66M=")]  // padded base64
    [InlineData("  SHA256:uYO5pmFO2HrtBCbFaZHAk2HOAs2b9HCE1Ztxl1AS66M\n")]
    public void Every_spelling_normalises_to_the_ssh_keygen_form(string text) =>
        Assert.Equal(Sample, HostFingerprint.Normalize(text));

    [Fact]
    public void Base64_case_matters()
    {
        Assert.False(HostFingerprint.AreEqual(Sample, Sample.ToLowerInvariant().Replace("sha256:", "SHA256:")));
        Assert.True(HostFingerprint.AreEqual(Sample, "uYO5pmFO2HrtBCbFaZHAk2HOAs2b9HCE1Ztxl1AS66M"));
    }

    [Theory]
    [InlineData("MD5:12:02:82:aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66", true)]
    [InlineData("12:2:82:aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66", true)] // Posh-SSH's broken MD5 form
    [InlineData("SHA256:short", false)]
    [InlineData("SHA256:uYO5pmFO2HrtBCbFaZHAk2HOAs2b9HCE1Ztxl1AS6$M", false)]
    [InlineData("", false)]
    public void Refuses_what_is_not_a_sha256_fingerprint(string text, bool looksMd5)
    {
        var e = Assert.Throws<BurninException>(() => HostFingerprint.Normalize(text));
        Assert.Equal("InvalidHostKeyFingerprint", e.ErrorId);
        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
        Assert.Equal(looksMd5, e.Message.Contains("MD5", StringComparison.Ordinal));
    }

    internal static string Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var o = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
        return o;
    }
}
