#!/bin/bash
# stop.sh: tear a sandbox NAS down completely and remove its state dir.
#
#   stop.sh STATE_DIR
#
# Safe to run twice, and after a start.sh that failed half-way.  It only
# touches what belongs to this sandbox: it refuses a directory without the
# .testnas marker that start.sh writes, and detaches only loop devices whose
# backing file lives under STATE_DIR.  Order matters:
#   1. sshd (no new sessions)
#   2. every process that runs with NASBURNIN_TESTNAS=STATE_DIR (all SSH
#      sessions and what they started: runners under STATE_DIR/work) or whose
#      cwd or command line is under STATE_DIR, by process group
#   3. mounts under STATE_DIR except the FUSE one
#   4. loop devices (the one over the FUSE file must go before FUSE unmounts)
#   5. the FUSE mount, then the faultyfs process
#   6. the state dir itself (rm --one-file-system, never through a mount)
set -uo pipefail

warn() { echo "stop.sh: $*" >&2; }

[[ $# -eq 1 ]] || { echo "usage: stop.sh STATE_DIR" >&2; exit 2; }
if [[ ! -e $1 ]]; then
	echo "stop.sh: $1 does not exist: nothing to stop"
	exit 0
fi
STATE=$(cd -- "$1" && pwd -P) || exit 1
if [[ ! -f $STATE/.testnas ]]; then
	warn "$STATE has no .testnas marker: not a sandbox state dir, refusing to touch it"
	exit 1
fi
[[ $STATE != / && $STATE == /*/* ]] || { warn "refusing state dir $STATE"; exit 1; }
[[ $(id -u) == 0 ]] || { warn "must run as root"; exit 1; }
rc=0

# ours_pids: processes of the sandbox: environment NASBURNIN_TESTNAS=STATE (every SSH
# session and what it started), cwd under STATE, or STATE/ in the command line.
# One grep/find over all of /proc each, not a loop of processes per pid.
ours_pids() {
	{
		grep -lzxF -- "NASBURNIN_TESTNAS=$STATE" /proc/[0-9]*/environ
		grep -lzF -- "$STATE/" /proc/[0-9]*/cmdline
		find /proc/[0-9]*/cwd -maxdepth 0 \( -lname "$STATE" -o -lname "$STATE/*" \)
	} 2>/dev/null | awk -F/ '{print $3}' | sort -un
}

# running PID: alive and not a zombie (this machine's init reaps slowly; kill -0 succeeds on a zombie)
running() {
	local st
	st=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
	[[ -n $st && $st != Z ]]
}

# pids never to signal: this script and its ancestors (the caller may be a
# test harness whose command line names the state dir), and their groups
declare -A SPARE_PID=() SPARE_PGID=()
p=$$
while [[ $p -gt 1 ]]; do
	SPARE_PID[$p]=1
	SPARE_PGID[$(ps -o pgid= -p "$p" 2>/dev/null | tr -d ' ')]=1
	p=$(ps -o ppid= -p "$p" 2>/dev/null | tr -d ' ')
	[[ -n $p ]] || break
done
FAULTYFS_PID=$(cat "$STATE/fuse/faultyfs.pid" 2>/dev/null || true)

# ------------------------------------------------------------------ 1. sshd
pid=$(cat "$STATE/ssh/sshd.pid" 2>/dev/null || true)
if [[ -n $pid ]] && { tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF "$STATE/ssh/sshd_config"; } 2>/dev/null; then
	kill -TERM "$pid" 2>/dev/null
	for _ in $(seq 30); do running "$pid" || break; sleep 0.1; done
	kill -KILL "$pid" 2>/dev/null
fi
# fallback: a listener whose pid file was lost
pkill -TERM -f -- "sshd -f $STATE/ssh/sshd_config" 2>/dev/null

# ------------------------------------------------------------------ 2. sandbox processes
sweep() { # SIGNAL: signal every sandbox process group once; prints how many processes were found
	local sig=$1 n=0 p pg
	declare -A done_pg=()
	for p in $(ours_pids); do
		[[ -n ${SPARE_PID[$p]:-} || $p == "$FAULTYFS_PID" || $p == "$BASHPID" ]] && continue
		[[ -d /proc/$p ]] || continue # a grep/find of ours_pids itself, gone already
		n=$((n + 1))
		pg=$(ps -o pgid= -p "$p" 2>/dev/null | tr -d ' ')
		if [[ -n $pg && -z ${SPARE_PGID[$pg]:-} && $pg != "$FAULTYFS_PID" ]]; then
			[[ -n ${done_pg[$pg]:-} ]] && continue
			done_pg[$pg]=1
			kill "-$sig" -- "-$pg" 2>/dev/null
		else
			kill "-$sig" "$p" 2>/dev/null
		fi
	done
	echo "$n"
}
if [[ $(sweep TERM) -gt 0 ]]; then
	for _ in $(seq 30); do
		sleep 0.1
		[[ $(sweep 0) == 0 ]] && break
	done
	[[ $(sweep 0) != 0 ]] && sweep KILL >/dev/null && sleep 0.3
fi

# ------------------------------------------------------------------ 3. mounts
# mount points under STATE, deepest first (mountinfo field 5, octal escapes decoded)
mounts_under() {
	awk -v s="$STATE" '{ m = $5; gsub(/\\040/, " ", m); gsub(/\\011/, "\t", m); gsub(/\\012/, "\n", m); gsub(/\\134/, "\\", m)
		split($0, parts, " - "); split(parts[2], f, " ")
		if (m == s || index(m, s "/") == 1) print length(m) "\t" f[1] "\t" m }' /proc/self/mountinfo |
		sort -rn | cut -f2-
}
while IFS=$'\t' read -r fstype mp; do
	[[ -n $mp ]] || continue
	[[ $fstype == fuse* ]] && continue
	umount -- "$mp" 2>/dev/null || { warn "umount $mp busy, detaching lazily"; umount -l -- "$mp" || rc=1; }
done < <(mounts_under)

# ------------------------------------------------------------------ 4. loop devices
# our entries in the emulated udev database (see shims/testnas-udev)
for f in /run/udev/data/b*; do
	[[ -f $f ]] && grep -qxF "E:NASBURNIN_TESTNAS=$STATE" "$f" 2>/dev/null && rm -f -- "$f"
done
rmdir /run/udev/data /run/udev 2>/dev/null # only when empty: never with a real udevd or another sandbox

detach_ours() { # LOOPDEV: only when its backing file lives under STATE
	local dev=$1 k bf
	k=${dev#/dev/}
	bf=$(cat "/sys/block/$k/loop/backing_file" 2>/dev/null) || return 0
	if [[ $bf != "$STATE"/* ]]; then
		warn "not detaching $dev: its backing file $bf is not under $STATE"
		return 0
	fi
	losetup -d "$dev" 2>/dev/null || { warn "losetup -d $dev failed"; rc=1; }
}
loops_backed_here() {
	local f
	for f in /sys/block/loop*/loop/backing_file; do
		[[ -r $f ]] || continue
		[[ $(cat "$f" 2>/dev/null) == "$STATE"/* ]] && echo "/dev/$(basename "$(dirname "$(dirname "$f")")")"
	done
	# and what losetup -j finds for the image files (covers a sysfs without backing_file)
	for f in "$STATE"/disks/*.img "$STATE"/fuse/mnt/disk.img; do
		[[ -e $f ]] && losetup -j "$f" -O NAME -n 2>/dev/null
	done
}
mapfile -t listed < <(cat "$STATE/devices" 2>/dev/null)
mapfile -t found < <(loops_backed_here)
for dev in $(printf '%s\n' "${listed[@]+"${listed[@]}"}" "${found[@]+"${found[@]}"}" | awk 'NF && !seen[$0]++'); do
	detach_ours "$dev"
done
# a detach is deferred while something still holds the device: wait for it
for _ in $(seq 50); do
	[[ -z $(loops_backed_here) ]] && break
	sleep 0.1
done
if [[ -n $(loops_backed_here) ]]; then
	warn "loop devices still attached: $(loops_backed_here | tr '\n' ' ')"
	rc=1
fi

# ------------------------------------------------------------------ 5. FUSE
while IFS=$'\t' read -r fstype mp; do
	[[ -n $mp ]] || continue
	fusermount3 -u -- "$mp" 2>/dev/null || umount -- "$mp" 2>/dev/null || { warn "FUSE $mp busy, detaching lazily"; umount -l -- "$mp" || rc=1; }
done < <(mounts_under)
if [[ -n $FAULTYFS_PID ]] && { tr '\0' ' ' <"/proc/$FAULTYFS_PID/cmdline" | grep -qF "$STATE/"; } 2>/dev/null; then
	for _ in $(seq 30); do running "$FAULTYFS_PID" || break; sleep 0.1; done
	if running "$FAULTYFS_PID"; then
		kill -TERM "$FAULTYFS_PID" 2>/dev/null && sleep 0.3
		kill -KILL "$FAULTYFS_PID" 2>/dev/null
	fi
fi
# anything else (a second sweep catches what a lazily detached mount kept alive)
sweep KILL >/dev/null

# ------------------------------------------------------------------ 6. the state dir
if [[ -n $(mounts_under) ]]; then
	warn "still mounted under $STATE, not removing it: $(mounts_under | cut -f2 | tr '\n' ' ')"
	exit 1
fi
if [[ $rc != 0 ]]; then
	warn "some steps failed; keeping $STATE for inspection (run stop.sh again)"
	exit 1
fi
rm -rf --one-file-system -- "$STATE" || { warn "could not remove $STATE"; exit 1; }
echo "stop.sh: sandbox $STATE stopped and removed"
