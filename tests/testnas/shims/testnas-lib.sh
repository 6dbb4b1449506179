# testnas-lib.sh: sourced by the sandbox's bash shims (guard, nvme, zpool).
# Installed as STATE_DIR/bin/testnas-lib.sh; the state dir is found from its location.

TESTNAS_BIN=$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")
TESTNAS_STATE=$(dirname -- "$TESTNAS_BIN")

# testnas_is_sandbox_dev PATH: true when PATH (after resolving symlinks and
# relative names) is a block device listed in STATE_DIR/devices AND a loop
# device whose backing file lives under STATE_DIR.  The second check is
# defence in depth: a stale list must never name a loop device that now
# belongs to somebody else.
testnas_is_sandbox_dev() {
	local r k bf
	r=$(readlink -f -- "$1" 2>/dev/null) || return 1
	[[ -n $r && -b $r ]] || return 1
	grep -qxF -- "$r" "$TESTNAS_STATE/devices" 2>/dev/null || return 1
	k=${r#/dev/}
	[[ $k =~ ^loop[0-9]+$ ]] || return 1
	bf=$(cat "/sys/block/$k/loop/backing_file" 2>/dev/null) || return 1
	[[ $bf == "$TESTNAS_STATE"/* ]]
}

# testnas_real_tool NAME: the real NAME from the system dirs, never our own bin dir.
testnas_real_tool() {
	local d
	for d in /usr/sbin /sbin /usr/bin /bin; do
		if [[ -x $d/$1 && $(readlink -f -- "$d") != "$TESTNAS_BIN" ]]; then
			printf '%s\n' "$d/$1"
			return 0
		fi
	done
	return 1
}

# testnas_drive_file KNAME FILE: print a per-drive state/meta file, empty if absent.
testnas_drive_file() {
	cat -- "$TESTNAS_STATE/drives/$1/$2" 2>/dev/null || true
}
