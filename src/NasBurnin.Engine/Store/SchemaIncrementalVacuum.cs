namespace NasBurnin.Engine.Store;

/// <summary>
/// Schema step: the store reclaims free space with <c>auto_vacuum = INCREMENTAL</c>, so retention can
/// return pruned space in short transactions (<c>PRAGMA incremental_vacuum(N)</c>) instead of a full
/// VACUUM that holds every writer off for the whole rewrite.
/// <para>
/// SQLite fixes auto_vacuum when the first table is made: a new store gets it before its first page
/// (<see cref="Migrations.Apply"/>). An older store only changes with a VACUUM that rewrites the whole
/// file, which a normal open must never do (a sync every few minutes would pay for it, and writers
/// would wait); so this step only states the setting on the migrating connection, and
/// Invoke-BurninRetention converts the store once, saying so (<c>RetentionService</c>).
/// </para>
/// </summary>
internal static class SchemaIncrementalVacuum
{
    /// <summary>The auto_vacuum value of a converted store (<c>PRAGMA auto_vacuum</c> reads 2).</summary>
    public const int Incremental = 2;

    public const string Sql = "PRAGMA auto_vacuum = INCREMENTAL;";
}
