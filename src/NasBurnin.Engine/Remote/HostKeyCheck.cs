using NasBurnin.Engine.Common;

namespace NasBurnin.Engine.Remote;

/// <summary>
/// Thrown on first contact when nobody vouched for the key yet. The cmdlet catches it, shows
/// <see cref="Fingerprint"/> in a prompt on the pipeline thread, and connects again expecting that
/// exact key. Uncaught (no one to ask), it is an ordinary HostKeyNotTrusted security error.
/// </summary>
public sealed class HostKeyConfirmationRequired : BurninException
{
    public HostKeyConfirmationRequired(string host, int port, string fingerprint, string algorithm)
        : base("HostKeyNotTrusted", ErrorKind.Security,
            HostErrors.KeyNotTrusted(host, port, fingerprint, "this is the first contact and nobody confirmed the key").Message)
    {
        Fingerprint = fingerprint;
        Algorithm = algorithm;
        Target = host;
    }

    public string Fingerprint { get; }

    public string Algorithm { get; }
}

/// <summary>
/// Applies <see cref="HostKeyPolicy"/> to the key a server presents during key exchange (on SSH.NET's
/// thread) and remembers what it saw, so the connect code can report why it refused.
/// </summary>
public sealed class HostKeyCheck
{
    public HostKeyCheck(string? pinned, string? pinnedAlgorithm, string? expected, bool acceptNew)
    {
        Pinned = pinned is null ? null : HostFingerprint.Normalize(pinned);
        PinnedAlgorithm = pinnedAlgorithm;
        Expected = expected is null ? null : HostFingerprint.Normalize(expected);
        AcceptNew = acceptNew;
    }

    public string? Pinned { get; }
    public string? PinnedAlgorithm { get; }
    public string? Expected { get; }
    public bool AcceptNew { get; }

    public string? Presented { get; private set; }
    public string? PresentedAlgorithm { get; private set; }
    public HostKeyVerdict? Verdict { get; private set; }

    /// <summary>Only the key this check accepted, for reconnects of the same shell.</summary>
    public HostKeyCheck PinnedOnly() => new(Presented ?? Pinned, PresentedAlgorithm ?? PinnedAlgorithm, null, false);

    public bool Evaluate(string algorithm, byte[] keyBlob)
    {
        Presented = HostFingerprint.Compute(keyBlob);
        PresentedAlgorithm = algorithm;
        Verdict = HostKeyPolicy.Decide(Pinned, Presented, Expected, AcceptNew);
        return HostKeyPolicy.Allows(Verdict.Value);
    }

    /// <summary>The error for a refused key (call only when <see cref="Verdict"/> does not allow the connection).</summary>
    public BurninException Refusal(string host, int port) => Verdict switch
    {
        HostKeyVerdict.Changed => HostErrors.KeyChanged(host, port, Pinned!, Presented!),
        HostKeyVerdict.Mismatch => HostErrors.KeyMismatch(host, port, Expected!, Presented!),
        HostKeyVerdict.Unknown => new HostKeyConfirmationRequired(host, port, Presented!, PresentedAlgorithm!),
        _ => throw new InvalidOperationException($"Verdict {Verdict} does not refuse the connection."),
    };
}
