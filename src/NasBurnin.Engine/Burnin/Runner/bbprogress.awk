# bbprogress: reads new bytes of badblocks' stderr (with -s it rewrites its progress with
# backspaces) and turns them into a progress figure and a compact log.
# Input: one chunk (RS is a byte that never occurs). Only bytes up to the last separator
# (\b \r \n) are consumed, so a header split across two chunks is read whole next time.
# Vars in: phase, pattern, kind, pct, errors (state carried between chunks), logfile; ro=1 for a
# read-only call with a pattern (a resume's verify), whose "Testing with pattern" header starts a verify.
# Output: "consumed N" then "state phase pattern kind pct errors".
BEGIN { RS = "\001"; bs = sprintf("%c", 8) }
{ s = s $0 }
END {
    n = length(s); k = n
    while (k > 0) { c = substr(s, k, 1); if (c == bs || c == "\r" || c == "\n") break; k-- }
    body = substr(s, 1, k)
    gsub(bs, "\n", body); gsub("\r", "\n", body)
    m = split(body, lines, "\n")
    for (li = 1; li <= m; li++) {
        line = lines[li]
        if (match(line, /Testing with random pattern:/)) {
            phase++; kind = "write"; pct = 0; pattern = "random"
            print "Testing with random pattern" >> logfile
            line = substr(line, RSTART + RLENGTH)
        } else if (match(line, /Testing with pattern [^:]*:/)) {
            phase++; kind = ro ? "verify" : "write"; pct = 0
            pattern = substr(line, RSTART + 21, RLENGTH - 22)
            print (ro ? "Verifying (read-only) pattern " : "Testing with pattern ") pattern >> logfile
            line = substr(line, RSTART + RLENGTH)
        } else if (match(line, /Reading and comparing:/)) {
            phase++; kind = "verify"; pct = 0
            print "Reading and comparing (pattern " pattern ")" >> logfile
            line = substr(line, RSTART + RLENGTH)
        }
        if (match(line, /[0-9]+\.[0-9]+% done/)) {
            pct = substr(line, RSTART, RLENGTH - 6)
            if (match(line, /\([0-9]+\/[0-9]+\/[0-9]+ errors\)/)) errors = substr(line, RSTART + 1, RLENGTH - 9)
            continue
        }
        gsub(/^[ \t]+|[ \t]+$/, "", line)
        # What is left is not progress: keep it (errors, pass summary, block range).
        if (line != "" && line !~ /^[0-9:]+ elapsed\./ && line !~ /^done/) print line >> logfile
    }
    print "consumed " k
    print "state " (phase + 0) " " (pattern == "" ? "-" : pattern) " " (kind == "" ? "-" : kind) " " (pct == "" ? 0 : pct) " " (errors == "" ? "0/0/0" : errors)
}
