#!/bin/sh
# NasBurnin runner: runs the stages of one burn-in run on the NAS, detached from any SSH session.
#   setsid nohup sh runner.sh RUNDIR </dev/null >/dev/null 2>&1 &
# RUNDIR/spec is written by NasBurnin (every value quoted by its one quoting function).
# Everything the engine needs is left in files under RUNDIR, written atomically, so a later
# session (or another machine) picks up where things are:
#   state (Queued|Running|Finished|Aborted)  pid  pid.start  current  started  finished  events
#   smart-pre.json  smart-post.json
# Self-tests (when one has ended, and its result) are in selftest.sh.
#   stages/N/{state,started,finished,summary,progress,log,badblocks.txt,temps,checkpoint}
# A run resumed by Resume-BurninRun (after it was Interrupted) also has RUNDIR/resume (sourced after the
# spec: NB_RESUME, the device the drive answers at now, its unlock); its Passed stages are kept and a
# surface stage continues from stages/N/checkpoint (surface.sh).
# A runner killed without a chance to clean up (kill -9, a NAS reboot) leaves state=Running with a
# dead pid: the engine's status script ends what is left of its process group (runctl.sh) and only
# then reports the stage Interrupted.
set -u
RUN=$1
BIN=$(cd "$(dirname "$0")" && pwd)
. "$BIN/runctl.sh"
. "$BIN/selftest.sh"
. "$BIN/surface.sh"
. "$RUN/spec"
# A resumed run (Resume-BurninRun): NB_RESUME (how many resumes), the drive's device now, and its unlock.
[ -f "$RUN/resume" ] && . "$RUN/resume"
LC_ALL=C
export LC_ALL
PATH=$PATH:/usr/sbin:/sbin:/usr/local/sbin
export PATH

SD=$RUN
CHILD=
TICKER=
TICKED=0
SELFTEST_RUNNING=0
SLOT=
PRE_FLAT=
HEAT_FLAT=
DEV_NAMES=

now() { date +%s; }

# Writes a file atomically (readers never see half a value).
put() { printf '%s\n' "$2" > "$1.tmp$$" && mv -f "$1.tmp$$" "$1"; }

log() { printf '%s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >> "$SD/log"; }

# One line per event the engine turns into audit events: epoch, stage, type, detail.
event() { printf '%s\t%s\t%s\t%s\n' "$(now)" "${STAGE_NO:-0}" "$1" "$2" >> "$RUN/events"; }

# smartctl -j -x as "path<TAB>value" lines.
smart_flat() { "$NB_SMARTCTL" -j -x "$NB_DEVICE" 2>/dev/null | awk -f "$BIN/jsonflat.awk"; }

# The SMART read a stage starts with: the run's pre-snapshot when it was taken just before this stage
# (PRE_FLAT, once), else a new read. Either way one smartctl call per stage start.
stage_flat() {
    if [ -n "$PRE_FLAT" ]; then PRE_FLAT=; awk -f "$BIN/jsonflat.awk" "$RUN/smart-pre.json"; else smart_flat; fi
}

# fget FILE PATH: the value at an exact JSON path of a flattened document.
fget() { awk -F '\t' -v p="$2" '$1 == p { print $2; exit }' "$1"; }

# temperature FLAT: the drive's temperature in a flattened smartctl document. Every reading (the heat guard's,
# a self-test poll's) is also kept for the report, bounded: SD/temps holds one "window-start min max" line per
# 10 minutes (0 means no sensor, and is not kept).
temperature() {
    local t
    t=$(fget "$1" .temperature.current)
    case $t in ''|0|*[!0-9]*) ;; *)
        [ -f "$SD/temps" ] || : > "$SD/temps"
        awk -v w=$(( $(now) / 600 * 600 )) -v t="$t" '
            { line[NR] = $0; split($0, f, " ") }
            END {
                if (NR > 0 && f[1] == w) line[NR] = w " " (t < f[2] ? t : f[2]) " " (t > f[3] ? t : f[3])
                else line[++NR] = w " " t " " t
                for (i = 1; i <= NR; i++) print line[i]
            }' "$SD/temps" > "$SD/temps.tmp$$" && mv -f "$SD/temps.tmp$$" "$SD/temps" ;;
    esac
    echo "$t"
}

