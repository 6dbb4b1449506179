using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using NasBurnin.Engine.Burnin;
using NasBurnin.Engine.Common;
using NasBurnin.Engine.Store;

namespace NasBurnin.Engine.Maintenance;

/// <summary>
/// Nightly retention: check the store (PRAGMA quick_check; a damaged store is marked, left alone and
/// never backed up over a good backup), prune the log text of old finished stages, return the free
/// space, take an online backup, keep the newest K backups, and audit the run. Meant to run unattended
/// next to other writers, so no step holds the write lock for long: pruning commits in small batches,
/// free pages go back with <c>PRAGMA incremental_vacuum(N)</c> in short transactions with pauses
/// between them (<see cref="StoreVacuum"/>), and the backup reads one snapshot, which blocks no writer.
/// A full VACUUM only runs when asked for (<see cref="RetentionOptions.Full"/>) and once, announced, to
/// convert a store made before incremental auto-vacuum.
/// </summary>
public sealed class RetentionService
{
    /// <summary>The first prune transaction frees about this much log text (or <see cref="BatchRows"/> rows); later ones follow the measured pace (<see cref="WriteLockPacer"/>).</summary>
    internal const long BatchBytes = 2L << 20;
    internal const long MaxBatchBytes = 16L << 20;
    internal const int BatchRows = 256;

    private readonly BurninStore _store;

    public RetentionService(BurninStore store) => _store = store;

    public static DateTimeOffset CutoffFor(DateTimeOffset now, int logRetentionDays) => now.AddDays(-logRetentionDays);

    /// <summary>
    /// Runs retention. A failing step stops the run and is reported in the result (not thrown); what
    /// was done before it stays done. Invalid options throw. With <see cref="RetentionOptions.WhatIf"/>
    /// every action is only offered to <see cref="RetentionHooks.Confirm"/> and nothing changes.
    /// </summary>
    public RetentionResult Run(RetentionOptions options, Actor actor, RetentionHooks? hooks = null, CancellationToken ct = default)
    {
        hooks ??= new RetentionHooks();
        var result = NewResult(options);
        var total = Stopwatch.StartNew();
        var step = "Check";
        try
        {
            if (!options.WhatIf) CheckStore(hooks, ct);
            step = "Prune";
            PruneDue(result, options, hooks, ct);

            step = "Vacuum";
            var sw = Stopwatch.StartNew();
            Reclaim(result, options, hooks, ct);
            result.VacuumDuration = sw.Elapsed;

            if (!options.NoBackup)
            {
                step = "Backup";
                var (target, backedUp) = BackUp(result, options, hooks, ct);
                step = "Rotate";
                Rotate(result, options, hooks, target, backedUp);
            }
        }
        catch (BurninException e)
        {
            Fail(result, step, e);
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException)
        {
            Fail(result, step, new BurninException("RetentionStepFailed", ErrorKind.WriteError,
                $"Retention of the store '{_store.Path}' failed at the {step} step: {e.Message}", e) { Target = _store.Path });
        }
        catch (OperationCanceledException)
        {
            result.FailedStep = step + " (cancelled)";
            Finish(result, total, options, actor);
            throw;
        }
        Finish(result, total, options, actor);
        return result;
    }

    /// <summary>The result as it starts: the options checked (invalid ones throw), the cutoff and the store's size.</summary>
    private RetentionResult NewResult(RetentionOptions options)
    {
        var days = (int)SettingDefinitions.LogRetentionDays.Normalize(options.LogRetentionDays);
        var keep = (int)SettingDefinitions.BackupKeep.Normalize(options.BackupKeep);
        var started = _store.Clock.UtcNow;
        return new RetentionResult
        {
            StorePath = _store.Path,
            StartedAt = started,
            Cutoff = CutoffFor(started, days),
            LogRetentionDays = days,
            BackupKeep = keep,
            BytesBefore = SqliteFiles.SizeWithWal(_store.Path),
        };
    }

    /// <summary>A damaged store is left alone (and never backed up over a good backup).</summary>
    private void CheckStore(RetentionHooks hooks, CancellationToken ct)
    {
        hooks.Report("Checking the store (PRAGMA quick_check)...");
        if (_store.QuickCheck("Invoke-BurninRetention (PRAGMA quick_check)", ct) != "ok" || _store.Damage is not null)
            throw _store.DamageRefusal();
    }

    private void PruneDue(RetentionResult result, RetentionOptions options, RetentionHooks hooks, CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        var due = Prunable(result.Cutoff);
        if (due.Count == 0)
            hooks.Report($"No finished stage older than {result.LogRetentionDays} days has log text; nothing to prune.");
        else if (hooks.Ask(_store.Path, $"Prune the log text of {due.Count} finished stage(s) ({SqliteFiles.FormatBytes(due.Sum(d => d.Bytes))}) that finished before {Iso(result.Cutoff)}") && !options.WhatIf)
            Prune(result, due, hooks, ct);
        result.PruneDuration = sw.Elapsed;
    }

