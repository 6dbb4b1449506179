#!/bin/bash
# selfcheck.sh: start a sandbox NAS, exercise it over real SSH, stop it, and
# prove nothing is left behind.  Exit 0 when every check passed.
#
#   selfcheck.sh [--drives N]
#
# It never lets a real tool reach a device outside the sandbox: the refusal
# checks pass a nonsense option, so even a broken wrapper would only make
# the real tool fail on its command line.
set -uo pipefail

HERE=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
DRIVES=8
[[ ${1:-} == --drives ]] && DRIVES=${2:?}

PASS=0
FAIL=0
ok() { PASS=$((PASS + 1)); printf '  ok    %s\n' "$*"; }
bad() { FAIL=$((FAIL + 1)); printf '  FAIL  %s\n' "$*"; }
check() { # check DESCRIPTION COMMAND...: ok when the command succeeds
	local what=$1
	shift
	if "$@"; then ok "$what"; else bad "$what"; fi
}
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", b-a}'; }

STATE=$(mktemp -d /tmp/testnas-selfcheck.XXXXXX)
cleanup() {
	[[ -e $STATE ]] && "$HERE/stop.sh" "$STATE" >/dev/null 2>&1
}
trap cleanup EXIT

echo "== start ($DRIVES drives + faulty) in $STATE"
t0=$(now)
if ! "$HERE/start.sh" "$STATE" --drives "$DRIVES" --faulty; then
	echo "start.sh failed"
	exit 1
fi
t1=$(now)
START_SECS=$(secs "$t0" "$t1")
# shellcheck disable=SC1091
. "$STATE/env"
J=$STATE/testnas.json
SSH=(ssh -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o BatchMode=yes
	-i "$TESTNAS_KEY" -p "$TESTNAS_PORT" root@127.0.0.1)
r() { "${SSH[@]}" "$@"; } # run on the sandbox NAS
jq_py() { /usr/bin/python3 -c "$1" "${@:2}"; }
OUT=$STATE/selfcheck-out
mkdir -p "$OUT"

echo "== identity"
fp=$(ssh-keyscan -t ed25519 -p "$TESTNAS_PORT" 127.0.0.1 2>/dev/null | ssh-keygen -lf - | awk '{print $2}')
check "host key fingerprint from ssh-keyscan equals testnas.json ($fp)" \
	test "$fp" == "$(jq_py 'import json,sys; print(json.load(open(sys.argv[1]))["hostKeyFingerprint"])' "$J")"
check "login with the client key, shims first on PATH" \
	test "$(r 'command -v smartctl zpool nvme badblocks dd wipefs lsblk' | tr '\n' ' ')" == \
	"$STATE/bin/smartctl $STATE/bin/zpool $STATE/bin/nvme $STATE/bin/badblocks $STATE/bin/dd $STATE/bin/wipefs $STATE/bin/lsblk "
check "NASBURNIN_TESTNAS is set in sessions" test "$(r 'echo $NASBURNIN_TESTNAS')" == "$STATE"

echo "== lsblk -J -O -b, findmnt -J"
r lsblk -J -O -b >"$OUT/lsblk.json"
r findmnt -J >"$OUT/findmnt.json"
jq_py '
import json, sys
tn = json.load(open(sys.argv[1])); ls = json.load(open(sys.argv[2])); fm = json.load(open(sys.argv[3]))
devs = {d["path"]: d for d in ls["blockdevices"]}
def flat(fs):
    for f in fs:
        yield f
        yield from flat(f.get("children", []))
mounts = {f["target"]: f["source"] for f in flat(fm["filesystems"])}
bad = []
for d in tn["drives"]:
    l = devs.get(d["device"])
    if not l: bad.append("%s missing from lsblk" % d["device"]); continue
    exp_fs = d["fstype"]
    got = (l["size"], l["serial"], l["wwn"], l["fstype"], l["rota"], l["type"])
    want = (d["sizeBytes"], d["serial"], d["wwn"], exp_fs, d["rotational"], "loop")
    if got != want: bad.append("%s lsblk %s != %s" % (d["device"], got, want))
    if d["mountpoint"]:
        if l["mountpoints"] != [d["mountpoint"]]: bad.append("%s mountpoints %s" % (d["device"], l["mountpoints"]))
        if mounts.get(d["mountpoint"]) != d["device"]: bad.append("findmnt has no %s on %s" % (d["device"], d["mountpoint"]))
if bad: print("\n".join(bad))
sys.exit(1 if bad else 0)' "$J" "$OUT/lsblk.json" "$OUT/findmnt.json" >"$OUT/lsblk-check.txt"
check "lsblk: every drive with size, serial, wwn, fstype, rota; findmnt: the mounted drive" test $? -eq 0
[[ -s $OUT/lsblk-check.txt ]] && sed 's/^/        /' "$OUT/lsblk-check.txt"

