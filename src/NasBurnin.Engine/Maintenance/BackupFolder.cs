using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using NasBurnin.Engine.Store;

namespace NasBurnin.Engine.Maintenance;

/// <summary>One daily backup file found in a backup folder.</summary>
public sealed record BackupFile(string Path, DateOnly Date, long SizeBytes, DateTimeOffset LastWriteTime);

/// <summary>
/// The folder of daily backups: names are <c>burnin-YYYY-MM-DD.db</c> (the UTC date), and rotation only
/// ever touches files with exactly that shape, so anything else an administrator keeps there is safe.
/// </summary>
public static partial class BackupFolder
{
    public const string DefaultFolderName = "backups";

    /// <summary>Partial files older than this are left-overs of a killed run and are removed by rotation.</summary>
    public static readonly TimeSpan StalePartialAge = TimeSpan.FromDays(1);

    [GeneratedRegex(@"^burnin-(\d{4}-\d{2}-\d{2})\.db$", RegexOptions.CultureInvariant)]
    private static partial Regex DailyPattern();

    [GeneratedRegex(@"^\.burnin-.+\.partial-[0-9a-f]{32}$", RegexOptions.CultureInvariant)]
    private static partial Regex PartialPattern();

    /// <summary><c>backups</c> beside the store file.</summary>
    public static string DefaultFor(string storePath) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(storePath))!, DefaultFolderName);

    public static string DailyName(DateTimeOffset now) =>
        "burnin-" + now.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + ".db";

    /// <summary>The hidden name a backup is written under until it is complete: <c>.NAME.partial-GUID</c>.</summary>
    public static string PartialName(string finalName) => $".{finalName}.partial-{Guid.NewGuid():N}";

    /// <summary>Parses the date of a daily backup name; null for any other name (including impossible dates).</summary>
    public static DateOnly? DateOf(string fileName)
    {
        var m = DailyPattern().Match(fileName);
        return m.Success && DateOnly.TryParseExact(m.Groups[1].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d : null;
    }

    /// <summary>The daily backups in <paramref name="folder"/>, newest first; empty when the folder does not exist.</summary>
    public static IReadOnlyList<BackupFile> List(string folder)
    {
        if (!Directory.Exists(folder)) return Array.Empty<BackupFile>();
        var list = new List<BackupFile>();
        foreach (var path in Directory.EnumerateFiles(folder))
        {
            if (DateOf(Path.GetFileName(path)) is not { } date) continue;
            var info = new FileInfo(path);
            if (!info.Exists) continue;
            list.Add(new BackupFile(path, date, info.Length, new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero)));
        }
        return list.OrderByDescending(b => b.Date).ToList();
    }

    /// <summary>
    /// The newest daily backup beside the store that passes <c>PRAGMA quick_check</c>, or null. For the
    /// advice in a damaged store's refusal; each file's answer is remembered while it is unchanged.
    /// </summary>
    public static string? NewestGood(string storePath)
    {
        foreach (var b in List(DefaultFor(storePath)))
        {
            var key = (b.Path, b.SizeBytes, b.LastWriteTime);
            if (!GoodCache.TryGetValue(key, out var good))
            {
                try
                {
                    using var c = SqliteFiles.OpenUnpooled(b.Path, SqliteOpenMode.ReadOnly);
                    using var cmd = c.CreateCommand();
                    cmd.CommandText = "PRAGMA quick_check";
                    cmd.CommandTimeout = 0;
                    good = cmd.ExecuteScalar() as string == "ok";
                }
                catch (SqliteException) { good = false; }
                GoodCache[key] = good;
            }
            if (good) return b.Path;
        }
        return null;
    }

    private static readonly ConcurrentDictionary<(string, long, DateTimeOffset), bool> GoodCache = new();

    /// <summary>Store depends on no other area; it learns here how to find a good backup for its damage refusal.</summary>
#pragma warning disable CA2255 // deliberate: the registration must be in place before any store refuses a write, whoever loads the engine
    [ModuleInitializer]
    internal static void RegisterWithStore() => StoreDamage.GoodBackupFinder = NewestGood;
#pragma warning restore CA2255

    /// <summary>
    /// Which daily backups rotation removes to keep the newest <paramref name="keep"/>, counting
    /// <paramref name="adding"/> (a backup about to be written) as present.
    /// </summary>
    public static IReadOnlyList<string> PlanRotation(string folder, int keep, string? adding = null)
    {
        var names = List(folder).Select(b => b.Path).ToList();
        if (adding is not null && !names.Any(n => SqliteFiles.SamePath(n, adding)))
            names.Add(adding);
        return names
            .OrderByDescending(n => DateOf(Path.GetFileName(n)))
            .Skip(keep)
            .Where(n => adding is null || !SqliteFiles.SamePath(n, adding))
            .ToList();
    }

    /// <summary>
    /// Removes all but the newest <paramref name="keep"/> daily backups (and partial files a killed run
    /// left more than a day ago). <paramref name="allow"/> may veto single removals. Returns the removed backups.
    /// </summary>
    public static IReadOnlyList<string> Rotate(string folder, int keep, DateTimeOffset now, Func<string, bool>? allow = null)
    {
        var removed = new List<string>();
        foreach (var path in PlanRotation(folder, keep))
        {
            if (allow is not null && !allow(path)) continue;
            File.Delete(path);
            removed.Add(path);
        }
        if (Directory.Exists(folder))
        {
            foreach (var path in Directory.EnumerateFiles(folder, ".burnin-*"))
            {
                if (!PartialPattern().IsMatch(Path.GetFileName(path))) continue;
                if (now - new DateTimeOffset(File.GetLastWriteTimeUtc(path), TimeSpan.Zero) > StalePartialAge)
                    SqliteFiles.DeleteWithSideFiles(path);
            }
        }
        return removed;
    }
}
