using NasBurnin.Engine.Remote;
using Xunit;

namespace NasBurnin.Engine.Tests.Remote;

public class ShellCommandTests
{
    [Theory]
    [InlineData(1, "sudo: a password is required\n", SudoFailure.PasswordRequired)]
    [InlineData(1, "sudo: a terminal is required to read the password; either use the -S option", SudoFailure.PasswordRequired)]
    [InlineData(127, "sh: 1: sudo: not found\n", SudoFailure.NotInstalled)]
    [InlineData(127, "bash: line 1: sudo: command not found\n", SudoFailure.NotInstalled)]
    [InlineData(1, "smartctl: open failed\n", SudoFailure.None)]
    [InlineData(0, "sudo: a password is required\n", SudoFailure.None)]  // the command itself succeeded
    [InlineData(2, "sudo: a password is required\n", SudoFailure.None)]
    public void Reads_sudo_refusals(int exit, string stderr, SudoFailure expected) =>
        Assert.Equal(expected, ShellCommand.DetectSudoFailure(new CommandResult(exit, "", stderr)));

    [Fact]
    public void Sudo_is_a_prefix_of_the_argument_vector_never_text()
    {
        Assert.Equal(new[] { "sudo", "-n", "/bin/sh", "-c", "id" }, ShellCommand.WithSudo(true, "/bin/sh", "-c", "id"));
        Assert.Equal(new[] { "/bin/sh", "-c", "id" }, ShellCommand.WithSudo(false, "/bin/sh", "-c", "id"));
        Assert.Equal("sudo -n /bin/sh -c 'echo $HOME'", PosixShell.Join(ShellCommand.WithSudo(true, "/bin/sh", "-c", "echo $HOME")));
    }

    [Theory]
    [InlineData("TERM", 143)]
    [InlineData("KILL", 137)]
    [InlineData(null, 255)]
    public void Signals_map_to_shell_exit_codes(string? signal, int code) => Assert.Equal(code, ShellCommand.SignalExitCode(signal));
}