echo "== smartctl -j -x on every drive (in parallel, like the inventory)"
t2=$(now)
r 'for d in '"$TESTNAS_DRIVES"'; do (smartctl -j -x $d >'"$OUT"'/smart.${d#/dev/}.json; echo $? >'"$OUT"'/smart.${d#/dev/}.rc) & done; wait'
t3=$(now)
jq_py '
import json, sys
tn = json.load(open(sys.argv[1])); out = sys.argv[2]; bad = []
proto = {"Sata": "ATA", "Nvme": "NVMe", "Sas": "SCSI"}
for d in tn["drives"]:
    k = d["kname"]
    rc = open("%s/smart.%s.rc" % (out, k)).read().strip()
    s = json.load(open("%s/smart.%s.json" % (out, k)))
    got = (rc, s["serial_number"], s["device"]["protocol"], s["user_capacity"]["bytes"], s["smartctl"]["exit_status"], s["device"]["name"])
    want = ("0", d["serial"], proto[d["transport"]], d["sizeBytes"], 0, d["device"])
    if got != want: bad.append("%s smartctl %s != %s" % (k, got, want))
if bad: print("\n".join(bad))
sys.exit(1 if bad else 0)' "$J" "$OUT" >"$OUT/smart-check.txt"
check "smartctl: all $(wc -w <<<"$TESTNAS_DRIVES") drives answer JSON with their serial, protocol, size ($(secs "$t2" "$t3") s)" test $? -eq 0
[[ -s $OUT/smart-check.txt ]] && sed 's/^/        /' "$OUT/smart-check.txt"
r 'smartctl -j -x /dev/vda' >"$OUT/vda.json"
rc=$?
check "smartctl on /dev/vda: exit 1, 'Unable to detect device type'" \
	test "$rc:$(jq_py 'import json,sys; d=json.load(open(sys.argv[1]))["smartctl"]; print(d["exit_status"], d["messages"][0]["string"])' "$OUT/vda.json")" == \
	"1:1 /dev/vda: Unable to detect device type"

