# NasBurnin surface validation (badblocks in write mode), sourced by runner.sh (which provides put, log,
# event, now, refuse, heat_check, start_ticker, stop_ticker, wait_child and the NB_* spec values). POSIX sh.
#
# A pass is two phases per pattern: write the pattern over every block, then read it back and compare.
# SD/checkpoint says where the pass is, so a resumed run continues it exactly instead of starting over:
#   kind surface
#   patterns P...            the pass's patterns (badblocks' -w defaults, or random)
#   block_size B  chunk C  blocks N      badblocks -b and -c, and the drive's size in blocks
#   pattern I                index (0-based) of the pattern in progress
#   phase write|verify
#   block X                  every block before X (in the phase's order) is known done
#   vstart S  wrap 0|1       a verify that began at block S runs S..N-1, then (wrap 1) 0..S-1
#   serial, wwn              the drive's identity
#   bad K                    one line per bad block found so far
# It is written atomically at every phase change and at most every NB_CHECKPOINT_EVERY s between.
# "Known done" comes from badblocks' own percentage (the block it is working on over the call's last
# block + 1, with two decimals), less 0.01 %: every block below it was written (badblocks writes with
# O_DIRECT) or read and compared.
#
# Continuing from a checkpoint (pattern P, DEV's blocks 0..N-1):
#   write, X = 0    badblocks -w -t P [-t next...] DEV             the remaining patterns, in one call
#   write, X > 0    badblocks -w -t P DEV N-1 X                    write and verify X..N-1, then verify 0..X-1:
#   verify, wrap 0  badblocks -t P DEV N-1 X                       read-only mode with a pattern compares
#   verify, wrap 1  badblocks -t P DEV S-1 X
# A random pattern cannot be read back by a new process, so its pass starts again (the log says so).

BB_DEFAULT_PATTERNS="0xaa 0x55 0xff 0x00"

read_state() { cat "$SD/bbstate" 2>/dev/null || echo "0 - - 0 0/0/0"; }

# New bytes of badblocks' stderr -> SD/bbstate (phase pattern kind pct errors, pct as badblocks prints it)
# and SD/progress (the pass's overall figure; a verify's share is placed by CALL_VOFF + pct * CALL_VMUL).
bb_consume() {
    local size c st overall
    size=$(wc -c < "$SD/bb.raw" | tr -d ' ')
    if [ "$size" -gt "$BB_OFF" ]; then
        set -- $(read_state)
        tail -c +$((BB_OFF + 1)) "$SD/bb.raw" | head -c $((size - BB_OFF)) |
            awk -v logfile="$SD/log" -v phase="$1" -v pattern="$2" -v kind="$3" -v pct="$4" -v errors="$5" -v ro="$CALL_RO" -f "$BIN/bbprogress.awk" > "$SD/bb.parse"
        c=$(awk '$1 == "consumed" { print $2 }' "$SD/bb.parse")
        BB_OFF=$((BB_OFF + ${c:-0}))
        st=$(awk '$1 == "state" { print $2, $3, $4, $5, $6 }' "$SD/bb.parse")
        [ -n "$st" ] && put "$SD/bbstate" "$st"
    fi
    # Written on every tick, new bytes or not: a paused badblocks prints nothing, but the pause must show.
    set -- $(read_state)
    overall=$(awk -v ph="$1" -v p="$4" -v k="$3" -v o="$CALL_VOFF" -v m="$CALL_VMUL" -v n="$BB_PHASES" 'BEGIN {
        if (ph < 1) { print 0; exit }
        if (k == "verify") p = o + p * m
        if (p < 0) p = 0; if (p > 100) p = 100
        v = ((ph - 1) * 100 + p) / n; if (v > 100) v = 100; printf "%.2f", v }')
    put "$SD/progress" "$overall $1 $BB_PHASES $2 $3 $5 $PAUSED"
}

# bb_run ARGS...: one badblocks call, watched until it ends. Sets BB_RC; BB_HALT=2 (overheat) or 3 (another
# writer appeared during a heat pause) when the heat guard ended it.
bb_run() {
    local ticks hc
    # stderr straight into a file: badblocks writes it unbuffered, so progress is never held in a pipe.
    "$NB_BADBLOCKS" "$@" >>"$SD/bb.out" 2>>"$SD/bb.raw" &
    CHILD=$!
    start_ticker
    BB_HALT=0; ticks=0; hc=0
    # The stage's first heat check, at once, reads the temperature from preflight's smartctl read (HEAT_FLAT).
    if [ -n "$HEAT_FLAT" ]; then heat_check; hc=$?; fi
    while [ "$hc" != 2 ] && [ "$hc" != 3 ] && ! wait_child; do
        [ "$TICKED" = 1 ] || continue
        bb_consume
        cp_track
        ticks=$((ticks + NB_TICK))
        if [ "$ticks" -ge "$NB_HEAT_EVERY" ]; then
            ticks=0
            heat_check
            hc=$?
        fi
    done
    if [ "$hc" = 2 ] || [ "$hc" = 3 ]; then
        BB_HALT=$hc
        kill -CONT "$CHILD" 2>/dev/null; kill -TERM "$CHILD" 2>/dev/null
        until wait_child; do :; done
    fi
    BB_RC=$CHILD_RC
    CHILD=
    stop_ticker
    bb_consume
}

