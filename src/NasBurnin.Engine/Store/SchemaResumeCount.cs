namespace NasBurnin.Engine.Store;

/// <summary>Schema step: how many times a run was resumed after an interruption (Resume-BurninRun).</summary>
internal static class SchemaResumeCount
{
    public const string Sql = """
        ALTER TABLE burnin_runs ADD COLUMN resume_count INTEGER NOT NULL DEFAULT 0;
        """;
}
