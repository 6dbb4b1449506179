using System.Globalization;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using NasBurnin.Engine.Burnin;
using NasBurnin.Engine.Common;
using NasBurnin.Engine.Store;
using NasBurnin.Engine.Tests.Burnin;

namespace NasBurnin.Bench.Surface;

/// <summary>One SurfaceValidate run through the engine, with what the engine and the runner recorded.</summary>
internal sealed record NasBurninResult(
    TimeSpan Wall, TimeSpan? ToBadblocksExec, TimeSpan? Badblocks, TimeSpan? StageTime, string Result, string StageState, string? Summary, string? Log, int Refreshes)
{
    /// <summary>The runner's stage time to the nanosecond: its stages/1/started and finished files' mtimes (each written once).</summary>
    public TimeSpan? StageExact { get; init; }

    /// <summary>The stage's fixed tail: the runner's stage time less badblocks' own time (preflight, and the end of the stage).</summary>
    public TimeSpan? Tail => StageExact is { } s && Badblocks is { } b ? s - b : null;

    /// <summary>The tail's two parts: stage started -> badblocks exec (preflight), badblocks exit -> stage finished.</summary>
    public TimeSpan? TailBefore { get; init; }
    public TimeSpan? TailAfter { get; init; }

    public long LogBytes => System.Text.Encoding.UTF8.GetByteCount(Log ?? "");
}

/// <summary>
/// NasBurnin's side: a store of its own, the sandbox as a host reached by a local shell (the scripts
/// SSH would carry), and runs planned and started exactly as Start-BurninRun does, then refreshed
/// until the engine sees them final.
/// </summary>
internal sealed class NasBurninSide : IDisposable
{
    private readonly TestNas _nas;
    private readonly string _dir;
    private readonly BurninStore _store;
    private readonly BurninSettings _settings;
    private readonly HostContext _host;
    private readonly BurninPlanner _planner;
    private readonly BurninService _service;

    public NasBurninSide(TestNas nas, int runnerPollSeconds)
    {
        _nas = nas;
        _dir = Path.Combine(Path.GetTempPath(), "nb-bench-store-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_dir);
        _store = BurninStore.Open(Path.Combine(_dir, "burnin.db"));
        _settings = new SettingsRepository(_store).Set(new Dictionary<string, object?> { ["RunnerPollSeconds"] = runnerPollSeconds });
        _host = new HostContext(null, "testnas", Path.Combine(nas.StateDir, "work"), new RunnerTools(), 4, new LocalTestShell("testnas", nas.ShellEnvironment));
        var reader = new SectorSizeSmartReader();
        _planner = new BurninPlanner(_store, reader);
        _service = new BurninService(_store, reader);
    }

    public BurninSettings Settings => _settings;

    /// <summary>Records a sandbox drive as a Free drive with its SMART document, as an inventory would.</summary>
    public long AddDrive(JsonElement d, string smartJson) => TestNas.InsertDrive(_store.Path, d, "Free", smartJson);

    /// <summary>The badblocks arguments the planner picks for a drive (what the runner will use).</summary>
    public BadblocksArguments PlannedBadblocks(long driveId) => Plan(driveId).Spec.Badblocks!;

    private RunPlan Plan(long driveId) =>
        _planner.Plan(_planner.LoadDrive(driveId), "Custom", new[] { StageKind.SurfaceValidate }, _host, _settings, Actor.OsUser(), 0);

    /// <summary>
    /// Plans and starts a SurfaceValidate run, refreshing every <paramref name="pollMs"/> until the
    /// engine records it final; while badblocks runs only with <paramref name="refreshDuringScan"/>
    /// (each refresh is a shell round trip on the same 2 cores as the scan). Wall time runs from the
    /// start call to the refresh that sees the run final.
    /// </summary>
    public async Task<NasBurninResult> RunAsync(long driveId, int pollMs, bool refreshDuringScan, CancellationToken ct)
    {
        var plan = Plan(driveId);
        var clock = new BadblocksClock(_nas.StateDir);
        var mark = clock.Mark();
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var badblocks = BadblocksClock.WatchFor(plan.Spec.RemoteId, watching.Token);
        var sw = Stopwatch.StartNew();
        var startedUtc = DateTimeOffset.UtcNow;
        var run = (await _service.StartAsync(_host, new[] { plan }, Actor.OsUser(), ct)).Single();
        var refreshes = 0;
        var repo = new RunRepository(_store);
        while (!RunStates.IsFinal(run.State))
        {
            if (!refreshDuringScan && badblocks.Appeared.IsCompleted && !badblocks.Exited.IsCompleted)
                await badblocks.Exited.WaitAsync(ct); // like an operator who looks again later: no refresh competes with the scan
            else
                await Task.Delay(pollMs, ct);
            await _service.RefreshAsync(_host, _settings, ct);
            refreshes++;
            run = repo.Query(new RunQuery(RunIds: new[] { run.Id })).Single();
        }
        sw.Stop();
        watching.Cancel();
        var exec = clock.ExecAt(mark, plan.Spec.RemoteId);
        var ended = await badblocks.Exited;
        var stage = repo.Stages(new[] { run.Id }, includeLog: true).Single();
        var sd = Path.Combine(_host.WorkDir, "runs", plan.Spec.RemoteId, "stages", "1");
        return new NasBurninResult(
            sw.Elapsed, exec - startedUtc, ended - exec, stage.FinishedAt - stage.StartedAt,
            run.Result, stage.State, stage.Summary, stage.LogText, refreshes)
        {
            StageExact = File.GetLastWriteTimeUtc(Path.Combine(sd, "finished")) - File.GetLastWriteTimeUtc(Path.Combine(sd, "started")),
            TailBefore = exec - new DateTimeOffset(File.GetLastWriteTimeUtc(Path.Combine(sd, "started"))),
            TailAfter = new DateTimeOffset(File.GetLastWriteTimeUtc(Path.Combine(sd, "finished"))) - ended,
        };
    }

    /// <summary>
    /// The host-side queue's hand-off: two SmartShort runs started together on a host that allows one run at a
    /// time, so the second waits in the queue. Returns the time from the first run's end (its state file's
    /// mtime: Finished is written just before the runner frees its slot) to the second run's start (its
    /// started file) and to its first smartctl call (the sandbox's smartctl.log).
    /// </summary>
    public async Task<(TimeSpan ToStarted, TimeSpan ToFirstSmartctl)> HandOffAsync(long first, long second, CancellationToken ct)
    {
        var one = _host with { MaxParallel = 1 };
        var plans = new[] { first, second }.Select(id =>
            _planner.Plan(_planner.LoadDrive(id), "Custom", new[] { StageKind.SmartShort }, one, _settings, Actor.OsUser(), 0)).ToList();
        var smartLog = Path.Combine(_nas.StateDir, "smartctl.log");
        var mark = File.Exists(smartLog) ? new FileInfo(smartLog).Length : 0;
        var runs = await _service.StartAsync(one, plans, Actor.OsUser(), ct);
        var repo = new RunRepository(_store);
        while (!runs.All(r => RunStates.IsFinal(r.State)))
        {
            await Task.Delay(1000, ct);
            await _service.RefreshAsync(one, _settings, ct);
            runs = repo.Query(new RunQuery(RunIds: runs.Select(r => r.Id).ToArray()));
        }
        // Which one the queue let go first: remote ids made in the same millisecond sort by their random part.
        var order = plans.OrderBy(p => File.GetLastWriteTimeUtc(Path.Combine(_host.WorkDir, "runs", p.Spec.RemoteId, "started"))).ToList();
        var ended = File.GetLastWriteTimeUtc(Path.Combine(_host.WorkDir, "runs", order[0].Spec.RemoteId, "state"));
        var started = File.GetLastWriteTimeUtc(Path.Combine(_host.WorkDir, "runs", order[1].Spec.RemoteId, "started"));
        var device = order[1].Spec.Device;
        var firstCall = File.ReadAllText(smartLog)[(int)mark..].Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => l.EndsWith(" " + device, StringComparison.Ordinal))
            .Select(l => DateTime.UnixEpoch.AddSeconds(double.Parse(l[..l.IndexOf(' ')], CultureInfo.InvariantCulture)))
            .First(t => t >= ended);
        return (started - ended, firstCall - ended);
    }

