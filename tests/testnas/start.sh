#!/bin/bash
# start.sh: start a sandbox NAS (sshd on 127.0.0.1 + loop-device drives + shims).
#
#   start.sh STATE_DIR [--drives N] [--size-mib M] [--faulty] [--smart-delay-ms MS] [--pool-layouts] [--hold-power-on-hours]
#
# --hold-power-on-hours keeps every drive's power-on hours where they start (self-tests of one kind
# then end within one power-on hour, like on a real drive; see README.md).
# --size-mib sets the size of the extra free drives 9+ (default 64; benchmarks use bigger ones).
# --pool-layouts adds 11 partitioned drives (index 201-211) in two more imported pools, "fast" and "vault",
# named by partition, by-id and by-partuuid paths and GUIDs (see lib/pool_layouts.sh).
#
# STATE_DIR must not exist or be empty; everything the sandbox needs lives in it
# (see README.md).  On success it prints a summary and STATE_DIR/testnas.json
# describes the sandbox.  On any failure everything created so far is torn
# down again by stop.sh.  Stop with: stop.sh STATE_DIR
set -euo pipefail

HERE=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)

die() {
	echo "start.sh: $*" >&2
	exit 1
}
log() { printf 'start.sh: %s\n' "$*" >&2; }

usage() {
	echo "usage: start.sh STATE_DIR [--drives N] [--size-mib M] [--faulty] [--smart-delay-ms MS] [--pool-layouts] [--hold-power-on-hours]" >&2
	exit 2
}

# ------------------------------------------------------------------ arguments
[[ $# -ge 1 ]] || usage
STATE=$1
shift
DRIVES=8
EXTRA_MIB=64
FAULTY=0
POOL_LAYOUTS=0
SMART_DELAY_MS=0
HOLD_HOURS=0
while [[ $# -gt 0 ]]; do
	case $1 in
	--drives) DRIVES=${2:-}; shift 2 || usage ;;
	--drives=*) DRIVES=${1#*=}; shift ;;
	--size-mib) EXTRA_MIB=${2:-}; shift 2 || usage ;;
	--size-mib=*) EXTRA_MIB=${1#*=}; shift ;;
	--faulty) FAULTY=1; shift ;;
	--pool-layouts) POOL_LAYOUTS=1; shift ;;
	--hold-power-on-hours) HOLD_HOURS=1; shift ;;
	--smart-delay-ms) SMART_DELAY_MS=${2:-}; shift 2 || usage ;;
	--smart-delay-ms=*) SMART_DELAY_MS=${1#*=}; shift ;;
	-h | --help) usage ;;
	*) echo "start.sh: unknown argument: $1" >&2; usage ;;
	esac
done
[[ $DRIVES =~ ^[0-9]+$ ]] && ((DRIVES >= 8 && DRIVES <= 120)) || die "--drives must be a number from 8 to 120"
[[ $EXTRA_MIB =~ ^[0-9]+$ ]] && ((EXTRA_MIB >= 16 && EXTRA_MIB <= 16384)) || die "--size-mib must be a number from 16 to 16384"
[[ $SMART_DELAY_MS =~ ^[0-9]+$ ]] || die "--smart-delay-ms must be a number of milliseconds"
[[ $(id -u) == 0 ]] || die "must run as root (loop devices, mount, FUSE, sshd)"

# ------------------------------------------------------------------ tools
need() { # need COMMAND APT_PACKAGE
	command -v "$1" >/dev/null 2>&1 || die "missing $1 (apt-get install $2)"
}
need losetup util-linux
need mount util-linux
need lsblk util-linux
need blkdiscard util-linux
need mkfs.ext4 e2fsprogs
need ssh-keygen openssh-client
need ssh openssh-client
[[ -x /usr/sbin/sshd ]] || die "missing /usr/sbin/sshd (apt-get install openssh-server)"
[[ -x /usr/bin/python3 ]] || die "missing /usr/bin/python3 (apt-get install python3)"
if [[ $FAULTY == 1 ]]; then
	need gcc gcc
	need pkg-config pkg-config
	need fusermount3 fuse3
	pkg-config --exists fuse3 || die "missing fuse3 development files (apt-get install libfuse3-dev)"
	[[ -c /dev/fuse ]] || die "/dev/fuse is missing: FUSE is not available here"
