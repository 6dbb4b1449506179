# jsonflat: prints "path<TAB>value" for every scalar of a JSON document read on stdin, e.g.
#   .serial_number	ZL2ABC
#   .ata_smart_self_test_log.standard.table[0].status.passed	true
# so the runner can read smartctl -j output with grep, whatever its layout. POSIX awk, LC_ALL=C.
# Strings keep their escapes (\" stays \"), which is fine for the comparisons the runner makes.
function path(   k, p) {
    p = ""
    for (k = 1; k <= d; k++) p = p (typ[k] == "o" ? "." key[k] : "[" idx[k] "]")
    return p
}
BEGIN { RS = "\001" }
{ s = s $0 }
END {
    n = length(s); i = 1; d = 0; expectKey = 0
    while (i <= n) {
        c = substr(s, i, 1)
        if (c == "{") { d++; typ[d] = "o"; key[d] = ""; expectKey = 1; i++; continue }
        if (c == "[") { d++; typ[d] = "a"; idx[d] = 0; expectKey = 0; i++; continue }
        if (c == "}" || c == "]") { d--; i++; continue }
        if (c == ",") { if (typ[d] == "o") expectKey = 1; else idx[d]++; i++; continue }
        if (c == ":") { expectKey = 0; i++; continue }
        if (c == " " || c == "\t" || c == "\r" || c == "\n") { i++; continue }
        if (c == "\"") {
            j = i + 1; str = ""
            while (j <= n) {
                ch = substr(s, j, 1)
                if (ch == "\\") { str = str substr(s, j, 2); j += 2; continue }
                if (ch == "\"") break
                str = str ch; j++
            }
            i = j + 1
            if (typ[d] == "o" && expectKey) { key[d] = str; continue }
            print path() "\t" str
            continue
        }
        j = i
        while (j <= n) {
            ch = substr(s, j, 1)
            if (ch == "," || ch == "}" || ch == "]" || ch == " " || ch == "\t" || ch == "\r" || ch == "\n") break
            j++
        }
        print path() "\t" substr(s, i, j - i)
        i = j
    }
}
