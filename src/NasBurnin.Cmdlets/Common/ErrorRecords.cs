using System.Management.Automation;
using NasBurnin.Engine.Common;

namespace NasBurnin.Common;

/// <summary>Builds ErrorRecords from engine failures: stable ErrorId, fitting category, the item as target.</summary>
internal static class ErrorRecords
{
    public static ErrorRecord From(BurninException e, object? target = null) =>
        new(e, e.ErrorId, Category(e.Kind), target ?? e.Target);

    public static ErrorRecord Create(string errorId, ErrorCategory category, string message, object? target, Exception? inner = null) =>
        new(inner is null ? new InvalidOperationException(message) : new InvalidOperationException(message, inner), errorId, category, target);

    public static ErrorCategory Category(ErrorKind kind) => kind switch
    {
        ErrorKind.InvalidArgument => ErrorCategory.InvalidArgument,
        ErrorKind.InvalidData => ErrorCategory.InvalidData,
        ErrorKind.NotFound => ErrorCategory.ObjectNotFound,
        ErrorKind.PermissionDenied => ErrorCategory.PermissionDenied,
        ErrorKind.Security => ErrorCategory.SecurityError,
        ErrorKind.Connection => ErrorCategory.ConnectionError,
        ErrorKind.Authentication => ErrorCategory.AuthenticationError,
        ErrorKind.ResourceUnavailable => ErrorCategory.ResourceUnavailable,
        ErrorKind.Timeout => ErrorCategory.OperationTimeout,
        ErrorKind.InvalidOperation => ErrorCategory.InvalidOperation,
        ErrorKind.WriteError => ErrorCategory.WriteError,
        ErrorKind.NotImplemented => ErrorCategory.NotImplemented,
        _ => ErrorCategory.NotSpecified,
    };
}
