using System.Globalization;
using System.Text;
using System.Text.Json;

namespace NasBurnin.Engine.Inventory;

/// <summary>One mounted filesystem. <see cref="Source"/> is a device path, a ZFS dataset, or a pseudo name.</summary>
public sealed record MountEntry(string Target, string Source, string? FsType, string? MajMin = null)
{
    /// <summary>The source without a btrfs subvolume suffix: "/dev/sda2[/@home]" is "/dev/sda2".</summary>
    public string SourceDevice => Source.IndexOf('[') is var i and > 0 ? Source[..i] : Source;

    /// <summary>For ZFS mounts, the pool: the first component of the dataset name.</summary>
    public string? ZfsPool => string.Equals(FsType, "zfs", StringComparison.OrdinalIgnoreCase) && Source.Length > 0 && Source[0] != '/'
        ? Source.Split('/')[0]
        : null;
}

public sealed record MountTable(IReadOnlyList<MountEntry> Mounts, IReadOnlyList<string> Warnings)
{
    public bool Ok => Warnings.Count == 0 || Mounts.Count > 0;
}

/// <summary>
/// Reads <c>findmnt -J</c> (list or tree, any column set that has target and source) and, as the fallback
/// on hosts without a JSON-capable findmnt, <c>/proc/self/mounts</c>. Nothing throws.
/// </summary>
public static class FindmntParser
{
    public static MountTable Parse(string? json)
    {
        var warnings = new List<string>();
        using var doc = JsonRead.TryParse(json, out var problem);
        if (doc is null)
        {
            warnings.Add($"findmnt: {problem}.");
            return new MountTable(Array.Empty<MountEntry>(), warnings);
        }
        var fs = doc.RootElement.Get("filesystems");
        if (fs is not { ValueKind: JsonValueKind.Array })
        {
            warnings.Add("findmnt: the JSON has no 'filesystems' list.");
            return new MountTable(Array.Empty<MountEntry>(), warnings);
        }
        var list = new List<MountEntry>();
        foreach (var e in fs.Items()) Walk(e, list);
        return new MountTable(list, warnings);
    }

    private static void Walk(JsonElement e, List<MountEntry> into)
    {
        var target = e.Get("target").Text();
        var source = e.Get("source").Text();
        if (target is not null && source is not null)
            into.Add(new MountEntry(target, source, e.Get("fstype").Text(), e.Get("maj:min").Text()));
        foreach (var c in e.Get("children").Items()) Walk(c, into);
    }

    /// <summary>Reads /proc/self/mounts (fields separated by spaces, with \040-style octal escapes).</summary>
    public static MountTable ParseProcMounts(string? text)
    {
        var list = new List<MountEntry>();
        foreach (var line in (text ?? "").Split('\n'))
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 3) continue;
            list.Add(new MountEntry(Unescape(f[1]), Unescape(f[0]), f[2]));
        }
        var warnings = list.Count == 0 ? new[] { "/proc/self/mounts: no mounts could be read." } : Array.Empty<string>();
        return new MountTable(list, warnings);
    }

    private static string Unescape(string s)
    {
        if (!s.Contains('\\')) return s;
        var sb = new StringBuilder();
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '\\' && i + 3 < s.Length && TryOctal(s.AsSpan(i + 1, 3), out var ch))
            {
                sb.Append(ch);
                i += 3;
            }
            else sb.Append(s[i]);
        }
        return sb.ToString();
    }

    private static bool TryOctal(ReadOnlySpan<char> digits, out char ch)
    {
        ch = '\0';
        if (digits.Length != 3) return false;
        var v = 0;
        foreach (var d in digits)
        {
            if (d is < '0' or > '7') return false;
            v = v * 8 + (d - '0');
        }
        ch = (char)v;
        return true;
    }
}

/// <summary>Reads /proc/swaps: the active swap areas (devices or files).</summary>
public static class SwapsParser
{
    public static IReadOnlyList<string> Parse(string? text) =>
        (text ?? "").Split('\n')
            .Skip(1) // header: Filename Type Size Used Priority
            .Select(l => l.Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length >= 2)
            .Select(f => f[0].Replace("\\040", " ", StringComparison.Ordinal))
            .ToList();
}