# ---- the host-side queue: at most NB_MAX_PARALLEL runs hold a slot; the oldest queued run goes first
release_slot() {
    nb_release "$NB_WORK" "$NB_RUN_ID" $$
    SLOT=
}

# Event-driven: whoever frees a slot or leaves the queue (nb_release: a runner at its end, the status script
# for a dead runner, the stop script) wakes the queued runners with USR1 (nb_wake, runctl.sh), and so does a
# runner that has just taken a slot, for the next in line. A queued runner sleeps until woken; it also looks
# again every NB_QUEUE_RECHECK s, for a holder that died (kill -9, reboot) while nobody ran a status call.
acquire_slot() {
    local oldest i holder
    mkdir -p "$NB_WORK/slots" "$NB_WORK/queue"
    : > "$NB_WORK/queue/$NB_RUN_ID"
    put "$RUN/state" Queued
    while :; do
        TICKED=0
        oldest=$(ls "$NB_WORK/queue" 2>/dev/null | sort | head -n 1)
        if [ "$oldest" = "$NB_RUN_ID" ]; then
            i=1
            while [ "$i" -le "$NB_MAX_PARALLEL" ]; do
                if mkdir "$NB_WORK/slots/$i" 2>/dev/null; then
                    echo $$ > "$NB_WORK/slots/$i/pid"
                    SLOT=$i
                    rm -f "$NB_WORK/queue/$NB_RUN_ID"
                    nb_wake "$NB_WORK"   # the next in line may find another slot free
                    return 0
                fi
                holder=$(cat "$NB_WORK/slots/$i/pid" 2>/dev/null || true)
                if [ -n "$holder" ] && ! alive "$holder"; then
                    rm -rf "$NB_WORK/slots/$i"   # its runner died (kill -9, reboot): the slot is free
                    continue
                fi
                i=$((i + 1))
            done
        elif [ -n "$oldest" ] && [ -f "$NB_WORK/runs/$oldest/pid" ]; then
            # A queue entry whose runner is gone must not block the queue forever.
            nb_runner "$NB_WORK/runs/$oldest"
            if [ "$NB_LIVE" = 0 ]; then rm -f "$NB_WORK/queue/$oldest"; continue; fi
        fi
        # A wake that came while this runner looked is not lost: it looks again at once.
        [ "$TICKED" = 1 ] && continue
        sleep "${NB_QUEUE_RECHECK:-5}" &
        wait $! || kill $! 2>/dev/null
    done
}

# ---- stopping: Stop-BurninRun sends TERM to the process group
on_term() {
    trap '' TERM INT HUP
    local i
    if [ "$SELFTEST_RUNNING" = 1 ]; then "$NB_SMARTCTL" -X "$NB_DEVICE" >/dev/null 2>&1; fi
    # Every other process of the run is gone, and seen gone, before any stage is called Aborted.
    [ -n "$CHILD" ] && kill -KILL "$CHILD" 2>/dev/null
    i=0
    while [ -n "$CHILD" ] && alive "$CHILD" && [ "$i" -lt 100 ]; do sleep 0.1 2>/dev/null || sleep 1; i=$((i + 1)); done
    if ! nb_kill_group "$$" "$$" || { [ -n "$CHILD" ] && alive "$CHILD"; }; then
        # The state stays Running: the next status call ends the group and only then calls the run Interrupted.
        log "stop: processes of this run are still alive after SIGKILL: ${NB_DESC:-pid $CHILD}"
        exit 143
    fi
    nb_mark "$RUN" Aborted "aborted by operator"
    event aborted "stopped by Stop-BurninRun"
    put "$RUN/finished" "$(now)"
    put "$RUN/state" Aborted
    release_slot
    exit 143
}

