# NasBurnin SMART self-tests, sourced by runner.sh (which provides smart_flat, stage_flat, fget, put, log, event,
# now, temperature and the NB_* spec values). POSIX sh.
#
# When has a self-test ended? Comparing only the newest log entry is wrong: two tests of one kind that
# end within one power-on hour leave identical newest entries, and NVMe and SCSI logs carry no entry
# count. So the whole log is recorded before the start (ATA count and table, NVMe table, every SCSI
# entry), and a test has ended when it was seen in progress and is no longer, or when the log changed
# in any way (a new entry, the count, a shift of older entries). A full NVMe log of 20 identical
# entries does not change at all; then only having seen the test running tells. A test never seen
# running whose log never changed fails at the deadline (the drive's own estimate x2 + 30 min) with
# that reason, instead of waiting for ever.

# A deadline in words: minutes, or seconds below two minutes.
st_span() { if [ "$1" -ge 120 ]; then echo "$(($1 / 60)) minutes"; else echo "$1 s"; fi; }

# The whole self-test log of a flattened document, as one checksum (the running state is not in it).
selftest_sig() {
    grep -E '^\.(ata_smart_self_test_log\.|nvme_self_test_log\.table\[|scsi_self_test)' "$1" | cksum
}

selftest_running() {
    local op
    [ -n "$(fget "$1" .ata_smart_data.self_test.status.remaining_percent)" ] && return 0
    op=$(fget "$1" .nvme_self_test_log.current_self_test_operation.value)
    [ -n "$op" ] && [ "$op" != 0 ] && return 0
    # SCSI/SAS: the newest log entry itself says "in progress" (result code 15).
    [ "$(fget "$1" .scsi_self_test_0.result.value)" = 15 ] && return 0
    return 1
}

selftest_remaining() {
    local r c
    r=$(fget "$1" .ata_smart_data.self_test.status.remaining_percent)
    if [ -z "$r" ]; then
        c=$(fget "$1" .nvme_self_test_log.current_self_test_completion_percent)
        [ -n "$c" ] && r=$((100 - c))
    fi
    echo "${r:-100}"
}

# selftest_result FLAT KIND: "outcome|text" of the newest log entry of that kind (selftestlog.awk).
selftest_result() { awk -F '\t' -v kind="$2" -f "$BIN/selftestlog.awk" "$1"; }

# Waits for a test that was running before ours (another tool's); a new test would abort it.
selftest_wait_idle() {
    local waited
    stage_flat > "$SD/before.flat"
    selftest_running "$SD/before.flat" || return 0
    log "a self-test is already running on $NB_DEVICE; waiting for it to finish first"
    waited=0
    while selftest_running "$SD/before.flat" && [ "$waited" -lt "$1" ]; do
        sleep "$NB_POLL"; waited=$((waited + NB_POLL)); smart_flat > "$SD/before.flat"
    done
}

# selftest_poll KIND TIMEOUT SIG0: polls until the test has ended (returns 0, ST_HOW says how it was
# seen), or sets RESULT/SUMMARY and returns 1 (overheat, deadline). The first look is at once: a
# short test can be over before the first poll interval, and a test seen running is the one sure sign.
selftest_poll() {
    local kind timeout sig0 start seen rem t first
    kind=$1; timeout=$2; sig0=$3
    start=$(now); seen=0; first=1
    while :; do
        if [ "$first" = 1 ]; then first=0; else sleep "$NB_POLL"; fi
        smart_flat > "$SD/poll.flat"
        if selftest_running "$SD/poll.flat"; then seen=1
        elif [ "$seen" = 1 ]; then ST_HOW="seen running, now ended"; return 0
        elif [ "$(selftest_sig "$SD/poll.flat")" != "$sig0" ]; then ST_HOW="the self-test log changed"; return 0
        fi
        rem=$(selftest_remaining "$SD/poll.flat")
        [ "$seen" = 1 ] || rem=100
        put "$SD/progress" "$((100 - rem)) 1 1 $kind selftest 0/0/0 0"
        t=$(temperature "$SD/poll.flat")
        case $t in ''|*[!0-9]*) ;; *)
            if [ "$t" -ge $((NB_TEMP_LIMIT + 5)) ]; then
                "$NB_SMARTCTL" -X "$NB_DEVICE" >/dev/null 2>&1; SELFTEST_RUNNING=0
                log "overheat: ${t} C during the $kind self-test; aborted it"; event overheat "${t} C"
                RESULT=Failed; SUMMARY="overheat: ${t} C reached the abort limit $((NB_TEMP_LIMIT + 5)) C"; return 1
            fi ;;
        esac
        if [ $(( $(now) - start )) -gt "$timeout" ]; then
            "$NB_SMARTCTL" -X "$NB_DEVICE" >/dev/null 2>&1; SELFTEST_RUNNING=0
            RESULT=Failed
            if [ "$seen" = 1 ]; then
                SUMMARY="the $kind self-test did not complete within $(st_span "$timeout")"
            else
                SUMMARY="the $kind self-test was never seen running and the self-test log did not change within $(st_span "$timeout") (the drive's own estimate x2 + 30 min): the drive did not report the test; it may not support it, or something else aborted it"
            fi
            log "$SUMMARY"; return 1
        fi
    done
}

selftest() {
    local kind timeout attempt out rc sig0 res outcome text
    kind=$1; timeout=$2; attempt=1
    while :; do
        selftest_wait_idle "$timeout"
        sig0=$(selftest_sig "$SD/before.flat")
        out=$("$NB_SMARTCTL" -t "$kind" "$NB_DEVICE" 2>&1); rc=$?
        if [ $((rc & 7)) -ne 0 ]; then
            log "smartctl -t $kind failed (exit $rc): $(echo "$out" | tail -n 3 | tr '\n' ' ')"
            RESULT=Failed; SUMMARY="could not start the $kind self-test (smartctl exit $rc)"; return
        fi
        log "started SMART $kind self-test (attempt $attempt, deadline $(st_span "$timeout"))"
        SELFTEST_RUNNING=1
        selftest_poll "$kind" "$timeout" "$sig0" || return
        SELFTEST_RUNNING=0
        res=$(selftest_result "$SD/poll.flat" "$kind")
        outcome=${res%%|*}; text=${res#*|}
        log "self-test ended ($ST_HOW); newest $kind entry in the log: $text"
        if [ "$outcome" = aborted ] && [ "$attempt" = 1 ]; then
            attempt=2; log "the self-test was interrupted ($text); retrying once"; continue
        fi
        put "$SD/progress" "100 1 1 $kind selftest 0/0/0 0"
        SUMMARY="SMART $kind self-test: $text"
        if [ "$outcome" = passed ]; then RESULT=Passed; else RESULT=Failed; fi
        [ "$attempt" = 2 ] && SUMMARY="$SUMMARY (after one retry)"
        return
    done
}
