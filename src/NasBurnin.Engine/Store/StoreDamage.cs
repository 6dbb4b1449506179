using System.Globalization;
using NasBurnin.Engine.Common;

namespace NasBurnin.Engine.Store;

/// <summary>What was found wrong with a store, by what, and when.</summary>
public sealed record StoreDamageRecord(DateTimeOffset FoundAt, string FoundBy, string Finding);

/// <summary>
/// The "this store is damaged" mark: a small file beside the store (<c>burnin.db.damaged</c>), because
/// the damaged file itself is the last place to keep it, and every process (a session, the scheduled
/// sync, retention) must see it. While it exists the store takes no writes (<see cref="BurninStore"/>
/// checks it at the start of every write transaction), so damage is never written over or spread;
/// reads go on where SQLite can answer. It is set when SQLite reports SQLITE_CORRUPT on any operation,
/// or when <c>PRAGMA quick_check</c> fails (Test-BurninHealth, retention, a backup whose copy is not
/// intact). It is cleared by Restore-BurninStore, and by Test-BurninHealth when the file since passes a
/// full <c>PRAGMA integrity_check</c> (repaired or replaced by hand).
/// </summary>
public static class StoreDamage
{
    public const string Suffix = ".damaged";

    /// <summary>
    /// Finds the newest backup that passes quick_check, for the refusal's advice. Backups are
    /// Maintenance's business, and Store depends on no other area, so Maintenance supplies this.
    /// </summary>
    internal static Func<string, string?>? GoodBackupFinder { get; set; }

    public static string MarkerPath(string storePath) => storePath + Suffix;

    public static StoreDamageRecord? Read(string storePath)
    {
        var marker = MarkerPath(storePath);
        if (!File.Exists(marker)) return null;
        try
        {
            var lines = File.ReadAllLines(marker);
            var at = lines.Length > 0 && DateTimeOffset.TryParse(lines[0], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : File.GetLastWriteTimeUtc(marker);
            return new StoreDamageRecord(at, lines.Length > 1 ? lines[1] : "an earlier check", lines.Length > 2 ? string.Join(" ", lines.Skip(2)) : "damage was recorded");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A mark that cannot be read still marks the store.
            return new StoreDamageRecord(DateTimeOffset.UtcNow, "an earlier check", $"damage was recorded in '{marker}' ({e.Message})");
        }
    }

    /// <summary>Marks the store damaged (atomically; the first finding is kept if it is already marked).</summary>
    public static StoreDamageRecord Record(string storePath, string foundBy, string finding, DateTimeOffset at)
    {
        if (Read(storePath) is { } existing) return existing;
        var marker = MarkerPath(storePath);
        var tmp = marker + ".tmp" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        var text = $"{StoreTime.Format(at)}\n{OneLine(foundBy)}\n{OneLine(finding)}\n";
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = StoreFile.FileMode600;
            using (var fs = new FileStream(tmp, options))
            using (var w = new StreamWriter(fs))
                w.Write(text);
            File.Move(tmp, marker, overwrite: false);
        }
        catch (IOException) when (File.Exists(marker))
        {
            File.Delete(tmp); // another process marked it first
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try { File.Delete(tmp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            // Not being able to write the mark must not hide the damage: the refusal still follows.
        }
        return Read(storePath) ?? new StoreDamageRecord(at, foundBy, finding);
    }

    public static void Clear(string storePath)
    {
        try { File.Delete(MarkerPath(storePath)); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BurninException("StoreNotWritable", ErrorKind.PermissionDenied,
                $"The damage mark '{MarkerPath(storePath)}' could not be removed: {e.Message}") { Target = storePath };
        }
    }

    /// <summary>StoreCorrupt: names what was found, Restore-BurninStore, and the newest backup that passes quick_check.</summary>
    public static BurninException Refusal(string storePath, StoreDamageRecord damage, Exception? inner = null)
    {
        string advice;
        string? good = null;
        try { good = GoodBackupFinder?.Invoke(storePath); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        advice = good is not null
            ? $"Restore it from the newest good backup: Restore-BurninStore -Path '{good}'."
            : "No backup that passes its check was found beside it; restore it from a backup with Restore-BurninStore -Path <backup>.";
        return new BurninException("StoreCorrupt", ErrorKind.InvalidData,
            $"The store '{storePath}' is damaged ({damage.Finding}; found by {damage.FoundBy} at {StoreTime.Format(damage.FoundAt)}). " +
            $"It takes no more writes, so the damage is not made worse; reads go on where they can. {advice}", inner) { Target = storePath };
    }

    private static string OneLine(string s) => s.Replace('\r', ' ').Replace('\n', ' ').Trim();
}
