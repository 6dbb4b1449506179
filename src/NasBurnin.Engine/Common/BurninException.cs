namespace NasBurnin.Engine.Common;

/// <summary>What kind of failure an engine error is; the cmdlets map it to an ErrorCategory.</summary>
public enum ErrorKind
{
    InvalidArgument,
    InvalidData,
    NotFound,
    PermissionDenied,
    Security,
    Connection,
    Authentication,
    ResourceUnavailable,
    Timeout,
    InvalidOperation,
    WriteError,
    NotImplemented,
}

/// <summary>
/// An engine failure with a stable id. Messages name the input and what would be accepted, and never
/// carry a secret: they are shown to users and may end up in logs.
/// </summary>
public class BurninException : Exception
{
    public BurninException(string errorId, ErrorKind kind, string message, Exception? inner = null)
        : base(message, inner)
    {
        ErrorId = errorId;
        Kind = kind;
    }

    /// <summary>Stable identifier, used as the ErrorRecord's ErrorId.</summary>
    public string ErrorId { get; }

    public ErrorKind Kind { get; }

    /// <summary>What the error is about (a path, a host, a drive); becomes the ErrorRecord target.</summary>
    public object? Target { get; init; }
}