    /// <summary>
    /// A SurfaceValidate run whose runner is killed (kill -9) once badblocks is halfway through the second
    /// pattern's write phase, refreshed until the engine calls it Interrupted, then resumed from its checkpoint
    /// (the engine path of Resume-BurninRun) and refreshed until final. Returns its work time (start to kill,
    /// plus resume to final) and the block the resume continued from.
    /// </summary>
    public async Task<(TimeSpan Work, long CutBlock, long Blocks)> RunCutAndResumeAsync(long driveId, CancellationToken ct)
    {
        var plan = Plan(driveId);
        var repo = new RunRepository(_store);
        var sw = Stopwatch.StartNew();
        var run = (await _service.StartAsync(_host, new[] { plan }, Actor.OsUser(), ct)).Single();
        var dir = Path.Combine(_host.WorkDir, "runs", plan.Spec.RemoteId);
        var sd = Path.Combine(dir, "stages", "1");
        while (File.Exists(Path.Combine(sd, "bbstate")) ? File.ReadAllText(Path.Combine(sd, "bbstate")).Split(' ') is var st && !(st[0] == "3" && double.Parse(st[3], CultureInfo.InvariantCulture) >= 50) : true)
            await Task.Delay(50, ct);
        Process.Start("kill", new[] { "-9", File.ReadAllText(Path.Combine(dir, "pid")).Trim() })!.WaitForExit();
        var beforeKill = sw.Elapsed;
        while (!RunStates.IsFinal(run.State))
        {
            await _service.RefreshAsync(_host, _settings, ct);
            run = repo.Query(new RunQuery(RunIds: new[] { run.Id })).Single();
        }
        var cp = File.ReadAllLines(Path.Combine(sd, "checkpoint")).Select(l => l.Split(' ', 2)).Where(p => p.Length == 2).GroupBy(p => p[0]).ToDictionary(g => g.Key, g => g.First()[1]);
        var resumedAt = sw.Elapsed;
        var drive = _planner.LoadDrive(driveId);
        var (resumed, refused) = await new RunResumer(_store).ResumeAsync(_host, new[] { new ResumePlan(run, drive, null, null, new[] { StageKind.SurfaceValidate }) }, Actor.OsUser(), ct);
        if (refused.Count > 0) throw new InvalidOperationException("the resume was refused: " + refused[0].Reason);
        run = resumed.Single();
        while (!RunStates.IsFinal(run.State))
        {
            await Task.Delay(500, ct);
            await _service.RefreshAsync(_host, _settings, ct);
            run = repo.Query(new RunQuery(RunIds: new[] { run.Id })).Single();
        }
        if (run.Result != RunResults.Pass) throw new InvalidOperationException($"the resumed run ended {run.Result}: {string.Join("; ", run.Reasons)}");
        return (beforeKill + (sw.Elapsed - resumedAt), long.Parse(cp["block"], CultureInfo.InvariantCulture), long.Parse(cp["blocks"], CultureInfo.InvariantCulture));
    }

    public void Dispose()
    {
        _host.Shell.Dispose();
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }
}
