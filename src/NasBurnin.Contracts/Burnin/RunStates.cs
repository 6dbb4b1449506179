namespace NasBurnin.Engine.Burnin;

/// <summary>Run states. Queued and Stalled are Running's neighbours: a queued run waits for a slot on
/// its host; a stalled one has made no progress for StallHours. The type of Get-BurninRun -State.</summary>
public enum RunState
{
    Queued,
    Running,
    Stalled,
    Finished,
    Aborted,
    Interrupted,
}

/// <summary>Run results; the type of Get-BurninRun -Result.</summary>
public enum RunResult
{
    Running,
    Pass,
    Fail,
    Aborted,
    Interrupted,
}

/// <summary>A stage's state, in the store and in the runner's status lines.</summary>
public enum StageState
{
    Pending,
    Running,
    Passed,
    Failed,
    Skipped,
    Aborted,
    Interrupted,
}
