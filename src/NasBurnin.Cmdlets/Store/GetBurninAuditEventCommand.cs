using System.Management.Automation;
using NasBurnin.Completion;
using NasBurnin.Common;
using NasBurnin.Engine.Store;

namespace NasBurnin.Store;

/// <summary>Get-BurninAuditEvent: read the audit trail, filtered by type, time, drive serial or operator.</summary>
[Cmdlet(VerbsCommon.Get, "BurninAuditEvent")]
[OutputType(typeof(BurninAuditEvent))]
public sealed class GetBurninAuditEventCommand : BurninCmdlet
{
    /// <summary>Event types, for example user_login or mounted_drive_unlocked; wildcards allowed.</summary>
    [Parameter(Position = 0)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(AuditTypeCompleter))]
    public string[]? Type { get; set; }

    [Parameter]
    public DateTime? Since { get; set; }

    /// <summary>Drive serial; wildcards allowed.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(SerialCompleter))]
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
        NamePatterns.Parse(this, Type); // an invalid -Type stops here, naming it
        var serial = NamePatterns.Parse(this, Serial);
        var query = new AuditQuery(Type, since, serial, Operator, Last);
        var store = Store;
        var events = Terminating(() => new ConfigFacade(store).AuditEvents(query), store.Path);
        if (serial is not null && events.Count == 0) DriveLookup.ReportUnknownSerial(this, serial);
        foreach (var e in events) WriteObject(BurninAuditEvent.From(e));
    }
}
