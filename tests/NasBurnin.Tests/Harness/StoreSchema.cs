namespace NasBurnin.Tests.Harness;

/// <summary>The schema version a new or migrated store has (the engine's Migrations.Latest); a new migration step raises it here too.</summary>
public static class StoreSchema
{
    public const int Latest = 6;
}
