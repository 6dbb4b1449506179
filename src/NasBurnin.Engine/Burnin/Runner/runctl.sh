# NasBurnin run control: the one place that knows whether a run's processes live, how to end all of
# them, and how a run's unfinished stages are given their final state. runner.sh sources this file;
# the engine's status and stop scripts start with it. POSIX sh (dash, busybox ash, bash) on Linux.
#
# The runner is started with setsid, so its pid is its process group id and everything it starts
# (badblocks, smartctl, sleep) stays in that group, also after the runner itself is killed. The
# runner writes RUNDIR/pid and RUNDIR/pid.start (its start time, /proc/PID/stat field 22), so a
# reused pid is never taken for the runner, and a group is only signalled while it is the run's.
# Linux never hands out a pid that is still a process group id, so while any process of the run's
# group lives, the runner's pid cannot belong to anyone else.

# nb_stat PID: NB_ST (state letter), NB_PG (process group) and NB_T0 (start time) of PID, from
# /proc/PID/stat. Builtins only: the runner calls this from its TERM trap, where a forked helper
# would itself be a member of the group being emptied.
nb_stat() {
    NB_ST= NB_PG= NB_T0=
    { IFS= read -r nb_line < "/proc/$1/stat"; } 2>/dev/null || return 1
    nb_line=${nb_line##*) }   # the command name may hold spaces and parentheses
    set -- $nb_line
    [ $# -ge 20 ] || return 1
    NB_ST=$1 NB_PG=$3
    shift 19
    NB_T0=$1
}

# alive PID: the process exists and is not a zombie (kill -0 succeeds on a zombie, and a slow init
# keeps killed runners as zombies; kill -0 also fails for another user's live process).
alive() {
    case $1 in ''|*[!0-9]*) return 1 ;; esac
    if [ -r /proc/self/stat ]; then
        nb_stat "$1" && [ "$NB_ST" != Z ]
    else
        kill -0 "$1" 2>/dev/null
    fi
}

# nb_members PGID [EXCEPT]: NB_LIST = the live processes of group PGID, except pid EXCEPT.
nb_members() {
    NB_LIST=
    for nb_f in /proc/[0-9]*/stat; do
        nb_p=${nb_f#/proc/}
        nb_p=${nb_p%/stat}
        if [ "$nb_p" != "${2:-}" ] && nb_stat "$nb_p" && [ "$NB_PG" = "$1" ] && [ "$NB_ST" != Z ]; then
            NB_LIST="$NB_LIST $nb_p"
        fi
    done
}

# nb_describe: "pid 123 (badblocks), pid 456 (sleep)" for the pids in NB_LIST.
nb_describe() {
    NB_DESC=
    for nb_p in $NB_LIST; do
        nb_c=
        { IFS= read -r nb_c < "/proc/$nb_p/comm"; } 2>/dev/null
        NB_DESC="${NB_DESC:+$NB_DESC, }pid $nb_p (${nb_c:-gone})"
    done
}

# nb_kill_group PGID [EXCEPT]: SIGKILL every process of group PGID (except EXCEPT, the caller itself)
# and wait until none is left. SIGKILL also ends a stopped process (a heat-paused badblocks), no
# SIGCONT needed. Returns 0 when the group is empty; 1 when processes survive (stuck in
# uninterruptible I/O), with NB_LIST and NB_DESC naming them. 'kill -KILL -- -PGID' fails in dash
# ("Illegal number: -") and busybox; 'kill -KILL -PGID' works in dash, busybox and bash.
nb_kill_group() {
    NB_LIST= NB_DESC=
    case $1 in ''|*[!0-9]*|0|1) return 0 ;; esac   # never 'kill -1' (every process) or a made-up group
    nb_i=0
    while :; do
        nb_members "$1" "${2:-}"
        [ -z "$NB_LIST" ] && return 0
        if [ "$nb_i" -ge 100 ]; then nb_describe; return 1; fi
        [ -z "${2:-}" ] && kill -KILL "-$1" 2>/dev/null
        for nb_p in $NB_LIST; do kill -KILL "$nb_p" 2>/dev/null; done
        sleep 0.1 2>/dev/null || sleep 1
        nb_i=$((nb_i + 1))
    done
}

# nb_runner RUNDIR: NB_PID = the run's runner pid from RUNDIR/pid (empty when unknown), NB_LIVE=1 when
# that process lives and is still the runner, NB_PGID = the group to end once it is not (empty when
# the pid was since reused by another process: then nothing of the run is left to end).
nb_runner() {
    NB_PID= NB_LIVE=0 NB_PGID=
    { read -r NB_PID < "$1/pid"; } 2>/dev/null
    case $NB_PID in ''|*[!0-9]*) NB_PID=; return 0 ;; esac
    nb_t=
    { read -r nb_t < "$1/pid.start"; } 2>/dev/null
    if nb_stat "$NB_PID"; then
        if [ -n "$nb_t" ] && [ "$nb_t" != "$NB_T0" ]; then return 0; fi   # another process has the pid now
        NB_PGID=$NB_PID
        [ "$NB_ST" != Z ] && NB_LIVE=1
    else
        NB_PGID=$NB_PID
    fi
    return 0
}

