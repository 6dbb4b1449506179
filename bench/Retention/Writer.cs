using System.Diagnostics;
using NasBurnin.Engine.Common;
using NasBurnin.Engine.Store;

namespace NasBurnin.Bench.Retention;

/// <summary>
/// A concurrent writer like a scheduled sync: one small committed transaction (an audit event) every
/// few milliseconds through the store, timing each commit. The longest commit is the longest stall
/// the maintenance run caused it.
/// </summary>
internal sealed class Writer : IDisposable
{
    private readonly Thread _thread;
    private readonly CancellationTokenSource _stop = new();
    private readonly BurninStore _store;
    private readonly TimeSpan _pause;

    public Writer(string storePath, TimeSpan pause)
    {
        _store = BurninStore.Open(storePath);
        _pause = pause;
        _thread = new Thread(Loop) { IsBackground = true, Name = "bench-writer" };
    }

    public int Commits { get; private set; }
    public int Failures { get; private set; }
    public string? FirstFailure { get; private set; }
    public TimeSpan LongestCommit { get; private set; }

    /// <summary>Commits slower than 50 ms: when they started (on <see cref="Timeline"/>) and how long they took.</summary>
    public List<(TimeSpan Start, TimeSpan Took)> SlowCommits { get; } = new();

    public void Start() => _thread.Start();

    public void Stop()
    {
        _stop.Cancel();
        _thread.Join();
    }

    private void Loop()
    {
        var log = new AuditLog(_store);
        var actor = new Actor("bench-writer", "local:bench");
        var sw = new Stopwatch();
        while (!_stop.IsCancellationRequested)
        {
            var started = Timeline.Now;
            sw.Restart();
            try
            {
                log.Record("bench_write", actor, "a concurrent commit");
                Commits++;
            }
            catch (Exception e)
            {
                Failures++;
                FirstFailure ??= e.Message;
            }
            if (sw.Elapsed > LongestCommit) LongestCommit = sw.Elapsed;
            if (sw.Elapsed > TimeSpan.FromMilliseconds(50)) SlowCommits.Add((started, sw.Elapsed));
            Thread.Sleep(_pause);
        }
    }

    public void Dispose() => _stop.Dispose();
}

/// <summary>One clock for the whole benchmark, so writer stalls can be placed in the step that caused them.</summary>
internal static class Timeline
{
    private static readonly Stopwatch Clock = Stopwatch.StartNew();
    public static TimeSpan Now => Clock.Elapsed;
}