fi
if [[ $POOL_LAYOUTS == 1 ]]; then
	need sfdisk fdisk
	need partx util-linux
	need blkid util-linux
fi
[[ -e /dev/loop-control ]] || die "/dev/loop-control is missing: loop devices are not available here"

# ------------------------------------------------------------------ state dir
if [[ -e $STATE ]]; then
	[[ -d $STATE ]] || die "$STATE exists and is not a directory"
	[[ -z $(ls -A -- "$STATE") ]] || die "$STATE is not empty (refusing to reuse it; stop.sh removes a sandbox)"
fi
mkdir -p -- "$STATE"
STATE=$(cd -- "$STATE" && pwd -P)
# sshd_config and SetEnv cannot quote: keep the path plain
[[ $STATE =~ ^/[A-Za-z0-9._/+-]+$ ]] || die "state dir path must be plain (letters, digits, . _ - + /): $STATE"
echo "NasBurnin sandbox NAS state dir, created $(date -u +%FT%TZ) by start.sh (pid $$); remove with stop.sh" >"$STATE/.testnas"

STARTED=0
on_exit() {
	local rc=$?
	if [[ $STARTED != 1 ]]; then
		echo "start.sh: failed (exit $rc), tearing down what was created" >&2
		"$HERE/stop.sh" "$STATE" >&2 || echo "start.sh: stop.sh failed too; check losetup -a, mount, pgrep sshd" >&2
	fi
	exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

T0=$(date +%s.%N)
mkdir -p "$STATE"/{bin,captures,disks,drives,mnt,ssh,work,build}
: >"$STATE/devices"
echo "$SMART_DELAY_MS" >"$STATE/smart_delay_ms"
if [[ $HOLD_HOURS == 1 ]]; then : >"$STATE/hold_power_on_hours"; fi

# ------------------------------------------------------------------ shims and wrappers
install -m 0755 "$HERE/shims/smartctl" "$HERE/shims/smartctl.py" "$HERE/shims/zpool" "$HERE/shims/nvme" "$HERE/shims/guard" \
	"$HERE/shims/lsblk" "$HERE/shims/testnas-udev" "$STATE/bin/"
install -m 0644 "$HERE/shims/testnas-lib.sh" "$STATE/bin/"
echo "$(uname -m)-linux-$(uname -r)" >"$STATE/platform"   # smartctl's platform_info, read by bin/smartctl
for t in badblocks wipefs dd mkfs mkfs.ext4 mke2fs blkdiscard shred; do
	ln -s guard "$STATE/bin/$t"
done
install -m 0644 "$HERE"/captures/*.json "$STATE/captures/"

# ------------------------------------------------------------------ drives
# layout_of INDEX -> "role transport template sizeMiB rotational poolRole"
layout_of() {
	case $1 in
	1) echo "Mounted Sata sata-hdd-wd.json 64 1 -" ;;
	2) echo "Stale Sata sata-hdd-seagate.json 64 1 -" ;;
	3) echo "PoolMember Sata sata-hdd-wd.json 64 1 member" ;;
	4) echo "PoolMember Sata sata-hdd-seagate.json 64 1 spare" ;;
	5) echo "Free Nvme nvme.json 64 0 -" ;;
	6) echo "Free Sata sata-ssd.json 64 0 -" ;;
	7) echo "Free Sata sata-hdd-wd.json 64 1 -" ;;
	8) echo "Free Sas sas-hdd.json 512 1 -" ;;
	*)
		if (($1 % 5 == 0)); then
			echo "Free Sata sata-ssd.json $EXTRA_MIB 0 -"
		elif (($1 % 2 == 0)); then
			echo "Free Sata sata-hdd-seagate.json $EXTRA_MIB 1 -"
		else
			echo "Free Sata sata-hdd-wd.json $EXTRA_MIB 1 -"
		fi
		;;
	esac
}

# attach FILE -> prints /dev/loopN; records it in STATE/devices at once so a
# failure right after still gets it detached by stop.sh
attach() {
	local dev
	dev=$(losetup -f --show -- "$1")
	echo "$dev" >>"$STATE/devices"
	echo "$dev"
}

printf 'index\tkname\tdevice\trole\ttransport\ttemplate\tsizeBytes\trotational\tmountpoint\tfstype\tpoolRole\tfaulty\tpoolName\tpoolState\n' >"$STATE/layout.tsv"
: >"$STATE/pool.conf"
for ((i = 1; i <= DRIVES; i++)); do
	read -r role transport template mib rota poolrole <<<"$(layout_of "$i")"
	img=$STATE/disks/d$i.img
	truncate -s "${mib}M" "$img"
	dev=$(attach "$img")
	k=${dev#/dev/}
	# loop devices report ROTA=1; tell the kernel the SSD/NVMe ones are not rotational
	echo "$rota" >"/sys/block/$k/queue/rotational" 2>/dev/null || true
	mp= fstype=
	case $i in
	1)
		mkfs.ext4 -q -L nbt-d1 "$dev"
		mkdir -p "$STATE/mnt/d1"
		mount "$dev" "$STATE/mnt/d1"
		echo "data on the mounted sandbox drive" >"$STATE/mnt/d1/hello.txt"
		mp=$STATE/mnt/d1 fstype=ext4
		;;
	2)
		mkfs.ext4 -q -L nbt-old "$dev"
		fstype=ext4
		;;
	3 | 4)
		/usr/bin/python3 "$HERE/lib/zfs_label.py" "$dev" "$poolrole" tank 15181340591116328711 $((7700000000000000000 + i))
		echo "$poolrole $dev" >>"$STATE/pool.conf"
		fstype=zfs_member
		;;
	esac
	poolname= poolstate=
	case $poolrole in
	member) poolname=tank poolstate=ONLINE ;;
	spare) poolname=tank poolstate=AVAIL ;;
	-) poolrole= ;;
	esac
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t0\t%s\t%s\n' "$i" "$k" "$dev" "$role" "$transport" "$template" \
		$((mib * 1048576)) "$rota" "$mp" "$fstype" "$poolrole" "$poolname" "$poolstate" >>"$STATE/layout.tsv"
done

if [[ $FAULTY == 1 ]]; then
	# one more drive: a loop device over a FUSE file that fails reads of 8 KiB at 32 MiB
	gcc -O2 -Wall -o "$STATE/build/faultyfs" "$HERE/faultyfs/faultyfs.c" $(pkg-config --cflags --libs fuse3)
	truncate -s 64M "$STATE/disks/faulty-backing.img"
	mkdir -p "$STATE/fuse/mnt"
	# setsid: its own session, so signals meant for start.sh's caller do not reach it
	setsid "$STATE/build/faultyfs" "$STATE/fuse/mnt" -f -o max_threads=8 \
		--backing="$STATE/disks/faulty-backing.img" --bad-offset=$((32 * 1048576)) --bad-length=8192 \
		</dev/null >>"$STATE/fuse/faultyfs.log" 2>&1 &
	echo $! >"$STATE/fuse/faultyfs.pid"
	for _ in $(seq 50); do
		[[ -f $STATE/fuse/mnt/disk.img ]] && break
		sleep 0.1
	done
	[[ -f $STATE/fuse/mnt/disk.img ]] || die "faultyfs did not come up: $(cat "$STATE/fuse/faultyfs.log")"
	dev=$(attach "$STATE/fuse/mnt/disk.img")
	k=${dev#/dev/}
	echo 1 >"/sys/block/$k/queue/rotational" 2>/dev/null || true # a FUSE-backed loop says non-rotational
	i=$((DRIVES + 1))
	printf '%s\t%s\t%s\tFree\tSata\tsata-hdd-seagate.json\t%s\t1\t\t\t\t1\t\t\n' "$i" "$k" "$dev" $((64 * 1048576)) >>"$STATE/layout.tsv"
fi

if [[ $POOL_LAYOUTS == 1 ]]; then
	. "$HERE/lib/pool_layouts.sh"
	pool_layouts
fi

# ------------------------------------------------------------------ sshd
ssh-keygen -q -t ed25519 -N '' -C testnas-host -f "$STATE/ssh/ssh_host_ed25519_key"
ssh-keygen -q -t ed25519 -N '' -C testnas-client -f "$STATE/ssh/id_ed25519"
cp "$STATE/ssh/id_ed25519.pub" "$STATE/ssh/authorized_keys"
FINGERPRINT=$(ssh-keygen -lf "$STATE/ssh/ssh_host_ed25519_key.pub" | awk '{print $2}')
mkdir -p /run/sshd
chmod 0755 /run/sshd

write_sshd_config() { # PORT
	cat >"$STATE/ssh/sshd_config" <<EOF
# sandbox NAS sshd (written by tests/testnas/start.sh)
Port $1
ListenAddress 127.0.0.1
AddressFamily inet
HostKey $STATE/ssh/ssh_host_ed25519_key
PidFile $STATE/ssh/sshd.pid
AuthorizedKeysFile $STATE/ssh/authorized_keys
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
StrictModes no
UsePAM no
PrintMotd no
PrintLastLog no
X11Forwarding no
PermitUserEnvironment no
# the shims and wrappers shadow the real tools in every session
SetEnv PATH=$STATE/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin NASBURNIN_TESTNAS=$STATE
# tests open many sessions at once
MaxStartups 100:30:200
MaxSessions 64
ClientAliveInterval 15
LogLevel VERBOSE
Subsystem sftp /usr/lib/openssh/sftp-server
EOF
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

PORT=
for _ in $(seq 20); do
	p=$((20000 + RANDOM % 40000))
	port_in_use "$p" && continue
	write_sshd_config "$p"
	/usr/sbin/sshd -t -f "$STATE/ssh/sshd_config"
	# sshd binds before it daemonizes: a port taken meanwhile makes it exit non-zero
	if /usr/sbin/sshd -f "$STATE/ssh/sshd_config" -E "$STATE/ssh/sshd.log"; then
		PORT=$p
		break
	fi
done
[[ -n $PORT ]] || die "could not start sshd on a free port (see $STATE/ssh/sshd.log)"
for _ in $(seq 100); do
	if banner=$(timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT && head -c 7 <&3" 2>/dev/null) && [[ $banner == SSH-2.0 ]]; then
		break
	fi
	sleep 0.05
done
[[ ${banner:-} == SSH-2.0 ]] || die "sshd does not answer on port $PORT (see $STATE/ssh/sshd.log)"
printf '[127.0.0.1]:%s %s\n' "$PORT" "$(cut -d' ' -f1,2 "$STATE/ssh/ssh_host_ed25519_key.pub")" >"$STATE/ssh/known_hosts"

# ------------------------------------------------------------------ description files
/usr/bin/python3 "$HERE/lib/genmeta.py" "$STATE" "$PORT" "$FINGERPRINT"
# lsblk takes FSTYPE/SERIAL/WWN... from the udev database: fill it in for our drives
"$STATE/bin/testnas-udev" refresh

# end to end: a real login, the shims first on PATH, smartctl answering for drive 1
first=$(sed -n 1p "$STATE/devices")
check=$(ssh -i "$STATE/ssh/id_ed25519" -p "$PORT" -o UserKnownHostsFile="$STATE/ssh/known_hosts" \
	-o StrictHostKeyChecking=yes -o BatchMode=yes -o ConnectTimeout=10 root@127.0.0.1 \
	"command -v smartctl; smartctl -j -i $first | grep -c NBT0001" 2>&1) || die "ssh check failed: $check"
[[ $check == "$STATE/bin/smartctl"$'\n'1 ]] || die "ssh check: unexpected answer: $check"

STARTED=1
T1=$(date +%s.%N)
cat <<EOF
sandbox NAS up in $(awk -v a="$T0" -v b="$T1" 'BEGIN{printf "%.1f", b-a}') s: $(wc -l <"$STATE/devices") drives, sshd on 127.0.0.1:$PORT
  description: $STATE/testnas.json   (shell: . $STATE/env)
  connect:     ssh -i $STATE/ssh/id_ed25519 -p $PORT -o UserKnownHostsFile=$STATE/ssh/known_hosts root@127.0.0.1
  stop:        $HERE/stop.sh $STATE
EOF
