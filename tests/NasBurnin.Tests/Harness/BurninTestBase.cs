using System.Diagnostics;
using Xunit;
using Xunit.Abstractions;

namespace NasBurnin.Tests.Harness;

/// <summary>A class fixture holding one sandbox NAS and store for a test class (null where the sandbox cannot run).</summary>
public abstract class BurninRigFixture : IDisposable
{
    protected BurninRigFixture(params string[] nasOptions) =>
        Value = SandboxNas.Available ? new BurninRig(nasOptions) : null;

    public BurninRig? Value { get; }

    public void Dispose() => Value?.Dispose();
}

/// <summary>Base of the burn-in module tests: the class's rig, its output, and the skip rule.</summary>
public abstract class BurninTestBase
{
    protected BurninTestBase(BurninRigFixture fixture, ITestOutputHelper output)
    {
        Rig = fixture.Value;
        Out = output;
    }

    protected BurninRig? Rig { get; }
    protected ITestOutputHelper Out { get; }

    /// <summary>Skips the test, with the reason shown, when this machine cannot run the sandbox NAS.</summary>
    protected void RequireRig() => Skip.If(Rig is null, SandboxNas.Unavailable);

    /// <summary>A runner state file's content, trimmed; empty while the runner has not written it.</summary>
    protected static string Read(string path) => File.Exists(path) ? File.ReadAllText(path).Trim() : "";

    /// <summary>Polls until <paramref name="condition"/> holds; a generous limit, so load makes it slow, never flaky.</summary>
    protected static void WaitFor(Func<bool> condition, int seconds, string what)
    {
        var sw = Stopwatch.StartNew();
        while (!condition())
        {
            if (sw.Elapsed > TimeSpan.FromSeconds(seconds)) throw new Xunit.Sdk.XunitException($"timed out waiting for {what}");
            Thread.Sleep(100);
        }
    }
}
