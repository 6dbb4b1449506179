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

    /// <summary>
    /// Liveness, ending a run's process group and final stage marks: runctl.sh, the runner's own
    /// functions, so the runner, the status script and the stop script decide these the same way.
    /// </summary>
    private static string RunControl => RunnerFiles.Files["runctl.sh"] + "\n";

    /// <summary>Remote ids sort by creation time, so the host-side queue is first come, first served.</summary>
    public static string NewRemoteId(DateTimeOffset now, int index) =>
        $"r{now.UtcDateTime:yyyyMMddHHmmssfff}{index:000}{Random.Shared.Next(0x1000, 0xFFFF):x4}";

    public static string InstallDir(string workDir) => $"{workDir}/bin/{RunnerFiles.Version}";

    /// <summary>Installs the runner if needed, writes each spec, queues each run in order and starts its runner detached.</summary>
    public static string Start(string workDir, IReadOnlyList<RunSpec> runs)
    {
        var w = PosixShell.Quote(RemoteNames.RequireSafePath(workDir, "work folder"));
        var bin = PosixShell.Quote(InstallDir(workDir));
        var sb = Install(workDir);
        foreach (var run in runs)
        {
            var dir = PosixShell.Quote($"{workDir}/runs/{run.RemoteId}");
            sb.Append($"mkdir {dir}\ncat > {dir}/spec <<'{SpecEnd}'\n{run.ToShell()}{SpecEnd}\n");
            sb.Append($": > {w}/queue/{PosixShell.Quote(run.RemoteId)}\n");
            sb.Append($"echo Queued > {dir}/state\n");
            sb.Append($"$DETACH nohup /bin/sh {bin}/runner.sh {dir} </dev/null >/dev/null 2>&1 &\n");
            // Atomic, like every file the status script reads: an empty pid file would read as a dead runner.
            sb.Append($"echo $! > {dir}/pid.tmp && mv -f {dir}/pid.tmp {dir}/pid\n");
            sb.Append($"echo \"@@STARTED {run.RemoteId} $!\"\n");
        }
        return sb.ToString();
    }

    /// <summary>
    /// The start of the scripts that launch runners: the work folders, the runner installed when this
    /// version's is missing, and DETACH (setsid where the host has it: without it the runner has no
    /// process group of its own and refuses destructive stages).
    /// </summary>
    private static StringBuilder Install(string workDir)
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
        return sb;
    }

    /// <summary>
    /// Resumes Interrupted runs where their checkpoints left them, each only when nothing of the old run is
    /// alive (the runner and every process of its group, e.g. an orphaned badblocks: a resume never adds a
    /// second writer) and the drive at <see cref="ResumeTarget.Device"/> answers with the run's serial and WWN.
    /// Then the run's <c>resume</c> file overrides the spec (device now, resume count, unlock), its
    /// Interrupted stages go back to Pending (Passed ones are kept), and a new runner takes its place in the
    /// host's queue. Prints <c>@@RESUMED id</c> with <c>@@CHECKPOINT id ...</c> lines, or
    /// <c>@@REFUSED id reason</c>, when nothing was changed.
    /// </summary>
    public static string Resume(string workDir, IReadOnlyList<ResumeTarget> runs)
    {
        var w = PosixShell.Quote(RemoteNames.RequireSafePath(workDir, "work folder"));
        var sb = Install(workDir);
        sb.Append("set +e\n").Append(RunControl).Append($"W={w}\nB={PosixShell.Quote(InstallDir(workDir))}\n");
        sb.Append("""
            g() { awk -F '\t' -v p="$1" '$1 == p { print $2; exit }' "$R/resume.flat"; }
            resume() {
              R="$W/runs/$1"
              if [ ! -d "$R" ]; then echo "@@REFUSED $1 the run's files are gone from the host (its work folder was cleared)"; return; fi
              st=$(cat "$R/state" 2>/dev/null)
              if [ "$st" != Interrupted ]; then echo "@@REFUSED $1 the run is ${st:-in no state} on the host, not Interrupted"; return; fi
              nb_runner "$R"
              if [ "$NB_LIVE" = 1 ]; then echo "@@REFUSED $1 its runner (pid $NB_PID) is still alive"; return; fi
              if ! nb_end_run "$R"; then echo "@@REFUSED $1 processes of the interrupted run are still alive after SIGKILL: $NB_DESC"; return; fi
              "$5" -j -x "$2" 2>/dev/null | awk -f "$B/jsonflat.awk" > "$R/resume.flat"
              serial=$(g .serial_number)
              if [ "$serial" != "$3" ]; then rm -f "$R/resume.flat"; echo "@@REFUSED $1 $2 answers with serial '${serial:-none}', not $3"; return; fi
              wwn="$(g .wwn.naa) $(g .wwn.oui) $(g .wwn.id)"
              if [ -n "$4" ] && [ "$wwn" != "  " ] && [ "$wwn" != "$4" ]; then rm -f "$R/resume.flat"; echo "@@REFUSED $1 $2 answers with WWN '$wwn', not '$4'"; return; fi
              rm -f "$R/resume.flat" "$R/pid" "$R/pid.start"
              cat > "$R/resume.tmp" && mv -f "$R/resume.tmp" "$R/resume"
              for s in "$R"/stages/*; do
                [ -f "$s/checkpoint" ] && echo "@@CHECKPOINT $1 stage ${s##*/}: $(grep -v '^bad ' "$s/checkpoint" | tr '\n' ' ')bad blocks $(grep -c '^bad ' "$s/checkpoint")"
                [ "$(cat "$s/state" 2>/dev/null)" = Interrupted ] || continue
                rm -f "$s/finished" "$s/summary"; echo Pending > "$s/state.tmp" && mv -f "$s/state.tmp" "$s/state"
              done
              rm -f "$R/finished"
              : > "$W/queue/$1"
              echo Queued > "$R/state.tmp" && mv -f "$R/state.tmp" "$R/state"
              $DETACH nohup /bin/sh "$B/runner.sh" "$R" </dev/null >/dev/null 2>&1 &
              echo $! > "$R/pid.tmp" && mv -f "$R/pid.tmp" "$R/pid"
              echo "@@RESUMED $1"
            }

            """);
        foreach (var r in runs)
        {
            var resume = new StringBuilder();
            foreach (var (name, value) in new[] { ("NB_DEVICE", RemoteNames.RequireDevicePath(r.Device)), ("NB_RESUME", r.ResumeNumber.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("NB_UNLOCKED_ROLE", r.UnlockedRole ?? "") })
                resume.Append(name).Append('=').Append(PosixShell.Quote(value)).Append('\n');
            sb.Append(PosixShell.Join("resume", r.RemoteId, r.Device, r.Serial, RunSpec.WwnTriple(r.Wwn), r.Smartctl));
            sb.Append($" <<'{SpecEnd}'\n{resume}{SpecEnd}\n");
        }
        return sb.ToString();
    }

    /// <summary>
    /// Reads the state of runs. A run whose runner is gone without a final state (kill -9, a reboot) has
    /// its process group killed; once none of it is left it is marked Interrupted on the host itself and
    /// its queue slot freed, so every client sees the same answer. While processes of the group survive
    /// SIGKILL the run stays Running and <c>@@F survivors</c> names them. With <paramref name="withFiles"/>
    /// the logs and SMART snapshots are included (for runs the engine is about to finalize).
    /// </summary>
    public static string Status(string workDir, IEnumerable<string> remoteIds, IReadOnlySet<string>? withFiles = null)
    {
        var w = PosixShell.Quote(RemoteNames.RequireSafePath(workDir, "work folder"));
        var sb = new StringBuilder();
        sb.Append(RunControl).Append($"W={w}\n");
        sb.Append("""
            show() { [ -f "$1" ] && printf '%s\n' "$(head -c 4000 "$1" | tr '\n' ' ')"; }
            dump() { echo "@@BEGIN $1"; [ -f "$2" ] && cat "$2"; echo; echo "@@END $1"; }
            status() {
              R="$W/runs/$1"; echo "@@RUN $1"
              if [ ! -d "$R" ]; then echo "@@MISSING"; return; fi
              st=$(cat "$R/state" 2>/dev/null)
              nb_runner "$R"; alive=$NB_LIVE
              # No pid yet: the start script is still between writing the state and the pid. Only a run
              # that has had no pid for minutes is taken for dead.
              [ -z "$NB_PID" ] && [ -n "$(find "$R/spec" "$R/resume" -mmin -5 2>/dev/null)" ] && alive=1
              if [ "$alive" = 0 ] && { [ "$st" = Running ] || [ "$st" = Queued ]; }; then
                if nb_end_run "$R"; then
                  nb_mark "$R" Interrupted "interrupted: the runner stopped without finishing (killed, or the host restarted)"
                  nb_release "$W" "$1" "$NB_PID"
                  date +%s > "$R/finished"; echo Interrupted > "$R/state"; st=Interrupted
                else
                  echo "@@F survivors $NB_DESC"
                fi
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
              for s in "$R"/stages/*; do [ -d "$s" ] && dump "log ${s##*/}" "$s/log" && dump "temps ${s##*/}" "$s/temps"; done
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

    /// <summary>
    /// Stops runs: TERM to the runner's process group (its trap aborts the self-test, ends its children
    /// and marks the stages), then SIGKILL for whatever is left of the group. Stages are called Aborted
    /// only once no process of the group is alive; otherwise <c>@@STOPPED id Survivors ...</c> names them.
    /// </summary>
    public static string Stop(string workDir, IEnumerable<(string RemoteId, string Device, string Smartctl)> runs)
    {
        var w = PosixShell.Quote(RemoteNames.RequireSafePath(workDir, "work folder"));
        var sb = new StringBuilder(RunControl).Append($"W={w}\n");
        sb.Append("""
            stop() {
              R="$W/runs/$1"
              nb_runner "$R"
              if [ "$NB_LIVE" = 1 ]; then
                kill -TERM "-$NB_PGID" 2>/dev/null || kill -TERM "$NB_PID" 2>/dev/null
                i=0; while alive "$NB_PID" && [ $i -lt 100 ]; do sleep 0.1 2>/dev/null || sleep 1; i=$((i + 1)); done
              fi
              if ! nb_end_run "$R"; then echo "@@STOPPED $1 Survivors $NB_DESC"; return; fi
              nb_release "$W" "$1" "$NB_PID"
              nb_mark "$R" Aborted "aborted by operator"
              st=$(cat "$R/state" 2>/dev/null); case $st in Finished|Aborted|Interrupted) ;; *) date +%s > "$R/finished"; echo Aborted > "$R/state";; esac
              echo "@@STOPPED $1 $(cat "$R/state" 2>/dev/null)"
            }

            """);
        foreach (var (id, device, smartctl) in runs)
        {
            sb.Append($"stop {PosixShell.Quote(id)}\n");
            sb.Append($"{PosixShell.Join(smartctl, "-X", RemoteNames.RequireDevicePath(device))} >/dev/null 2>&1 || true\n");
        }
        return sb.ToString();
    }
}

/// <summary>One Interrupted run to resume: where its drive answers now, and who it must be.</summary>
public sealed record ResumeTarget(string RemoteId, string Device, string Serial, string? Wwn, string Smartctl, int ResumeNumber, string? UnlockedRole);