echo "== self-test life (short on a HDD, long with read failure on the SSD)"
H=$TESTNAS_FREE_HDD
SSDK=${TESTNAS_SSD#/dev/}
echo 3 >"$STATE/drives/${H#/dev/}/selftest_seconds"
echo 2 >"$STATE/drives/$SSDK/selftest_seconds"
echo read_failure >"$STATE/drives/$SSDK/selftest_result"
r "smartctl -t short $H >/dev/null && smartctl -t long $TESTNAS_SSD >/dev/null"
check "smartctl -t short: exit 0" test $? -eq 0
r "smartctl -j -x $H" >"$OUT/st1.json"
check "while running: status 24x with remaining_percent" jq_py '
import json, sys; s = json.load(open(sys.argv[1]))["ata_smart_data"]["self_test"]["status"]
sys.exit(0 if s["value"] >> 4 == 15 and s["remaining_percent"] in range(10, 100, 10) else 1)' "$OUT/st1.json"
sleep 3.2
r "smartctl -j -x $H" >"$OUT/st2.json"
r "smartctl -j -x $TESTNAS_SSD" >"$OUT/st3.json"
check "after it: 'Completed without error' at the top of the standard log" jq_py '
import json, sys; d = json.load(open(sys.argv[1])); e = d["ata_smart_self_test_log"]["standard"]["table"][0]
sys.exit(0 if e["status"]["string"] == "Completed without error" and e["type"]["string"] == "Short offline"
         and e["lifetime_hours"] == d["power_on_time"]["hours"] and d["ata_smart_data"]["self_test"]["status"]["value"] == 0 else 1)' "$OUT/st2.json"
check "read failure: 'Completed: read failure' in the SSD's extended log, exit status bit 7" jq_py '
import json, sys; d = json.load(open(sys.argv[1])); e = d["ata_smart_self_test_log"]["extended"]["table"][0]
sys.exit(0 if e["status"]["string"] == "Completed: read failure" and e["status"]["passed"] is False
         and d["smartctl"]["exit_status"] & 128 else 1)' "$OUT/st3.json"

echo "== zpool"
r 'zpool status -P -L' >"$OUT/zpool.txt"
check "zpool status -P -L: $TESTNAS_POOL_MEMBER ONLINE in mirror-0, $TESTNAS_POOL_SPARE AVAIL in spares" \
	grep -qP "^\t    \Q$TESTNAS_POOL_MEMBER\E +ONLINE" "$OUT/zpool.txt"
check "  (spare line)" grep -qP "^\t  \Q$TESTNAS_POOL_SPARE\E +AVAIL$" "$OUT/zpool.txt"

echo "== wrappers refuse devices outside the sandbox (nonsense option: nothing can run)"
ln -s /dev/vda "$STATE/work/vda-link"
refused() { # refused COMMAND: exit 1 and the guard's own message
	local err
	err=$(r "$1" 2>&1 >/dev/null)
	[[ $? == 1 && $err == *"testnas guard: refusing"* ]]
}
check "badblocks /dev/vda" refused "badblocks --testnas-nonsense /dev/vda"
check "badblocks via a symlink to /dev/vda" refused "badblocks --testnas-nonsense $STATE/work/vda-link"
check "badblocks on a relative name (cd /dev; vda)" refused "cd /dev && badblocks --testnas-nonsense vda"
check "wipefs /dev/vda" refused "wipefs --testnas-nonsense /dev/vda"
check "dd of=/dev/vda" refused "dd testnas-nonsense=1 of=/dev/vda"
check "mkfs.ext4 on a partition name (/dev/vda1)" refused "mkfs.ext4 --testnas-nonsense /dev/vda1"
check "mkfs -t ext4 with a glued -o/dev/vda" refused "mkfs -t ext4 --testnas-nonsense -o/dev/vda"
check "guard.log records only refusals so far" test "$(grep -c ' allow ' "$STATE/guard.log" 2>/dev/null)" == 0
check "nvme format /dev/vda refused" test "$(r 'nvme format /dev/vda -s 1 --force' >/dev/null 2>&1; echo $?)" == 1

echo "== badblocks -wsv -b 4096 (real badblocks on the loop devices)"
t4=$(now)
r "badblocks -wsv -b 4096 $H" >"$OUT/bb-free.out" 2>"$OUT/bb-free.err"
rc=$?
t5=$(now)
check "free 64 MiB drive $H: exit $rc, 'Pass completed, 0 bad blocks found' ($(secs "$t4" "$t5") s)" \
	grep -q "Pass completed, 0 bad blocks found" "$OUT/bb-free.err"
r "badblocks -wsv -b 4096 $TESTNAS_FAULTY" >"$OUT/bb-faulty.out" 2>"$OUT/bb-faulty.err"
check "faulty drive $TESTNAS_FAULTY: 'Pass completed, 2 bad blocks found'" \
	grep -q "Pass completed, 2 bad blocks found" "$OUT/bb-faulty.err"
check "  and the blocks are exactly 8192 and 8193" test "$(tr '\n' ' ' <"$OUT/bb-faulty.out")" == "8192 8193 "

echo "== nvme format on the NVMe-presented drive"
N=$TESTNAS_NVME
r "dd if=/dev/urandom of=$N bs=1M count=1 status=none && nvme format $N -s 1 --force >/dev/null && cmp -s -n 1048576 $N /dev/zero"
check "nvme format $N -s 1 --force: success and the first MiB reads zeros" test $? -eq 0
check "  nvme.log holds the exact argv" test "$(cat "$STATE/nvme.log")" == "nvme format $N -s 1 --force"

echo "== a runner left running under the work dir (stop.sh must kill it)"
r "mkdir -p $TESTNAS_WORK/run && cd $TESTNAS_WORK/run && (setsid nohup badblocks -wsv -p 100 -b 4096 $TESTNAS_BIG >log 2>&1 </dev/null &) && (setsid nohup sleep 600 >/dev/null 2>&1 </dev/null &)"
sleep 0.5
RUNNERS=$(grep -lzxF "NASBURNIN_TESTNAS=$STATE" /proc/[0-9]*/environ 2>/dev/null | awk -F/ '{print $3}' | tr '\n' ' ')
check "runners alive before stop: $RUNNERS" test -n "$RUNNERS"

echo "== stop"
LOOPS=$(cat "$STATE/devices")
t6=$(now)
"$HERE/stop.sh" "$STATE"
t7=$(now)
STOP_SECS=$(secs "$t6" "$t7")
check "state dir removed" test ! -e "$STATE"
leftover_loops() {
	local d
	for d in $LOOPS; do
		grep -qF "$STATE/" "/sys/block/${d#/dev/}/loop/backing_file" 2>/dev/null && echo "$d"
	done
	losetup -a | grep -F "$STATE/"
}
check "no loop device over the state dir" test -z "$(leftover_loops)"
check "no mount under the state dir" test -z "$(grep -F "$STATE" /proc/self/mountinfo)"
check "no sshd of the sandbox" test -z "$(pgrep -f "sshd -f $STATE/")"
alive() { # live (non-zombie) processes among the given pids
	local p
	for p in "$@"; do
		[[ -e /proc/$p && $(awk '{print $3}' "/proc/$p/stat" 2>/dev/null) != Z ]] && echo "$p"
	done
}
# shellcheck disable=SC2086
check "runners killed" test -z "$(alive $RUNNERS)"
# the pattern comes from a file, so that this grep's own command line does not match
PAT=$(mktemp)
printf '%s/\n' "$STATE" >"$PAT"
check "no process referencing the state dir" test -z "$(grep -lzF -f "$PAT" /proc/[0-9]*/cmdline 2>/dev/null)"
rm -f "$PAT"
check "no faultyfs process" test -z "$(pgrep -f "$STATE/build/faultyfs")"
check "no udev database entry left" test -z "$(grep -lxF "E:NASBURNIN_TESTNAS=$STATE" /run/udev/data/b* 2>/dev/null)"
check "stop.sh again: harmless" "$HERE/stop.sh" "$STATE"

echo
echo "selfcheck: $PASS passed, $FAIL failed; start $START_SECS s, stop $STOP_SECS s ($DRIVES drives + faulty)"
[[ $FAIL == 0 ]]
