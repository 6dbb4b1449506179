using System.Text;
using NasBurnin.Engine.Remote;

namespace NasBurnin.Engine.Burnin;

/// <summary>
/// The sh scripts the engine sends to a host: start runs (installing the runner when missing), read
/// their state, stop them. Each is one round trip for any number of runs on that host. Values reach
/// the scripts only through <see cref="PosixShell.Quote"/> or a validated spec.
/// </summary>
public static class RunnerScripts
{
    private const string SpecEnd = "NASBURNIN_SPEC_EOF";
    private const string FileEnd = "NASBURNIN_FILE_EOF";

    /// <summary>kill -0 succeeds on a zombie, and a slow init leaves killed runners as zombies: check /proc too (the runner has the same function).</summary>
    private const string AliveFunction =
        "alive() { kill -0 \"$1\" 2>/dev/null || return 1; [ -r \"/proc/$1/stat\" ] || return 0; ! grep -q '^[0-9]* (.*) Z' \"/proc/$1/stat\" 2>/dev/null; }\n";

    /// <summary>Remote ids sort by creation time, so the host-side queue is first come, first served.</summary>
    public static string NewRemoteId(DateTimeOffset now, int index) =>
        $"r{now.UtcDateTime:yyyyMMddHHmmssfff}{index:000}{Random.Shared.Next(0x1000, 0xFFFF):x4}";

    public static string InstallDir(string workDir) => $"{workDir}/bin/{RunnerFiles.Version}";

    /// <summary>Installs the runner if needed, writes each spec, queues each run in order and starts its runner detached.</summary>
    public static string Start(string workDir, IReadOnlyList<RunSpec> runs)
    {
        var w = PosixShell.Quote(RemoteNames.RequireSafePath(workDir, "work folder"));
        var bin = PosixShell.Quote(InstallDir(workDir));
        var sb = new StringBuilder();
        sb.Append("set -e\numask 077\n");
        sb.Append($"mkdir -p {w}/runs {w}/queue {w}/slots {bin}\n");
        foreach (var (name, text) in RunnerFiles.Files)
        {
            var target = PosixShell.Quote($"{InstallDir(workDir)}/{name}");
            sb.Append($"if [ ! -s {target} ]; then cat > {target}.tmp$$ <<'{FileEnd}'\n{text.TrimEnd('\n')}\n{FileEnd}\nmv -f {target}.tmp$$ {target}; fi\n");
        }
        sb.Append("if command -v setsid >/dev/null 2>&1; then DETACH=setsid; else DETACH=; fi\n");
        foreach (var run in runs)
        {
            var dir = PosixShell.Quote($"{workDir}/runs/{run.RemoteId}");
            sb.Append($"mkdir {dir}\ncat > {dir}/spec <<'{SpecEnd}'\n{run.ToShell()}{SpecEnd}\n");
            sb.Append($": > {w}/queue/{PosixShell.Quote(run.RemoteId)}\n");
            sb.Append($"echo Queued > {dir}/state\n");
            sb.Append($"$DETACH nohup /bin/sh {bin}/runner.sh {dir} </dev/null >/dev/null 2>&1 &\n");
            sb.Append($"echo $! > {dir}/pid\n");
            sb.Append($"echo \"@@STARTED {run.RemoteId} $!\"\n");
        }
        return sb.ToString();
    }