    /// <summary>Today's online backup, replacing today's if there is one; returns where it goes and whether it was taken.</summary>
    private (BackupTarget Target, bool BackedUp) BackUp(RetentionResult result, RetentionOptions options, RetentionHooks hooks, CancellationToken ct)
    {
        var backups = new BackupService(_store);
        var target = new BackupTarget(backups.DailyTarget(options.BackupFolder), MayReplace: true);
        if (!hooks.Ask(target.Path, "Back up the store (online backup; replaces today's backup if there is one)") || options.WhatIf)
            return (target, false);
        var sw = Stopwatch.StartNew();
        hooks.Report($"Backing up to '{target.Path}'...");
        var info = backups.Backup(target, ct);
        result.BackupFile = info.Path;
        result.BackupBytes = info.SizeBytes;
        result.BackupDuration = sw.Elapsed;
        return (target, true);
    }

    /// <summary>Keeps the newest backups; with -WhatIf only offers each removal.</summary>
    private void Rotate(RetentionResult result, RetentionOptions options, RetentionHooks hooks, BackupTarget target, bool backedUp)
    {
        var sw = Stopwatch.StartNew();
        var keep = result.BackupKeep;
        var folder = Path.GetDirectoryName(target.Path)!;
        if (options.WhatIf)
        {
            foreach (var old in BackupFolder.PlanRotation(folder, keep, adding: target.Path))
                hooks.Ask(old, $"Remove old backup (keeping the newest {keep})");
        }
        else if (backedUp)
        {
            // Rotation only follows a good backup: a failed night never costs an older backup.
            result.BackupsRemoved = BackupFolder.Rotate(folder, keep, _store.Clock.UtcNow,
                old => hooks.Ask(old, $"Remove old backup (keeping the newest {keep})"));
        }
        result.RotateDuration = sw.Elapsed;
    }

    private static void Fail(RetentionResult result, string step, BurninException e)
    {
        result.FailedStep = step;
        result.Error = e;
    }

    private void Finish(RetentionResult result, Stopwatch total, RetentionOptions options, Actor actor)
    {
        result.BytesAfter = SqliteFiles.SizeWithWal(_store.Path);
        result.Duration = total.Elapsed;
        if (options.WhatIf) return;
        try
        {
            new AuditLog(_store).Record("retention_run", actor, Describe(result));
        }
        catch (Exception e) when (result.Error is null && e is BurninException or SqliteException)
        {
            Fail(result, "Audit", e as BurninException ?? new BurninException("RetentionStepFailed", ErrorKind.WriteError,
                $"Retention of the store '{_store.Path}' finished its steps but could not record the audit event: {e.Message}", e) { Target = _store.Path });
        }
        catch (Exception e) when (e is BurninException or SqliteException)
        {
            // The run already failed; that error is the one to report.
        }
    }

    /// <summary>
    /// The stages whose log text is due (id and log bytes, oldest id first). A read: in WAL mode it
    /// blocks no writer, so the write transactions later only run their UPDATE.
    /// </summary>
    private IReadOnlyList<(long Id, long Bytes)> Prunable(DateTimeOffset cutoff) => _store.Read(c => RunRepository.StagesWithLogBefore(c, cutoff));

    /// <summary>
    /// Nulls log text in short transactions over id ranges sized to hold the write lock briefly, pausing
    /// after each (<see cref="WriteLockPacer"/>), so a concurrent writer waits for one batch at most;
    /// each batch commits on its own. The condition is
    /// checked again in each UPDATE, so a stage another process changed meanwhile is judged afresh.
    /// </summary>
    private void Prune(RetentionResult result, IReadOnlyList<(long Id, long Bytes)> due, RetentionHooks hooks, CancellationToken ct)
    {
        var bytesById = due.ToDictionary(d => d.Id, d => d.Bytes);
        var pacer = new WriteLockPacer();
        var batchBytes = BatchBytes;
        for (var start = 0; start < due.Count;)
        {
            ct.ThrowIfCancellationRequested();
            long sum = 0;
            var end = start;
            while (end < due.Count && end - start < BatchRows && (end == start || sum < batchBytes))
                sum += due[end++].Bytes;
            var (first, last) = (due[start].Id, due[end - 1].Id);
            // Freed overflow pages are not rewritten (secure_delete is off): the free-list trunk and
            // pointer-map pages that record them, and the stage rows, are about one page in 64.
            var pruned = pacer.Write(_store, Math.Max(1, sum / 4096 / 64), (c, tx) => RunRepository.DropStageLogs(c, tx, first, last, result.Cutoff));
            var held = pacer.LastHeld;
            result.PrunedRows += pruned.Count;
            result.PrunedLogBytes += pruned.Sum(id => bytesById.GetValueOrDefault(id));
            start = end;
            hooks.Report($"Pruned the log text of {result.PrunedRows} stage(s) ({SqliteFiles.FormatBytes(result.PrunedLogBytes)}).");
            if (start >= due.Count) break;
            batchBytes = (long)Math.Clamp(batchBytes * WriteLockPacer.Scale(held), 64 << 10, MaxBatchBytes);
            WriteLockPacer.Pause(held, ct);
        }
    }

