using NasBurnin.Engine.Common;
using NasBurnin.Engine.Remote;
using Xunit;

namespace NasBurnin.Engine.Tests.Remote;

public class HostKeyPolicyTests
{
    private const string A = "SHA256:uYO5pmFO2HrtBCbFaZHAk2HOAs2b9HCE1Ztxl1AS66M";
    private const string B = "SHA256:33hOVELSmu2aYcGswYictDoQVoco6CCG4AioG5wEWYI";
    private const string C = "SHA256:ohD8VZEXGWo6Ez8GSEJQ9WpafgLFsOfLOtGGQCQo6Og";

    [Theory]
    // first contact
    [InlineData(null, A, null, false, HostKeyVerdict.Unknown)]
    [InlineData(null, A, null, true, HostKeyVerdict.PinNew)]
    [InlineData(null, A, A, false, HostKeyVerdict.PinNew)]
    [InlineData(null, A, B, false, HostKeyVerdict.Mismatch)]
    [InlineData(null, A, B, true, HostKeyVerdict.Mismatch)]          // -AcceptHostKey never overrides a wrong -HostKeyFingerprint
    // pinned
    [InlineData(A, A, null, false, HostKeyVerdict.Trusted)]
    [InlineData(A, A, null, true, HostKeyVerdict.Trusted)]
    [InlineData(A, B, null, false, HostKeyVerdict.Changed)]
    [InlineData(A, B, null, true, HostKeyVerdict.Changed)]           // -AcceptHostKey never replaces a pin
    [InlineData(A, B, B, false, HostKeyVerdict.ReplacePinned)]       // only the exact new fingerprint does
    [InlineData(A, B, C, false, HostKeyVerdict.Changed)]
    [InlineData(A, A, C, false, HostKeyVerdict.Mismatch)]
    public void Decides(string? pinned, string presented, string? expected, bool accept, HostKeyVerdict verdict) =>
        Assert.Equal(verdict, HostKeyPolicy.Decide(pinned, presented, expected, accept));

    [Fact]
    public void Only_trusted_new_or_replaced_keys_connect()
    {
        Assert.True(HostKeyPolicy.Allows(HostKeyVerdict.Trusted));
        Assert.True(HostKeyPolicy.Allows(HostKeyVerdict.PinNew));
        Assert.True(HostKeyPolicy.Allows(HostKeyVerdict.ReplacePinned));
        Assert.False(HostKeyPolicy.Allows(HostKeyVerdict.Changed));
        Assert.False(HostKeyPolicy.Allows(HostKeyVerdict.Mismatch));
        Assert.False(HostKeyPolicy.Allows(HostKeyVerdict.Unknown));
    }

    [Fact]
    public void A_changed_key_is_a_security_error_naming_both_fingerprints()
    {
        var check = new HostKeyCheck(A, "ssh-ed25519", null, acceptNew: true);
        var blob = new byte[] { 1, 2, 3 };
        Assert.False(check.Evaluate("ssh-ed25519", blob));
        var e = check.Refusal("nas01", 22);
        Assert.Equal("HostKeyChanged", e.ErrorId);
        Assert.Equal(ErrorKind.Security, e.Kind);
        Assert.Contains(A, e.Message);
        Assert.Contains(HostFingerprint.Compute(blob), e.Message);
        Assert.Equal("nas01", e.Target);
    }

    [Fact]
    public void First_contact_asks_with_the_fingerprint()
    {
        var check = new HostKeyCheck(null, null, null, acceptNew: false);
        var blob = new byte[] { 9, 9 };
        Assert.False(check.Evaluate("ssh-ed25519", blob));
        var e = Assert.IsType<HostKeyConfirmationRequired>(check.Refusal("nas01", 2222));
        Assert.Equal("HostKeyNotTrusted", e.ErrorId);
        Assert.Equal(HostFingerprint.Compute(blob), e.Fingerprint);
        Assert.Equal("ssh-ed25519", e.Algorithm);
        Assert.Contains("port 2222", e.Message);
    }

    [Fact]
    public void After_a_connection_only_the_accepted_key_is_trusted()
    {
        var first = new HostKeyCheck(null, null, null, acceptNew: true);
        Assert.True(first.Evaluate("ssh-ed25519", new byte[] { 1 }));
        var again = first.PinnedOnly();
        Assert.True(again.Evaluate("ssh-ed25519", new byte[] { 1 }));
        Assert.False(again.Evaluate("ssh-ed25519", new byte[] { 2 }));
        Assert.Equal(HostKeyVerdict.Changed, again.Verdict);
    }
}
