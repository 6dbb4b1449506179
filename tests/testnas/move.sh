#!/bin/bash
# move.sh STATE_DIR SERIAL: the sandbox drive with SERIAL comes back at another device path, as a disk
# does at another /dev/sdX after a reboot. Its image is attached to a new loop device (listed in
# STATE_DIR/devices), its shim state (drives/<kname>) follows it, the old loop device is detached and
# leaves the list and the emulated udev database. Prints the new device. Only for a drive nothing holds open.
set -euo pipefail
STATE=${1:?usage: move.sh STATE_DIR SERIAL}
SERIAL=${2:?usage: move.sh STATE_DIR SERIAL}
[[ -f $STATE/.testnas ]] || { echo "move.sh: $STATE is not a sandbox NAS state dir" >&2; exit 1; }
meta=$(grep -l -- "\"serial\": \"$SERIAL\"" "$STATE"/drives/*/meta.json | head -n 1) || true
[[ -n $meta ]] || { echo "move.sh: no sandbox drive with serial $SERIAL" >&2; exit 1; }
old=$(basename -- "$(dirname -- "$meta")")
img=$(losetup -n -O BACK-FILE "/dev/$old" | sed 's/ *$//')
[[ $img == "$STATE"/* ]] || { echo "move.sh: /dev/$old is not backed by a file of this sandbox ($img)" >&2; exit 1; }
new=$(losetup -f --show -- "$img")
echo "$new" >>"$STATE/devices"
nk=${new#/dev/}
cat "/sys/block/$old/queue/rotational" >"/sys/block/$nk/queue/rotational" 2>/dev/null || true
cp -a -- "$STATE/drives/$old" "$STATE/drives/$nk"
/usr/bin/python3 - "$STATE/drives/$nk/meta.json" "$nk" <<'PY'
import json, sys
p, k = sys.argv[1], sys.argv[2]
m = json.load(open(p))
m["kname"], m["device"] = k, "/dev/" + k
json.dump(m, open(p, "w"), indent=2)
PY
losetup -d "/dev/$old"
rm -rf -- "${STATE:?}/drives/$old"
grep -vxF -- "/dev/$old" "$STATE/devices" >"$STATE/devices.tmp" && mv -f "$STATE/devices.tmp" "$STATE/devices"
read -r ma mi < <(stat -L -c '%t %T' "/dev/$old")
db=/run/udev/data/b$((16#$ma)):$((16#$mi))
grep -qxF "E:NASBURNIN_TESTNAS=$STATE" "$db" 2>/dev/null && rm -f -- "$db"
"$STATE/bin/testnas-udev" refresh >/dev/null 2>&1 || true
echo "$new"
