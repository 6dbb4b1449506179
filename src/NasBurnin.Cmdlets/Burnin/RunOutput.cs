using NasBurnin.Engine.Burnin;

namespace NasBurnin.Burnin;

/// <summary>Runs as a cmdlet writes them: each with its stages, read in one query.</summary>
internal static class RunOutput
{
    public static IEnumerable<BurninRun> Of(BurninFacade burnin, IReadOnlyList<RunRecord> runs)
    {
        var stages = burnin.Stages(runs.Select(r => r.Id).ToList(), includeLog: false);
        return runs.Select(r => BurninMapping.Run(r, stages));
    }
}