# ---- safety checks, run on the host right before anything is written
refuse() {
    RESULT=Failed
    SUMMARY="refused: $*"
    log "REFUSED: $*"
    event refused "$*"
}

# The device and its partitions (kernel names): from preflight's one lsblk read while it runs, else read now.
dev_names() {
    if [ -n "$DEV_NAMES" ]; then echo "$DEV_NAMES"; else "$NB_LSBLK" -lnpo NAME "$NB_DEVICE" 2>/dev/null; fi
}

# Is the device (or one of its partitions) mounted, swap, or held by md/dm/LVM?
in_use() {
    local p m k
    for p in $(dev_names); do
        m=$("$NB_FINDMNT" -rn -o TARGET -S "$p" 2>/dev/null | head -n 1)
        [ -n "$m" ] && { echo "$p is mounted on $m"; return 0; }
        grep -q "^$p[[:space:]]" /proc/swaps 2>/dev/null && { echo "$p is in use as swap"; return 0; }
        k=$(basename "$p")
        if [ -d "/sys/class/block/$k/holders" ] && [ -n "$(ls "/sys/class/block/$k/holders" 2>/dev/null)" ]; then
            echo "$p is held by $(ls "/sys/class/block/$k/holders" | tr '\n' ' ')"; return 0
        fi
    done
    return 1
}

# The kernel refuses O_EXCL on a block device that a filesystem, ZFS, md or LVM holds.
exclusive_open() {
    if command -v python3 >/dev/null 2>&1; then
        python3 -c 'import os,sys; os.close(os.open(sys.argv[1], os.O_RDONLY | os.O_EXCL))' "$NB_DEVICE" 2>/dev/null
    elif command -v perl >/dev/null 2>&1; then
        perl -MFcntl -e 'sysopen(my $f, $ARGV[0], O_RDONLY | O_EXCL) or exit 1' "$NB_DEVICE" 2>/dev/null
    else
        log "no python3 or perl for the exclusive-open check; relying on mount, swap and holder checks"
        return 0
    fi
}

# writers [PID]: WRITERS = the processes (other than PID) that hold the device, or one of its
# partitions, open for writing: "pid N (command line)". badblocks takes no exclusive open, so the
# O_EXCL check misses a second badblocks on the same drive; /proc/*/fd does not. Nodes are matched
# by major:minor, so a device node made elsewhere (a container's /dev) counts too; the access mode
# comes from fdinfo's flags (O_WRONLY 1, O_RDWR 2).
writers() {
    local ids pid fd flags cmd
    WRITERS=
    ids=$(ls -lL $(dev_names) "$NB_DEVICE" 2>/dev/null | awk '$1 ~ /^b/ { printf " %s%s", $5, $6 }')
    [ -n "$ids" ] || return 0
    ls -lL /proc/[0-9]*/fd 2>/dev/null | awk -v ids="$ids " '
        /^\/proc\/[0-9]+\/fd:$/ { split($0, a, "/"); pid = a[3]; next }
        $1 ~ /^b/ && index(ids, " " $5 $6 " ") { print pid, $NF }' > "$SD/writers.cand"
    while read -r pid fd; do
        [ "$pid" = "${1:-}" ] && continue
        flags=$(awk '$1 == "flags:" { print $2; exit }' "/proc/$pid/fdinfo/$fd" 2>/dev/null)
        case $flags in *[123]) ;; *) continue ;; esac
        cmd=$(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | cut -c 1-160)
        WRITERS="${WRITERS:+$WRITERS; }pid $pid (${cmd% })"
    done < "$SD/writers.cand"
    rm -f "$SD/writers.cand"
}