# ---- checkpoints
cp_write() {
    {
        echo "kind surface"
        echo "patterns $BB_PATTERNS"
        echo "block_size $NB_BB_BLOCK"; echo "chunk $NB_BB_CHUNK"; echo "blocks $BB_N"
        echo "pattern $CP_I"; echo "phase $CP_PHASE"; echo "block $CP_BLOCK"
        echo "vstart $CP_VSTART"; echo "wrap $CP_WRAP"
        echo "serial $NB_SERIAL"; echo "wwn $NB_WWN"; echo "updated $(now)"
        cat "$SD/badblocks.txt" "$SD/bb.seg" 2>/dev/null | grep -E '^[0-9]+$' | sort -n -u | sed 's/^/bad /'
    } > "$SD/checkpoint.tmp$$" && mv -f "$SD/checkpoint.tmp$$" "$SD/checkpoint"
    CP_AT=$(now); CP_KEY="$CP_I $CP_PHASE"; CP_DONE=$CP_BLOCK
}

# Where the running call is, from its progress; written at a phase change, else at most every NB_CHECKPOINT_EVERY s.
cp_track() {
    local x
    set -- $(read_state)
    [ "$1" -gt "$CALL_BASE" ] || return 0   # the call's first header is not read yet
    x=$(awk -v p="$4" -v d="$CALL_D" 'BEGIN { v = int((p - 0.01) * d / 100); if (v < 0) v = 0; printf "%.0f\n", v }')
    [ "$x" -lt "$CALL_FIRST" ] && x=$CALL_FIRST
    case $CALL_MODE in
        full) CP_I=$((($1 - 1) / 2)); CP_VSTART=0; CP_WRAP=0
              if [ "$3" = verify ]; then CP_PHASE=verify; else CP_PHASE=write; fi ;;
        wtail) if [ "$3" = verify ]; then CP_PHASE=verify; CP_VSTART=$CALL_FIRST; CP_WRAP=0; fi ;;
        rtail) CP_WRAP=0 ;;
        rhead) CP_WRAP=1 ;;
    esac
    CP_BLOCK=$x
    # Nothing new since the last write (a paused or stalled badblocks): nothing to write.
    [ "$CP_I $CP_PHASE $CP_BLOCK" = "$CP_KEY $CP_DONE" ] && return 0
    if [ "$CP_I $CP_PHASE" != "$CP_KEY" ] || [ $(($(now) - CP_AT)) -ge "$NB_CHECKPOINT_EVERY" ]; then cp_write; fi
}

cp_get() { awk -v k="$1" '$1 == k { sub(/^[^ ]+ ?/, ""); print; exit }' "$SD/checkpoint"; }