    /// <summary>
    /// Reads the state of runs. A run whose runner is gone without a final state (kill -9, a reboot) is
    /// marked Interrupted on the host itself, its process group is killed and its queue slot freed, so
    /// every client sees the same answer. With <paramref name="withFiles"/> the logs and SMART snapshots
    /// are included (for runs the engine is about to finalize).
    /// </summary>
    public static string Status(string workDir, IEnumerable<string> remoteIds, IReadOnlySet<string>? withFiles = null)
    {
        var w = PosixShell.Quote(RemoteNames.RequireSafePath(workDir, "work folder"));
        var sb = new StringBuilder();
        sb.Append($"W={w}\n").Append(AliveFunction);
        sb.Append("""
            show() { [ -f "$1" ] && printf '%s\n' "$(head -c 4000 "$1" | tr '\n' ' ')"; }
            dump() { echo "@@BEGIN $1"; [ -f "$2" ] && cat "$2"; echo; echo "@@END $1"; }
            status() {
              R="$W/runs/$1"; echo "@@RUN $1"
              if [ ! -d "$R" ]; then echo "@@MISSING"; return; fi
              st=$(cat "$R/state" 2>/dev/null); pid=$(cat "$R/pid" 2>/dev/null)
              alive=0; [ -n "$pid" ] && alive "$pid" && alive=1
              if [ "$alive" = 0 ] && { [ "$st" = Running ] || [ "$st" = Queued ]; }; then
                [ -n "$pid" ] && kill -KILL -- "-$pid" 2>/dev/null
                for s in "$R"/stages/*; do
                  [ -f "$s/state" ] || continue
                  case $(cat "$s/state") in Running|Pending) echo Interrupted > "$s/state"; echo "interrupted: the runner stopped without finishing (killed, or the host restarted)" > "$s/summary"; date +%s > "$s/finished";; esac
                done
                for slot in "$W"/slots/*; do [ "$(cat "$slot/pid" 2>/dev/null)" = "$pid" ] && rm -rf "$slot"; done
                rm -f "$W/queue/$1"; echo Interrupted > "$R/state"; date +%s > "$R/finished"; st=Interrupted
              fi
              echo "@@F state $st"; echo "@@F alive $alive"
              for f in current started finished; do [ -f "$R/$f" ] && echo "@@F $f $(cat "$R/$f")"; done
              for s in "$R"/stages/*; do
                [ -d "$s" ] || continue; n=${s##*/}
                for f in state started finished progress summary; do [ -f "$s/$f" ] && echo "@@S $n $f $(show "$s/$f")"; done
              done
              [ -f "$R/events" ] && sed 's/^/@@E /' "$R/events"
              return 0
            }
            files() {
              R="$W/runs/$1"
              for s in "$R"/stages/*; do [ -d "$s" ] && dump "log ${s##*/}" "$s/log"; done
              dump smart-pre "$R/smart-pre.json"; dump smart-post "$R/smart-post.json"
            }

            """);
        foreach (var id in remoteIds)
        {
            sb.Append($"status {PosixShell.Quote(id)}\n");
            if (withFiles?.Contains(id) == true) sb.Append($"files {PosixShell.Quote(id)}\n");
        }
        sb.Append("echo \"@@QUEUE $(ls \"$W/queue\" 2>/dev/null | sort | tr '\\n' ' ')\"\n");
        return sb.ToString();
    }

    /// <summary>Stops runs: TERM to the runner's process group (its trap aborts the self-test and marks stages), then KILL what is left.</summary>
    public static string Stop(string workDir, IEnumerable<(string RemoteId, string Device, string Smartctl)> runs)
    {
        var w = PosixShell.Quote(RemoteNames.RequireSafePath(workDir, "work folder"));
        var sb = new StringBuilder($"W={w}\n");
        sb.Append(AliveFunction);
        foreach (var (id, device, smartctl) in runs)
        {
            var r = $"\"$W/runs/\"{PosixShell.Quote(id)}";
            sb.Append($"pid=$(cat {r}/pid 2>/dev/null)\n");
            sb.Append("if [ -n \"$pid\" ] && alive \"$pid\"; then kill -TERM -- \"-$pid\" 2>/dev/null || kill -TERM \"$pid\"; i=0; while alive \"$pid\" && [ $i -lt 20 ]; do sleep 0.5; i=$((i+1)); done; kill -KILL -- \"-$pid\" 2>/dev/null; fi\n");
            sb.Append($"{PosixShell.Join(smartctl, "-X", RemoteNames.RequireDevicePath(device))} >/dev/null 2>&1 || true\n");
            sb.Append($"rm -f \"$W/queue/\"{PosixShell.Quote(id)}\n");
            sb.Append($"st=$(cat {r}/state 2>/dev/null); case $st in Finished|Aborted|Interrupted) ;; *) echo Aborted > {r}/state; date +%s > {r}/finished;; esac\n");
            sb.Append($"for s in {r}/stages/*; do [ -f \"$s/state\" ] || continue; case $(cat \"$s/state\") in Running|Pending) echo Aborted > \"$s/state\"; echo 'aborted by operator' > \"$s/summary\"; date +%s > \"$s/finished\";; esac; done\n");
            sb.Append($"echo \"@@STOPPED {id} $(cat {r}/state 2>/dev/null)\"\n");
        }
        return sb.ToString();
    }
}
