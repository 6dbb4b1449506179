namespace NasBurnin;

/// <summary>One event of the audit trail: what happened, when, by whom and from where.</summary>
public sealed class BurninAuditEvent
{
    public long EventId { get; init; }
    public DateTime OccurredAt { get; init; }
    public string Type { get; init; } = "";
    public string Operator { get; init; } = "";
    public string Source { get; init; } = "";
    public string? HostName { get; init; }
    public string? Serial { get; init; }
    public long? RunId { get; init; }
    public long? StageId { get; init; }
    public string? Detail { get; init; }

    internal static BurninAuditEvent From(NasBurnin.Engine.Store.AuditEvent e) => new()
    {
        EventId = e.Id,
        OccurredAt = e.OccurredAt.UtcDateTime,
        Type = e.Type,
        Operator = e.Operator,
        Source = e.Source,
        HostName = e.HostName,
        Serial = e.Serial,
        RunId = e.RunId,
        StageId = e.StageId,
        Detail = e.Detail,
    };
}