    /// <summary>
    /// Returns free space to the file system. A store made before incremental auto-vacuum is converted
    /// first, once, with a full VACUUM (announced: writers wait for it); <see cref="RetentionOptions.Full"/>
    /// asks for a full VACUUM; otherwise the free pages go back in short steps.
    /// </summary>
    private void Reclaim(RetentionResult result, RetentionOptions options, RetentionHooks hooks, CancellationToken ct)
    {
        var vacuum = new StoreVacuum(_store);
        var size = SqliteFiles.FormatBytes(SqliteFiles.SizeWithWal(_store.Path));
        if (!vacuum.IsIncremental())
        {
            if (!hooks.Ask(_store.Path, $"Convert the store ({size}) to incremental auto-vacuum: a one-time full VACUUM, during which other writers wait") || options.WhatIf)
                return;
            hooks.Announce($"Converting the store '{_store.Path}' ({size}) to incremental auto-vacuum. This is done once, with a full VACUUM: " +
                "other writers (syncs, runner updates) wait until it ends. Later retention runs return free space in short steps that writers do not wait for.");
            hooks.Report("Converting the store to incremental auto-vacuum (VACUUM)...");
            vacuum.Full(convert: true, ct);
            result.Vacuum = RetentionVacuum.Conversion;
            return;
        }
        if (options.Full)
        {
            if (!hooks.Ask(_store.Path, $"Compact the store ({size}) with a full VACUUM, during which other writers wait") || options.WhatIf)
                return;
            hooks.Report("Compacting the store (full VACUUM)...");
            vacuum.Full(convert: false, ct);
            result.Vacuum = RetentionVacuum.Full;
            return;
        }
        var free = vacuum.FreePages();
        var pageSize = vacuum.PageSize();
        if (free == 0)
            return;
        if (!hooks.Ask(_store.Path, $"Return {free} free page(s) ({SqliteFiles.FormatBytes(free * pageSize)}) to the file system, in short steps") || options.WhatIf)
            return;
        hooks.Report("Returning free space (PRAGMA incremental_vacuum)...");
        var outcome = vacuum.Incremental((done, total) =>
            hooks.Report($"Returned {done} of {total} free page(s) ({SqliteFiles.FormatBytes(done * pageSize)})."), ct);
        result.Vacuum = RetentionVacuum.Incremental;
        result.VacuumTransactions = outcome.Transactions;
        result.LongestVacuumTransaction = outcome.LongestTransaction;
        result.ReclaimedBytes = outcome.Pages * pageSize;
    }

    private static string Describe(RetentionResult r)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"cutoff {Iso(r.Cutoff)} ({r.LogRetentionDays} days); ");
        sb.Append(CultureInfo.InvariantCulture, $"pruned {r.PrunedRows} stage log(s) ({SqliteFiles.FormatBytes(r.PrunedLogBytes)})");
        if (r.Vacuumed) sb.Append(CultureInfo.InvariantCulture, $"; {Vacuumed(r)} {SqliteFiles.FormatBytes(r.BytesBefore)} -> {SqliteFiles.FormatBytes(r.BytesAfter)}");
        if (r.BackupFile is not null) sb.Append(CultureInfo.InvariantCulture, $"; backup '{r.BackupFile}' ({SqliteFiles.FormatBytes(r.BackupBytes)})");
        if (r.BackupsRemoved.Count > 0) sb.Append(CultureInfo.InvariantCulture, $"; removed {r.BackupsRemoved.Count} old backup(s) (keeping {r.BackupKeep})");
        if (r.FailedStep is not null)
            sb.Append(CultureInfo.InvariantCulture, $"; FAILED at {r.FailedStep}{(r.Error is null ? "" : $": {r.Error.ErrorId}: {r.Error.Message}")}");
        return sb.ToString();
    }

    private static string Vacuumed(RetentionResult r) => r.Vacuum switch
    {
        RetentionVacuum.Conversion => "converted to incremental auto-vacuum (full VACUUM)",
        RetentionVacuum.Full => "full VACUUM",
        _ => $"returned {SqliteFiles.FormatBytes(r.ReclaimedBytes)} in {r.VacuumTransactions} step(s)",
    };

    private static string Iso(DateTimeOffset t) => StoreTime.Format(t);
}
