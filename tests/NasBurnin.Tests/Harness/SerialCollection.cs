using Xunit;

namespace NasBurnin.Tests.Harness;

/// <summary>
/// The test classes that must run alone, after the parallel ones: those that set process-wide environment
/// variables (SSH_CLIENT, NASBURNIN_HOME, a webhook token), and those that hold a drive in a chosen phase or
/// measure a writer's progress, which a busy neighbour would make slow enough to miss.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "Serial: process environment or timing";
}
