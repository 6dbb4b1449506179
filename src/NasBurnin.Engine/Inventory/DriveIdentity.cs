using System.Text;
using System.Text.RegularExpressions;

namespace NasBurnin.Engine.Inventory;

/// <summary>
/// Who a drive is, independent of where it is plugged in: model + serial + WWN (WWNs alone collide behind
/// some controllers, serials alone across vendors). The key is normalised so that lsblk's and smartctl's
/// spellings of the same drive agree (udev writes spaces as underscores; padding differs).
/// </summary>
public sealed record DriveIdentity(string? Model, string? Serial, string? Wwn)
{
    private static readonly Regex Spaces = new(@"[\s_]+", RegexOptions.CultureInvariant);

    /// <summary>"MODEL|SERIAL|wwn"; a drive with neither serial nor WWN gets no key (see <see cref="Fallback"/>).</summary>
    public string? Key => Serial is null && Wwn is null ? null : $"{Norm(Model)}|{Norm(Serial)}|{Wwn ?? ""}";

    public bool IsStable => Key is not null;

    /// <summary>The key of a drive that cannot identify itself: bound to the host and kernel name, so not stable.</summary>
    public static string Fallback(string hostName, string kernelName) => $"host:{hostName.ToLowerInvariant()}|dev:{kernelName}";

    public static DriveIdentity Of(string? model, string? serial, string? wwn) =>
        new(Clean(model), Placeholder(Clean(serial)), Placeholder(SmartctlParser.NormalizeWwn(wwn)));

    // Cheap USB bridges and some RAID controllers report "000000000000" or 0x0000000000000000 for every
    // drive: such a value identifies nothing, and trusting it would merge different drives into one.
    private static string? Placeholder(string? s)
    {
        if (s is null) return null;
        var digits = s.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? s[2..] : s;
        return digits.Length > 0 && digits.All(c => c == '0') ? null : s;
    }

    /// <summary>
    /// The same physical drive seen through different tools: equal serials, WWNs equal or one missing, and
    /// models equal or one a prefix of the other (sysfs truncates ATA models to 16 characters without udev).
    /// </summary>
    public bool SameDriveAs(DriveIdentity other)
    {
        if (Serial is null || other.Serial is null || Norm(Serial) != Norm(other.Serial)) return false;
        if (Wwn is not null && other.Wwn is not null && Wwn != other.Wwn) return false;
        var a = Norm(Model);
        var b = Norm(other.Model);
        if (a.Length == 0 || b.Length == 0) return true;
        return a.StartsWith(b, StringComparison.Ordinal) || b.StartsWith(a, StringComparison.Ordinal);
    }

    /// <summary>
    /// Equal serials and WWNs that do not disagree, whatever the models say: for a drive seen only through lsblk
    /// (asleep, so smartctl did not read it), whose SAS model lacks the vendor smartctl puts in front.
    /// </summary>
    public bool SameSerialAs(DriveIdentity other) =>
        Serial is not null && other.Serial is not null && Norm(Serial) == Norm(other.Serial) &&
        (Wwn is null || other.Wwn is null || Wwn == other.Wwn);

    private static string? Clean(string? s)
    {
        var t = s?.Trim();
        return string.IsNullOrEmpty(t) ? null : t;
    }

    private static string Norm(string? s) => s is null ? "" : Spaces.Replace(s.Trim(), " ").ToUpperInvariant().Normalize(NormalizationForm.FormC);
}