# Takes up the pass where the checkpoint left it; refuses (returns 1) a checkpoint of another drive or pass.
cp_load() {
    local v p
    for v in pattern block vstart wrap; do
        case $(cp_get $v) in ''|*[!0-9]*) refuse "the checkpoint of this stage is damaged ($v); start a new run"; return 1 ;; esac
    done
    if [ "$(cp_get patterns)" != "$BB_PATTERNS" ] || [ "$(cp_get block_size)" != "$NB_BB_BLOCK" ] || [ "$(cp_get blocks)" != "$BB_N" ]; then
        refuse "the checkpoint is of another pass (patterns $(cp_get patterns), block size $(cp_get block_size), $(cp_get blocks) blocks; now $BB_PATTERNS, $NB_BB_BLOCK, $BB_N): start a new run"; return 1
    fi
    if [ "$(cp_get serial)" != "$NB_SERIAL" ] || [ "$(cp_get wwn)" != "$NB_WWN" ]; then
        refuse "the checkpoint belongs to serial '$(cp_get serial)', not $NB_SERIAL"; return 1
    fi
    CP_I=$(cp_get pattern); CP_PHASE=$(cp_get phase); CP_BLOCK=$(cp_get block); CP_VSTART=$(cp_get vstart); CP_WRAP=$(cp_get wrap)
    case $CP_PHASE in write|verify) ;; *) refuse "the checkpoint of this stage is damaged (phase); start a new run"; return 1 ;; esac
    if [ "$CP_I" -gt "$BB_NP" ] || [ "$CP_BLOCK" -gt "$BB_N" ] || [ "$CP_VSTART" -ge "$BB_N" ]; then
        refuse "the checkpoint of this stage is damaged (pattern $CP_I, block $CP_BLOCK, vstart $CP_VSTART of $BB_N blocks); start a new run"; return 1
    fi
    # Bad blocks of the checkpoint and any found after it (badblocks flushes each one as it finds it).
    { awk '$1 == "bad" { print $2 }' "$SD/checkpoint"; cat "$SD/badblocks.txt" 2>/dev/null; } | grep -E '^[0-9]+$' | sort -n -u > "$SD/bad.tmp$$"
    mv -f "$SD/bad.tmp$$" "$SD/badblocks.txt"
    p=done; set -- $BB_PATTERNS; [ "$CP_I" -lt $# ] && { shift "$CP_I"; p=$1; }
    log "resume $NB_RESUME: pattern $p, $CP_PHASE phase, continuing from block $CP_BLOCK of $BB_N$([ "$CP_PHASE" = verify ] && echo " (the verify began at block $CP_VSTART$([ "$CP_WRAP" = 1 ] && echo ", now past the end"))"), $(grep -c . "$SD/badblocks.txt") bad blocks so far"
    if [ "$p" = random ] && { [ "$CP_PHASE" != write ] || [ "$CP_BLOCK" != 0 ]; }; then
        log "resume $NB_RESUME: a random pattern cannot be read back by a new badblocks, so its write and verify start again from block 0"
        CP_PHASE=write; CP_BLOCK=0; CP_VSTART=0; CP_WRAP=0
    fi
    event destructive_started "badblocks on $NB_DEVICE, resumed at pattern $p, $CP_PHASE phase, block $CP_BLOCK of $BB_N"
    return 0
}

next_pattern() { CP_I=$((CP_I + 1)); CP_PHASE=write; CP_BLOCK=0; CP_VSTART=0; CP_WRAP=0; }

# bb_call MODE FIRST DENOMINATOR READONLY VOFF VMUL -- ARGS...: one badblocks call of the pass.
bb_call() {
    CALL_MODE=$1 CALL_FIRST=$2 CALL_D=$3 CALL_RO=$4 CALL_VOFF=$5 CALL_VMUL=$6
    shift 7
    case $CALL_MODE in rtail|rhead) CALL_BASE=$((2 * CP_I + 1)) ;; *) CALL_BASE=$((2 * CP_I)) ;; esac
    put "$SD/bbstate" "$CALL_BASE - - 0 0/0/0"
    : > "$SD/bb.raw"; : > "$SD/bb.seg"; BB_OFF=0
    cp_write
    log "badblocks $*"
    bb_run "$@"
    # The last progress may sit after the final separator; the pass summary always ends a line.
    cat "$SD/bb.out" >> "$SD/log" 2>/dev/null; : > "$SD/bb.out"
    cat "$SD/badblocks.txt" "$SD/bb.seg" | grep -E '^[0-9]+$' | sort -n -u > "$SD/bad.tmp$$"
    mv -f "$SD/bad.tmp$$" "$SD/badblocks.txt"; : > "$SD/bb.seg"
    [ "$BB_RC" = 0 ] || BB_FAIL=$BB_RC
    [ "$BB_HALT" = 0 ]
}

