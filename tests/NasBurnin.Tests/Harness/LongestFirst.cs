using System.Reflection;
using Xunit;
using Xunit.Abstractions;

[assembly: TestCollectionOrderer("NasBurnin.Tests.Harness.LongestFirstOrderer", "NasBurnin.Tests")]

namespace NasBurnin.Tests.Harness;

/// <summary>
/// How long a test class takes alone, measured (seconds, whole class with its sandbox). The orderer starts the
/// longest classes first, so the parallel part of the run does not end with one long class running alone.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class TypicalSecondsAttribute : Attribute
{
    public TypicalSecondsAttribute(int seconds) => Seconds = seconds;

    public int Seconds { get; }
}

/// <summary>Orders test collections (one per class unless named) by <see cref="TypicalSecondsAttribute"/>, longest first.</summary>
public sealed class LongestFirstOrderer : ITestCollectionOrderer
{
    private const string Prefix = "Test collection for ";

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections.OrderByDescending(Seconds).ThenBy(c => c.DisplayName, StringComparer.Ordinal);

    private static int Seconds(ITestCollection collection)
    {
        if (!collection.DisplayName.StartsWith(Prefix, StringComparison.Ordinal)) return 0;
        var type = typeof(LongestFirstOrderer).Assembly.GetType(collection.DisplayName[Prefix.Length..]);
        return type?.GetCustomAttribute<TypicalSecondsAttribute>()?.Seconds ?? 0;
    }
}
