using System.Globalization;

namespace NasBurnin.Engine.Burnin;

/// <summary>A stage's progress as the runner reports it: overall percent plus where badblocks is.</summary>
public sealed record StageProgress(double Percent, int Phase, int Phases, string Pattern, string Kind, string Errors, bool Paused)
{
    /// <summary>Parses "percent phase phases pattern kind errors paused".</summary>
    public static StageProgress? Parse(string? line)
    {
        if (string.IsNullOrWhiteSpace(line)) return null;
        var p = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (p.Length < 1 || !double.TryParse(p[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var pct)) return null;
        int At(int i) => p.Length > i && int.TryParse(p[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : 0;
        string S(int i) => p.Length > i && p[i] != "-" ? p[i] : "";
        return new StageProgress(Math.Clamp(pct, 0, 100), At(1), At(2), S(3), S(4), S(5), At(6) == 1);
    }
}

/// <summary>One stage as found on the host.</summary>
public sealed class RemoteStageStatus
{
    public string State { get; set; } = StageStates.Pending;
    public DateTimeOffset? Started { get; set; }
    public DateTimeOffset? Finished { get; set; }
    public StageProgress? Progress { get; set; }
    public string? Summary { get; set; }
    public string? Log { get; set; }
    /// <summary>The runner's temperature windows: "epoch min max" lines, one per 10 minutes.</summary>
    public string? Temperatures { get; set; }
}

/// <summary>One event line the runner wrote (becomes an audit event).</summary>
public sealed record RunnerEvent(DateTimeOffset At, int Stage, string Type, string Detail);

/// <summary>A run as found on the host by the status script.</summary>
public sealed class RemoteRunStatus
{
    public required string RemoteId { get; init; }
    public bool Missing { get; set; }
    public string State { get; set; } = "";
    public bool Alive { get; set; }
    public int? Current { get; set; }
    public DateTimeOffset? Started { get; set; }
    public DateTimeOffset? Finished { get; set; }
    public SortedDictionary<int, RemoteStageStatus> Stages { get; } = new();
    public List<RunnerEvent> Events { get; } = new();
    public string? SmartPre { get; set; }
    public string? SmartPost { get; set; }
    /// <summary>
    /// The runner is gone but processes of its group survived SIGKILL (stuck in uninterruptible I/O):
    /// "pid N (name), ...". The run is not Interrupted while they live.
    /// </summary>
    public string? Survivors { get; set; }

    public bool IsFinal => RunStates.IsFinal(State);
}

/// <summary>Reads what <see cref="RunnerScripts.Status"/> prints.</summary>
public static class RemoteRunStatusParser
{
    public static (IReadOnlyDictionary<string, RemoteRunStatus> Runs, IReadOnlyList<string> Queue) Parse(string output)
    {
        var runs = new Dictionary<string, RemoteRunStatus>(StringComparer.Ordinal);
        var queue = new List<string>();
        RemoteRunStatus? cur = null;
        string? dumping = null;
        var buffer = new List<string>();
        foreach (var line in output.Replace("\r\n", "\n").Split('\n'))
        {
            if (dumping is not null)
            {
                if (line == "@@END " + dumping)
                {
                    Store(cur!, dumping, string.Join('\n', buffer).TrimEnd('\n'));
                    dumping = null;
                    buffer.Clear();
                }
                else buffer.Add(line);
                continue;
            }
            if (line.StartsWith("@@RUN ", StringComparison.Ordinal))
            {
                var id = line[6..].Trim();
                cur = runs.TryGetValue(id, out var existing) ? existing : runs[id] = new RemoteRunStatus { RemoteId = id };
            }
            else if (line.StartsWith("@@QUEUE", StringComparison.Ordinal))
                queue.AddRange(line[7..].Split(' ', StringSplitOptions.RemoveEmptyEntries));
            else if (cur is null) continue;
            else if (line == "@@MISSING") cur.Missing = true;
            else if (line.StartsWith("@@BEGIN ", StringComparison.Ordinal)) dumping = line[8..];
            else if (line.StartsWith("@@F ", StringComparison.Ordinal)) RunField(cur, line[4..]);
            else if (line.StartsWith("@@S ", StringComparison.Ordinal)) StageField(cur, line[4..]);
            else if (line.StartsWith("@@E ", StringComparison.Ordinal)) Event(cur, line[4..]);
        }
        return (runs, queue);
    }

    private static void Store(RemoteRunStatus run, string name, string text)
    {
        if (name == "smart-pre") run.SmartPre = text.Length > 0 ? text : null;
        else if (name == "smart-post") run.SmartPost = text.Length > 0 ? text : null;
        else if (name.StartsWith("log ", StringComparison.Ordinal) && int.TryParse(name[4..], out var n))
            Stage(run, n).Log = text;
        else if (name.StartsWith("temps ", StringComparison.Ordinal) && int.TryParse(name[6..], out var t))
            Stage(run, t).Temperatures = text.Length > 0 ? text : null;
    }

    private static void RunField(RemoteRunStatus run, string rest)
    {
        var (key, value) = Split(rest);
        switch (key)
        {
            case "state": run.State = value; break;
            case "alive": run.Alive = value == "1"; break;
            case "survivors": run.Survivors = value; break;
            case "current": run.Current = int.TryParse(value, out var c) ? c : null; break;
            case "started": run.Started = Epoch(value); break;
            case "finished": run.Finished = Epoch(value); break;
        }
    }

    private static void StageField(RemoteRunStatus run, string rest)
    {
        var (no, tail) = Split(rest);
        if (!int.TryParse(no, out var n)) return;
        var (key, value) = Split(tail);
        var s = Stage(run, n);
        switch (key)
        {
            case "state": s.State = value; break;
            case "started": s.Started = Epoch(value); break;
            case "finished": s.Finished = Epoch(value); break;
            case "progress": s.Progress = StageProgress.Parse(value); break;
            case "summary": s.Summary = value.Trim(); break;
        }
    }

    private static void Event(RemoteRunStatus run, string rest)
    {
        var p = rest.Split('\t', 4);
        if (p.Length < 3 || Epoch(p[0]) is not { } at) return;
        run.Events.Add(new RunnerEvent(at, int.TryParse(p[1], out var n) ? n : 0, p[2], p.Length > 3 ? p[3] : ""));
    }

    private static RemoteStageStatus Stage(RemoteRunStatus run, int n) =>
        run.Stages.TryGetValue(n, out var s) ? s : run.Stages[n] = new RemoteStageStatus();

    private static (string, string) Split(string s)
    {
        var i = s.IndexOf(' ');
        return i < 0 ? (s.Trim(), "") : (s[..i], s[(i + 1)..].Trim());
    }

    private static DateTimeOffset? Epoch(string s) =>
        long.TryParse(s.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var e) ? DateTimeOffset.FromUnixTimeSeconds(e) : null;
}
