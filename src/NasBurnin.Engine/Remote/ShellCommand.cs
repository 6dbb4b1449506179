namespace NasBurnin.Engine.Remote;

/// <summary>How sudo answered, read from a command's result.</summary>
public enum SudoFailure
{
    None,
    PasswordRequired,
    NotInstalled,
}

/// <summary>
/// The fixed shell texts the shells run. None of them contains a user value: scripts, paths and
/// numbers travel as positional parameters ("$1", "$2", ...) quoted by <see cref="PosixShell"/>.
/// </summary>
public static class ShellCommand
{
    /// <summary>
    /// Runs the script "$1" with standard input from /dev/null, while a watchdog reads our own
    /// standard input, which is the SSH channel. The client writes nothing and closes it only to cancel;
    /// EOF also comes when the channel closes or the connection drops. On EOF the watchdog kills the
    /// command's whole process group (sshd makes every session command a process group leader), so
    /// Ctrl+C and timeouts never leave a remote process behind - even for root logins, where OpenSSH
    /// ignores SSH "signal" requests.
    /// </summary>
    public const string Watchdog = """
        exec 3<&0 </dev/null
        /bin/sh -c "$1" 3<&- &
        c=$!
        ( trap '' TERM; while read -r _; do :; done; kill -TERM 0; sleep 2; kill -KILL 0 ) <&3 >/dev/null 2>&1 &
        w=$!
        exec 3<&-
        wait "$c"; r=$?
        kill -KILL "$w" 2>/dev/null
        exit "$r"
        """;

    /// <summary>
    /// Writes standard input to "$1" with mode "$3" (octal) via a temporary file, and only when exactly
    /// "$2" bytes arrived: a cancelled upload (EOF early) never leaves a truncated file in place.
    /// </summary>
    public const string Upload = """
        umask 077
        t="$1.tmp.$$"
        if cat > "$t" && [ "$(( $(wc -c < "$t") ))" -eq "$2" ] && chmod "$3" "$t" && mv -f "$t" "$1"; then exit 0; fi
        rm -f "$t"
        echo "upload incomplete or not writable" >&2
        exit 1
        """;

    /// <summary>
    /// Reads a script of "$1" bytes from standard input, then runs it under the <see cref="Watchdog"/> ("$2"),
    /// which goes on reading standard input for EOF. For scripts too large for the SSH exec request (one
    /// packet of at most 64 KiB, and the runner alone is about 50 KiB): the script becomes an argument on the
    /// host, where the limit is 128 KiB per argument on Linux. head reads at most "$1" bytes, and the client
    /// writes nothing after the script, so nothing meant for the watchdog is consumed. The script's last line
    /// is <see cref="StdinScriptEnd"/>: a script cut short by a dropped connection is refused, never run in part.
    /// </summary>
    public const string StdinScript = """
        s=$(head -c "$1")
        case $s in
        *"
        #nasburnin-end-of-script") exec /bin/sh -c "$2" "$0" "$s" ;;
        esac
        echo "nasburnin: the script did not arrive whole on standard input" >&2
        exit 125
        """;

    /// <summary>The last line of a script sent by <see cref="StdinScript"/> (a comment to the shell).</summary>
    public const string StdinScriptEnd = "\n#nasburnin-end-of-script\n";

    /// <summary>Name shown as $0 of the helper shells (in ps output on the host).</summary>
    public const string ArgZero = "nasburnin";

    /// <summary>The argument vector, with <c>sudo -n</c> in front when the host uses sudo.</summary>
    public static IReadOnlyList<string> WithSudo(bool useSudo, params string[] argv) =>
        useSudo ? new[] { "sudo", "-n" }.Concat(argv).ToArray() : argv;

    /// <summary>
    /// Reads sudo's own refusals: with -n, a sudo that needs a password prints
    /// "sudo: a password is required" and exits 1; a missing sudo makes the login shell exit 127.
    /// </summary>
    public static SudoFailure DetectSudoFailure(CommandResult result)
    {
        if (result.ExitCode == 1 && result.StdErr.Contains("sudo: a password is required", StringComparison.Ordinal))
            return SudoFailure.PasswordRequired;
        if (result.ExitCode == 1 && result.StdErr.Contains("sudo: a terminal is required", StringComparison.Ordinal))
            return SudoFailure.PasswordRequired;
        if (result.ExitCode == 127 && result.StdErr.Contains("sudo", StringComparison.Ordinal) && result.StdErr.Contains("not found", StringComparison.OrdinalIgnoreCase))
            return SudoFailure.NotInstalled;
        return SudoFailure.None;
    }

    /// <summary>The exit code a shell would report for a command killed by a signal.</summary>
    public static int SignalExitCode(string? signal) => 128 + (signal switch
    {
        "HUP" => 1,
        "INT" => 2,
        "QUIT" => 3,
        "ILL" => 4,
        "ABRT" => 6,
        "FPE" => 8,
        "KILL" => 9,
        "USR1" => 10,
        "SEGV" => 11,
        "USR2" => 12,
        "PIPE" => 13,
        "ALRM" => 14,
        "TERM" => 15,
        _ => 127,
    });
}
