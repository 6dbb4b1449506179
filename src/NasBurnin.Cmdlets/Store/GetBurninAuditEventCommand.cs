using System.Management.Automation;
using NasBurnin.Common;
using NasBurnin.Engine.Store;

namespace NasBurnin.Store;

/// <summary>Get-BurninAuditEvent: read the audit trail, filtered by type, time, drive serial or operator.</summary>
[Cmdlet(VerbsCommon.Get, "BurninAuditEvent")]
[OutputType(typeof(BurninAuditEvent))]
public sealed class GetBurninAuditEventCommand : BurninCmdlet
{
    /// <summary>Event types, for example user_login or mounted_drive_unlocked.</summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    public string[]? Type { get; set; }

    [Parameter]
    public DateTime? Since { get; set; }

    /// <summary>Drive serial; wildcards allowed.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string? Serial { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Operator { get; set; }

    /// <summary>Only the newest N events.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? Last { get; set; }

    protected override void ProcessRecord()
    {
        var since = Since is { } s ? new DateTimeOffset(s.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(s, DateTimeKind.Local) : s) : (DateTimeOffset?)null;
        var query = new AuditQuery(Type, since, Serial is null ? null : AuditLog.WildcardToLike(Serial), Operator, Last);
        var store = Store;
        foreach (var e in Terminating(() => new AuditLog(store).Query(query), store.Path))
            WriteObject(BurninAuditEvent.From(e));
    }
}