# One step of the pass from where it is (see the table above); returns 1 when the heat guard ended it.
bb_step() {
    local p q pats voff vmul base
    set -- $BB_PATTERNS; shift "$CP_I"; p=$1
    base="-b $NB_BB_BLOCK -c $NB_BB_CHUNK"
    if [ "$CP_PHASE" = verify ]; then
        if [ "$CP_WRAP" = 0 ] && [ "$CP_BLOCK" -ge "$BB_N" ]; then CP_WRAP=1; CP_BLOCK=0; fi
        if [ "$CP_WRAP" = 1 ] && [ "$CP_BLOCK" -ge "$CP_VSTART" ]; then next_pattern; cp_write; return 0; fi
    fi
    if [ "$CP_PHASE" = write ] && [ "$CP_BLOCK" = 0 ]; then
        pats=
        if [ "$CP_I" != 0 ] || [ "$BB_PATTERNS" != "$BB_DEFAULT_PATTERNS" ]; then for q in "$@"; do pats="$pats -t $q"; done; fi
        bb_call full 0 "$BB_N" 0 0 1 -- $base -w -s -v -o "$SD/bb.seg" $pats "$NB_DEVICE" || return 1
        CP_I=$BB_NP
    elif [ "$CP_PHASE" = write ]; then
        voff=$(awk -v b="$CP_BLOCK" -v n="$BB_N" 'BEGIN { printf "%.6f", -100 * b / n }')
        bb_call wtail "$CP_BLOCK" "$BB_N" 0 "$voff" 1 -- $base -w -s -v -o "$SD/bb.seg" -t "$p" "$NB_DEVICE" $((BB_N - 1)) "$CP_BLOCK" || return 1
        CP_PHASE=verify; CP_VSTART=$CALL_FIRST; CP_BLOCK=0; CP_WRAP=1
    elif [ "$CP_WRAP" = 0 ]; then
        voff=$(awk -v b="$CP_VSTART" -v n="$BB_N" 'BEGIN { printf "%.6f", -100 * b / n }')
        bb_call rtail "$CP_BLOCK" "$BB_N" 1 "$voff" 1 -- $base -s -v -o "$SD/bb.seg" -t "$p" "$NB_DEVICE" $((BB_N - 1)) "$CP_BLOCK" || return 1
        CP_WRAP=1; CP_BLOCK=0
    else
        voff=$(awk -v s="$CP_VSTART" -v n="$BB_N" 'BEGIN { printf "%.6f", 100 * (n - s) / n }')
        vmul=$(awk -v s="$CP_VSTART" -v n="$BB_N" 'BEGIN { printf "%.6f", s / n }')
        bb_call rhead "$CP_BLOCK" "$CP_VSTART" 1 "$voff" "$vmul" -- $base -s -v -o "$SD/bb.seg" -t "$p" "$NB_DEVICE" $((CP_VSTART - 1)) "$CP_BLOCK" || return 1
        next_pattern
    fi
    cp_write
}

surface() {
    local bad size
    preflight || return
    if [ "$NB_BB_PATTERN" = random ]; then BB_PATTERNS=random; else BB_PATTERNS=$BB_DEFAULT_PATTERNS; fi
    set -- $BB_PATTERNS; BB_NP=$#; BB_PHASES=$((2 * BB_NP))
    size=$DEV_SIZE   # preflight's lsblk read
    case $size in ''|*[!0-9]*) size=0 ;; esac
    BB_N=$((size / NB_BB_BLOCK))
    if [ "$BB_N" -lt 1 ]; then RESULT=Failed; SUMMARY="cannot read the size of $NB_DEVICE"; return; fi
    CP_I=0; CP_PHASE=write; CP_BLOCK=0; CP_VSTART=0; CP_WRAP=0; CP_KEY=; CP_AT=0; CP_DONE=
    CALL_RO=0; CALL_VOFF=0; CALL_VMUL=1; BB_FAIL=0; BB_OFF=0
    : > "$SD/bb.seg"; : > "$SD/bb.out"; : > "$SD/bb.raw"
    if [ -n "${NB_RESUME:-}" ] && [ -s "$SD/checkpoint" ] && [ "$(cp_get kind)" = surface ]; then
        cp_load || return
    else
        : > "$SD/badblocks.txt"
        event destructive_started "badblocks on $NB_DEVICE"
    fi
    while [ "$CP_I" -lt "$BB_NP" ]; do
        if ! bb_step; then
            [ "$BB_HALT" = 2 ] && { RESULT=Failed; SUMMARY="overheat: the drive reached the abort limit $((NB_TEMP_LIMIT + 5)) C"; }
            return
        fi
    done
    bad=$(grep -c . "$SD/badblocks.txt" 2>/dev/null); bad=${bad:-0}
    rm -f "$SD/bb.raw" "$SD/bb.parse" "$SD/bb.seg" "$SD/bb.out" "$SD/checkpoint"
    event destructive_finished "badblocks exit $BB_FAIL, $bad bad blocks"
    if [ "$BB_FAIL" = 0 ] && [ "$bad" = 0 ]; then
        RESULT=Passed; SUMMARY="no bad blocks ($BB_PHASES phases, block size $NB_BB_BLOCK)"
        put "$SD/progress" "100 $BB_PHASES $BB_PHASES - done 0/0/0 0"
    elif [ "$bad" != 0 ]; then
        RESULT=Failed; SUMMARY="$bad bad blocks: $(head -n 50 "$SD/badblocks.txt" | tr '\n' ' ')"
    else
        RESULT=Failed; SUMMARY="badblocks exited with $BB_FAIL: $(tail -n 2 "$SD/log" | tr '\n' ' ')"
    fi
}