# nb_end_run RUNDIR: the runner is gone (or being stopped): end every process of its group and
# check that none is left. Returns 1, with NB_DESC naming the survivors, when some could not be
# ended; nothing may then call the run Interrupted or Aborted.
nb_end_run() {
    nb_runner "$1"
    nb_kill_group "$NB_PGID"
}

# nb_mark RUNDIR STATE SUMMARY: gives every stage still Running, Pending or Queued its final STATE.
nb_mark() {
    for nb_s in "$1"/stages/*; do
        [ -f "$nb_s/state" ] || continue
        nb_v=
        { read -r nb_v < "$nb_s/state"; } 2>/dev/null
        case $nb_v in
            Running|Pending|Queued)
                printf '%s\n' "$3" > "$nb_s/summary"
                date +%s > "$nb_s/finished"
                printf '%s\n' "$2" > "$nb_s/state.tmp$$" && mv -f "$nb_s/state.tmp$$" "$nb_s/state" ;;
        esac
    done
}

# nb_release WORKDIR RUNID PID: the run leaves the host's queue and frees the slot its runner PID held;
# the queued runners are woken to take it (nb_wake).
nb_release() {
    rm -f "$1/queue/$2"
    if [ -n "$3" ]; then
        for nb_s in "$1"/slots/*; do
            nb_v=
            { read -r nb_v < "$nb_s/pid"; } 2>/dev/null
            [ "$nb_v" = "$3" ] && rm -rf "$nb_s"
        done
    fi
    nb_wake "$1"
    return 0
}

# nb_wake WORKDIR: USR1 to the runner of every queued run, which then looks for a free slot at once. Only a
# runner that wrote pid.start (it traps USR1 from before then: the signal's default would end it) and is
# still that process (pid.start matches: a reused pid is never signalled).
nb_wake() {
    for nb_q in "$1"/queue/*; do
        [ -f "$nb_q" ] || continue
        nb_w=
        { read -r nb_w < "$1/runs/${nb_q##*/}/pid.start"; } 2>/dev/null
        [ -n "$nb_w" ] || continue
        nb_v=
        { read -r nb_v < "$1/runs/${nb_q##*/}/pid"; } 2>/dev/null
        case $nb_v in ''|*[!0-9]*) continue ;; esac
        [ "$nb_v" = "$$" ] && continue
        nb_stat "$nb_v" && [ "$NB_T0" = "$nb_w" ] && [ "$NB_ST" != Z ] && kill -USR1 "$nb_v" 2>/dev/null
    done
    return 0
}
