# selftestlog: reads a smartctl -j -x document flattened by jsonflat.awk ("path<TAB>value") and prints
# the newest self-test log entry of one kind as "outcome|text":
#   awk -F '\t' -v kind=short|long|conveyance -f selftestlog.awk FLAT
# outcome is passed, failed, aborted (by the host or a reset: not a verdict on the drive), running or
# none (no entry of that kind). The log may hold other kinds too (a short test smartd started, offline
# data collection), so the entry is chosen by its test code, not by its place:
#   ATA  ata_smart_self_test_log.{extended,standard}.table[i]: type.value 1/129 short, 2/130 extended,
#        3/131 conveyance (offline and captive); status.value high nibble 0 ok, 1-2 aborted, 15 running
#   NVMe nvme_self_test_log.table[i]: self_test_code.value 1 short, 2 extended; self_test_result.value
#        0 ok, 1-4, 8, 9 aborted (command, reset, namespace removed, format, unknown, sanitize)
#   SCSI scsi_self_test_i: code.value 1/5 background/foreground short, 2/6 long; result.value 0 ok,
#        1-2 aborted, 15 in progress
# POSIX awk (no match groups), LC_ALL=C.
function wanted(src, code) {
    if (kind == "short") return (src == "nvme") ? code == 1 : (src == "scsi") ? (code == 1 || code == 5) : (code == 1 || code == 129)
    if (kind == "long") return (src == "nvme") ? code == 2 : (src == "scsi") ? (code == 2 || code == 6) : (code == 2 || code == 130)
    if (kind == "conveyance") return src ~ /^ata/ && (code == 3 || code == 131)
    return 0
}
function outcome(src, res) {
    if (res == "") return "failed"
    if (src ~ /^ata/) {
        res = int(res / 16)
        return res == 0 ? "passed" : (res == 1 || res == 2) ? "aborted" : res == 15 ? "running" : "failed"
    }
    if (src == "nvme")
        return res == 0 ? "passed" : (res == 1 || res == 2 || res == 3 || res == 4 || res == 8 || res == 9) ? "aborted" : "failed"
    return res == 0 ? "passed" : (res == 1 || res == 2) ? "aborted" : res == 15 ? "running" : "failed"
}
# note SRC IDX FIELD VALUE: one field of one entry
function note(src, i, field, v,   k) {
    k = src SUBSEP i
    seen[src] = 1
    present[k] = 1
    if (i + 0 > top[src] + 0) top[src] = i + 0
    if (field == "type.value" || field == "self_test_code.value" || field == "code.value") code[k] = v
    else if (field == "status.value" || field == "self_test_result.value" || field == "result.value") res[k] = v
    else if (field == "status.string" || field == "self_test_result.string" || field == "result.string") text[k] = v
}
BEGIN { FS = "\t" }
{
    p = $1
    if (substr(p, 1, 25) == ".ata_smart_self_test_log.") {
        rest = substr(p, 26)
        src = (substr(rest, 1, 9) == "extended.") ? "ata_extended" : (substr(rest, 1, 9) == "standard.") ? "ata_standard" : ""
        if (src == "") next
        rest = substr(rest, 10)
        if (substr(rest, 1, 6) != "table[") next
        rest = substr(rest, 7)
    } else if (substr(p, 1, 26) == ".nvme_self_test_log.table[") {
        src = "nvme"; rest = substr(p, 27)
    } else if (substr(p, 1, 16) == ".scsi_self_test_") {
        src = "scsi"; rest = substr(p, 17)
        sub(/\./, "].", rest)   # scsi_self_test_3.code.value -> 3].code.value, like a table index
    } else next
    j = index(rest, "].")
    if (j < 2) next
    i = substr(rest, 1, j - 1)
    if (i ~ /[^0-9]/) next
    note(src, i, substr(rest, j + 2), $2)
}
END {
    # -x prints the extended (GP) log where the drive has one, else the standard one.
    n = split("ata_extended ata_standard nvme scsi", order, " ")
    for (s = 1; s <= n; s++) {
        src = order[s]
        if (!(src in seen)) continue
        if (src == "ata_standard" && ("ata_extended" in seen)) continue
        for (i = 0; i <= top[src] + 0; i++) {
            k = src SUBSEP i
            if (!(k in present) || !wanted(src, code[k] + 0)) continue
            t = (k in text) ? text[k] : "no result text"
            print outcome(src, res[k]) "|" t
            exit
        }
    }
    print "none|the self-test log has no " kind " self-test entry"
}
