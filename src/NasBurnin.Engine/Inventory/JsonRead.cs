using System.Globalization;
using System.Text.Json;

namespace NasBurnin.Engine.Inventory;

/// <summary>
/// Tolerant reads from tool JSON: a missing key, a null, or a value of the wrong kind is "absent", never an
/// exception. Old lsblk prints numbers and booleans as strings ("1", "500107862016"); so do some smartctl builds.
/// </summary>
internal static class JsonRead
{
    public static readonly JsonDocumentOptions Options = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
        MaxDepth = 128,
    };

    /// <summary>Parses a document, or returns null with the reason (empty, truncated, not JSON).</summary>
    public static JsonDocument? TryParse(string? text, out string? problem)
    {
        problem = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            problem = "the output is empty";
            return null;
        }
        try
        {
            return JsonDocument.Parse(text, Options);
        }
        catch (JsonException e)
        {
            problem = text.TrimStart().StartsWith('{') || text.TrimStart().StartsWith('[')
                ? $"the JSON is truncated or malformed (line {(e.LineNumber ?? 0) + 1})"
                : "the output is not JSON";
            return null;
        }
    }

    public static JsonElement? Get(this JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;

    public static JsonElement? Get(this JsonElement? e, string name) => e is { } x ? x.Get(name) : null;

    /// <summary>Follows a path of property names.</summary>
    public static JsonElement? Path(this JsonElement e, params string[] names)
    {
        JsonElement? cur = e;
        foreach (var n in names)
        {
            cur = cur.Get(n);
            if (cur is null) return null;
        }
        return cur;
    }

    public static string? Str(this JsonElement? e)
    {
        if (e is not { } v) return null;
        return v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Number => v.GetRawText(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => null,
        };
    }

    /// <summary>A trimmed string, or null when absent or blank.</summary>
    public static string? Text(this JsonElement? e)
    {
        var s = e.Str()?.Trim();
        return string.IsNullOrEmpty(s) ? null : s;
    }

    public static long? Long(this JsonElement? e)
    {
        if (e is not { } v) return null;
        if (v.ValueKind == JsonValueKind.Number)
        {
            if (v.TryGetInt64(out var l)) return l;
            if (v.TryGetDouble(out var d) && d is >= long.MinValue and <= long.MaxValue) return (long)d;
            return null;
        }
        if (v.ValueKind == JsonValueKind.String &&
            long.TryParse(v.GetString()?.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s))
            return s;
        return null;
    }

    public static int? Int(this JsonElement? e) => e.Long() is { } l && l is >= int.MinValue and <= int.MaxValue ? (int)l : null;

    public static bool? Bool(this JsonElement? e)
    {
        if (e is not { } v) return null;
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number => v.TryGetInt64(out var l) ? l != 0 : null,
            JsonValueKind.String => v.GetString()?.Trim() switch
            {
                "1" or "true" or "yes" => true,
                "0" or "false" or "no" => false,
                _ => null,
            },
            _ => null,
        };
    }

    public static IEnumerable<JsonElement> Items(this JsonElement? e) =>
        e is { ValueKind: JsonValueKind.Array } a ? a.EnumerateArray() : Enumerable.Empty<JsonElement>();

    internal static string Shorten(string s, int max = 160) => s.Length <= max ? s : s[..max] + "…";
}
