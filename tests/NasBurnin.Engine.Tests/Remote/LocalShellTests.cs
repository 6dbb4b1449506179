using NasBurnin.Engine.Common;
using NasBurnin.Engine.Remote;
using Xunit;

namespace NasBurnin.Engine.Tests.Remote;

public sealed class LocalShellTests : IDisposable
{
    private readonly string _dir = TestPaths.Temp();
    private readonly LocalShell _shell = new("localhost", useSudo: false);

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public async Task Returns_exit_code_stdout_and_stderr_and_never_waits_for_input()
    {
        var r = await _shell.RunAsync("echo out; cat; echo err >&2; exit 3", TimeSpan.FromMinutes(1), default);
        Assert.Equal(new CommandResult(3, "out\n", "err\n"), r);
    }

    [Theory]
    [InlineData("x; touch {0}")]
    [InlineData("$(touch {0})")]
    [InlineData("`touch {0}`")]
    [InlineData("'; touch {0}; '")]
    [InlineData("x\ntouch {0}")]
    public async Task Quoted_values_are_data_not_commands(string template)
    {
        var marker = Path.Combine(_dir, "marker");
        var payload = string.Format(template, marker);
        var r = await _shell.RunAsync("printf %s " + PosixShell.Quote(payload), TimeSpan.FromMinutes(1), default);
        Assert.Equal(payload, r.StdOut);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public async Task A_timeout_stops_the_whole_tree()
    {
        var tag = "31.4" + Random.Shared.Next(1000, 9999);
        var e = await Assert.ThrowsAsync<BurninException>(() => _shell.RunAsync($"sleep {tag} & wait", TimeSpan.FromSeconds(1), default));
        Assert.Equal("RemoteCommandTimeout", e.ErrorId);
        Assert.Equal(ErrorKind.Timeout, e.Kind);
        Assert.Empty(LoopbackSshdWait.UntilGone($"sleep {tag}"));
    }

    [Fact]
    public async Task Cancelling_stops_the_whole_tree()
    {
        var tag = "32.4" + Random.Shared.Next(1000, 9999);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _shell.RunAsync($"sleep {tag} & wait", TimeSpan.FromMinutes(5), cts.Token));
        Assert.Empty(LoopbackSshdWait.UntilGone($"sleep {tag}"));
    }

    [Fact]
    public async Task Uploads_with_the_mode_and_refuses_unsafe_paths()
    {
        var path = Path.Combine(_dir, "runner.sh");
        await _shell.UploadAsync(path, "#!/bin/sh\necho hi\n"u8.ToArray(), Convert.ToInt32("750", 8), default);
        Assert.Equal("#!/bin/sh\necho hi\n", File.ReadAllText(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute,
            File.GetUnixFileMode(path));
        var e = await Assert.ThrowsAsync<BurninException>(() => _shell.UploadAsync(Path.Combine(_dir, "a;touch x"), new byte[1], 384, default));
        Assert.Equal("InvalidRemotePath", e.ErrorId);
    }
}

/// <summary>Waits (bounded) until no process command line contains a text; returns what is still there.</summary>
internal static class LoopbackSshdWait
{
    public static List<string> UntilGone(string text, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var left = NasBurnin.Tests.Harness.LoopbackSshd.ProcessesMatching(text);
            if (left.Count == 0 || DateTime.UtcNow > deadline) return left;
            Thread.Sleep(100);
        }
    }
}
