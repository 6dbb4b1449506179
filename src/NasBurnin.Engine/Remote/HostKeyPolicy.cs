namespace NasBurnin.Engine.Remote;

/// <summary>What to do with the host key a server presented.</summary>
public enum HostKeyVerdict
{
    /// <summary>It is the pinned key.</summary>
    Trusted,
    /// <summary>No key is pinned yet and the user vouched for this one (-AcceptHostKey, a matching -HostKeyFingerprint, or a "Yes").</summary>
    PinNew,
    /// <summary>A key is pinned, the server shows another, and the user typed exactly the new fingerprint.</summary>
    ReplacePinned,
    /// <summary>A key is pinned and the server shows another: refuse, never warn and continue.</summary>
    Changed,
    /// <summary>The user gave -HostKeyFingerprint and the server shows another key.</summary>
    Mismatch,
    /// <summary>First contact and nobody vouched for the key yet: someone must be asked.</summary>
    Unknown,
}

/// <summary>
/// The host key decision as pure logic, so every branch is testable without a server. Keys are pinned
/// per host name (case-insensitive) and port; the caller looks the pin up with both.
/// </summary>
public static class HostKeyPolicy
{
    /// <param name="pinned">The fingerprint stored for this host and port, if any.</param>
    /// <param name="presented">The fingerprint of the key the server just presented.</param>
    /// <param name="expected">-HostKeyFingerprint, if given.</param>
    /// <param name="acceptNew">-AcceptHostKey (or an answered prompt): trust a first-contact key. Never overrides a pin.</param>
    public static HostKeyVerdict Decide(string? pinned, string presented, string? expected, bool acceptNew)
    {
        if (expected is not null && !HostFingerprint.AreEqual(expected, presented))
            return pinned is not null && !HostFingerprint.AreEqual(pinned, presented) ? HostKeyVerdict.Changed : HostKeyVerdict.Mismatch;
        if (pinned is not null)
        {
            if (HostFingerprint.AreEqual(pinned, presented)) return HostKeyVerdict.Trusted;
            return expected is not null ? HostKeyVerdict.ReplacePinned : HostKeyVerdict.Changed;
        }
        return expected is not null || acceptNew ? HostKeyVerdict.PinNew : HostKeyVerdict.Unknown;
    }

    /// <summary>May the connection proceed with this verdict?</summary>
    public static bool Allows(HostKeyVerdict verdict) =>
        verdict is HostKeyVerdict.Trusted or HostKeyVerdict.PinNew or HostKeyVerdict.ReplacePinned;
}