# Identity and in-use checks; returns non-zero (and sets RESULT/SUMMARY) when the stage must not write.
# One smartctl read serves the identity check and the stage's first heat check (HEAT_FLAT); the run's SMART
# pre-snapshot is that read when it was taken just before this stage (PRE_FLAT). One lsblk read gives the
# device's partitions to every in-use check and its size (DEV_SIZE) to the surface stage.
preflight() {
    local blk rc
    blk=$("$NB_LSBLK" -blnpo NAME,SIZE "$NB_DEVICE" 2>/dev/null)
    DEV_NAMES=$(echo "$blk" | awk 'NF { print $1 }')
    DEV_SIZE=$(echo "$blk" | awk 'NF { print $2; exit }')
    preflight_checks; rc=$?
    DEV_NAMES=
    return $rc
}

preflight_checks() {
    local serial wwn why p m
    # Stop and Interrupted detection end a run by its process group; without one of its own (setsid
    # missing on the host) a badblocks could outlive a stopped run.
    if ! nb_stat $$ || [ "$NB_PG" != $$ ]; then
        refuse "the runner has no process group of its own (setsid is missing on this host), so NasBurnin could not be sure to stop what it starts on $NB_DEVICE; install setsid (util-linux or busybox)"; return 1
    fi
    stage_flat > "$SD/identity.flat"
    serial=$(fget "$SD/identity.flat" .serial_number)
    [ -n "$serial" ] || serial=$("$NB_LSBLK" -dno SERIAL "$NB_DEVICE" 2>/dev/null | tr -d ' ')
    if [ -z "$serial" ]; then
        refuse "cannot read the serial number of $NB_DEVICE, so its identity cannot be confirmed"; return 1
    fi
    if [ "$serial" != "$NB_SERIAL" ]; then
        refuse "identity changed: $NB_DEVICE now answers with serial '$serial', expected '$NB_SERIAL'"; return 1
    fi
    if [ -n "$NB_WWN" ]; then
        wwn="$(fget "$SD/identity.flat" .wwn.naa) $(fget "$SD/identity.flat" .wwn.oui) $(fget "$SD/identity.flat" .wwn.id)"
        if [ "$wwn" != "  " ] && [ "$wwn" != "$NB_WWN" ]; then
            refuse "identity changed: $NB_DEVICE now answers with WWN '$wwn', expected '$NB_WWN'"; return 1
        fi
    fi
    if why=$(in_use); then
        if [ "$NB_UNLOCKED_ROLE" = Mounted ] && echo "$why" | grep -q 'is mounted on'; then
            for p in $DEV_NAMES; do
                for m in $("$NB_FINDMNT" -rn -o TARGET -S "$p" 2>/dev/null); do
                    if umount "$m" 2>>"$SD/log"; then log "unmounted $m ($p): the drive was unlocked for a destructive stage"; event unmounted "$p from $m"
                    else refuse "$p is mounted on $m and could not be unmounted"; return 1; fi
                done
            done
            if why=$(in_use); then refuse "$why"; return 1; fi
        else
            refuse "$why"; return 1
        fi
    fi
    writers
    if [ -n "$WRITERS" ]; then
        refuse "$NB_DEVICE is open for writing by another process: $WRITERS"; return 1
    fi
    if ! exclusive_open; then
        refuse "$NB_DEVICE is busy: the kernel refused an exclusive open (in use by a filesystem, ZFS, md or LVM)"; return 1
    fi
    HEAT_FLAT=$SD/identity.flat
    return 0
}

