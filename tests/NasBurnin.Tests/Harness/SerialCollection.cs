using Xunit;

namespace NasBurnin.Tests.Harness;

/// <summary>
/// The test classes that must run alone, after the parallel ones: those that set process-wide environment
/// variables (SSH_CLIENT, NASBURNIN_HOME, a webhook token), and the one that asserts a writer's progress
/// during a backup, which busy neighbours could starve. Classes that hold a drive in a timed window run in
/// parallel: their windows are wide (throttled phases of several seconds) and they fail at once, naming
/// the cause, if a phase passes unseen.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "Serial: process environment or timing";
}
