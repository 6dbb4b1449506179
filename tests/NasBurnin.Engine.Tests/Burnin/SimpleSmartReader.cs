using System.Text.Json;
using NasBurnin.Engine.Burnin;

namespace NasBurnin.Engine.Tests.Burnin;

/// <summary>A small reader of the fields the burn-in verdict needs, so runner tests don't depend on the inventory parser.</summary>
internal sealed class SimpleSmartReader : ISmartReader
{
    public SmartEvidence? Evidence(string json)
    {
        try
        {
            using var d = JsonDocument.Parse(json);
            var r = d.RootElement;
            long? Attr(int id)
            {
                if (!r.TryGetProperty("ata_smart_attributes", out var a)) return null;
                foreach (var row in a.GetProperty("table").EnumerateArray())
                    if (row.GetProperty("id").GetInt32() == id) return row.GetProperty("raw").GetProperty("value").GetInt64();
                return null;
            }
            bool? passed = r.TryGetProperty("smart_status", out var s) ? s.GetProperty("passed").GetBoolean() : null;
            int? temp = r.TryGetProperty("temperature", out var t) ? t.GetProperty("current").GetInt32() : null;
            int? cw = null; long? me = null;
            if (r.TryGetProperty("nvme_smart_health_information_log", out var n))
            {
                cw = n.GetProperty("critical_warning").GetInt32();
                me = n.GetProperty("media_errors").GetInt64();
            }
            return new SmartEvidence(passed, Attr(5), Attr(197), Attr(198), Attr(199), cw, me, temp);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException) { return null; }
    }

    public SmartTiming? Timing(string json) => new(null, null, null, null);
}