# ---- heat guard: pause at the limit, resume 5 C lower, fail at the limit + 5
PAUSED=0
heat_check() {
    local t f
    if [ -n "$HEAT_FLAT" ]; then f=$HEAT_FLAT; HEAT_FLAT=
    else f=$SD/heat.flat; smart_flat > "$f"; fi
    t=$(temperature "$f")
    case $t in ''|*[!0-9]*) return 0 ;; esac
    if [ "$t" -ge $((NB_TEMP_LIMIT + 5)) ]; then
        log "overheat: ${t} C reached the abort limit $((NB_TEMP_LIMIT + 5)) C"
        event overheat "${t} C"
        return 2
    fi
    if [ "$PAUSED" = 0 ] && [ "$t" -ge "$NB_TEMP_LIMIT" ] && [ -n "$CHILD" ]; then
        kill -STOP "$CHILD" 2>/dev/null && PAUSED=1
        log "paused: ${t} C >= limit ${NB_TEMP_LIMIT} C"
        event heat_paused "${t} C"
    elif [ "$PAUSED" = 1 ] && [ "$t" -le $((NB_TEMP_LIMIT - 5)) ]; then
        # Resuming writes again: nothing else may have opened the device for writing meanwhile.
        writers "$CHILD"
        if [ -n "$WRITERS" ]; then
            refuse "$NB_DEVICE was opened for writing by another process while badblocks was paused: $WRITERS"
            return 3
        fi
        kill -CONT "$CHILD" 2>/dev/null
        PAUSED=0
        log "resumed: ${t} C <= $((NB_TEMP_LIMIT - 5)) C"
        event heat_resumed "${t} C"
    fi
    return 0
}

# ---- SMART self-tests: selftest.sh (sourced above)

# The runner waits on its child (badblocks, nvme format) with `wait`, so it sees the child end the moment
# it does, not at its next tick. A ticker process sends USR1 every NB_TICK s; the trapped signal ends
# the wait early (TICKED=1) for the periodic work: progress, heat guard, checkpoint.
start_ticker() {
    ( trap 'kill "$nb_sleep" 2>/dev/null; exit 0' TERM
      while :; do
          sleep "$NB_TICK" & nb_sleep=$!
          wait "$nb_sleep"
          kill -USR1 $$ 2>/dev/null || exit 0   # the runner is gone: so is the ticker
      done ) </dev/null >/dev/null 2>&1 &
    TICKER=$!
}

stop_ticker() {
    [ -n "$TICKER" ] && { kill -TERM "$TICKER" 2>/dev/null; wait "$TICKER" 2>/dev/null; }
    TICKER=
}

# wait_child: waits for CHILD. Returns 0 with CHILD_RC once it has ended, 1 when a tick came first.
wait_child() {
    local rc rc2
    TICKED=0
    wait "$CHILD"; rc=$?
    if alive "$CHILD"; then
        # A wait that returned without a tick is bash reporting a stopped child (the heat pause): no busy loop.
        [ "$TICKED" = 1 ] || sleep 1
        return 1
    fi
    # A trapped signal and the child's end can meet: a status above 128 may be the signal's. Asking again
    # gives the child's own status, or 127 when the first wait had already collected it.
    if [ "$rc" -gt 128 ]; then wait "$CHILD"; rc2=$?; [ "$rc2" = 127 ] || rc=$rc2; fi
    CHILD_RC=$rc
    return 0
}

# ---- surface validation: surface.sh (sourced above)

nvme_format() {
    local rc
    if ! command -v "$NB_NVME" >/dev/null 2>&1; then
        log "nvme-cli not found ($NB_NVME); falling back to badblocks"
        surface
        SUMMARY="nvme-cli not found, fell back to badblocks: $SUMMARY"
        return
    fi
    preflight || return
    event destructive_started "nvme format on $NB_DEVICE"
    log "$NB_NVME format $NB_DEVICE -s 1 -n $NB_NSID --force"
    # In the background and waited for: the runner sees its end at once, and a stop can end it.
    "$NB_NVME" format "$NB_DEVICE" -s 1 -n "$NB_NSID" --force > "$SD/nvme.out" 2>&1 &
    CHILD=$!
    until wait_child; do :; done
    rc=$CHILD_RC; CHILD=
    cat "$SD/nvme.out" >> "$SD/log" 2>/dev/null; rm -f "$SD/nvme.out"
    event destructive_finished "nvme format exit $rc"
    if [ "$rc" = 0 ]; then RESULT=Passed; SUMMARY="nvme format -s 1 (user data erase) of namespace $NB_NSID completed"
    else RESULT=Failed; SUMMARY="nvme format failed with exit $rc"; fi
    put "$SD/progress" "100 1 1 - done 0/0/0 0"
}

post_check() {
    "$NB_SMARTCTL" -j -x "$NB_DEVICE" > "$RUN/smart-post.json" 2>/dev/null
    if [ -s "$RUN/smart-post.json" ]; then RESULT=Passed; SUMMARY="SMART snapshot taken for comparison"
    else RESULT=Failed; SUMMARY="smartctl returned no data for the post-check"; fi
    put "$SD/progress" "100 1 1 - done 0/0/0 0"
}

# ---- main
trap on_term TERM INT HUP
trap 'TICKED=1' USR1
nb_stat $$ && put "$RUN/pid.start" "$NB_T0"
put "$RUN/pid" $$
# Every stage has its state file before the run says Running: a runner killed from here on leaves
# stages the status script can mark.
n=0
for st in $NB_STAGES; do
    n=$((n + 1)); mkdir -p "$RUN/stages/$n"
    [ -f "$RUN/stages/$n/state" ] || put "$RUN/stages/$n/state" Pending
done
acquire_slot
put "$RUN/state" Running
# A resumed run keeps its first start and the SMART snapshot from before the burn-in began.
[ -s "$RUN/started" ] || put "$RUN/started" "$(now)"
# Taken now, it is also the first stage's identity read (PRE_FLAT); an empty answer is not: that stage reads again.
if [ ! -s "$RUN/smart-pre.json" ]; then
    "$NB_SMARTCTL" -j -x "$NB_DEVICE" > "$RUN/smart-pre.json" 2>/dev/null
    [ -s "$RUN/smart-pre.json" ] && PRE_FLAT=1
fi

failed=
STAGE_NO=0
for st in $NB_STAGES; do
    STAGE_NO=$((STAGE_NO + 1)); SD=$RUN/stages/$STAGE_NO
    if [ -n "$failed" ]; then
        put "$SD/summary" "skipped: $failed failed"
        put "$SD/state" Skipped
        continue
    fi
    # A stage that passed before a resume is kept.
    [ "$(cat "$SD/state" 2>/dev/null)" = Passed ] && continue
    put "$RUN/current" "$STAGE_NO"
    [ -s "$SD/started" ] || put "$SD/started" "$(now)"
    put "$SD/state" Running
    RESULT=Failed; SUMMARY=
    case $st in
        SurfaceValidate) ;;
        # Self-tests checkpoint only that they ran: a resume starts the test again.
        *) [ -n "${NB_RESUME:-}" ] && [ -f "$SD/checkpoint" ] && log "resume $NB_RESUME: $st starts again"
           put "$SD/checkpoint" "kind $st" ;;
    esac
    case $st in
        SmartShort) selftest short "$NB_TIMEOUT_SHORT" ;;
        SmartConveyance) selftest conveyance "$NB_TIMEOUT_CONVEYANCE" ;;
        SmartLong) selftest long "$NB_TIMEOUT_LONG" ;;
        SurfaceValidate) surface ;;
        NvmeFormat) nvme_format ;;
        SmartPostCheck) post_check ;;
        *) SUMMARY="unknown stage $st" ;;
    esac
    [ "$st" = SurfaceValidate ] || rm -f "$SD/checkpoint"
    # The pre-snapshot and preflight's read are fresh only for the stage they were taken for.
    PRE_FLAT=; HEAT_FLAT=
    put "$SD/summary" "$SUMMARY"
    put "$SD/finished" "$(now)"
    put "$SD/state" "$RESULT"
    [ "$RESULT" = Passed ] || failed=$st
done
SD=$RUN
put "$RUN/finished" "$(now)"
put "$RUN/state" Finished
release_slot
