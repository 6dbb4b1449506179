# pool_layouts.sh: sourced by start.sh for --pool-layouts (uses its STATE, HERE, attach, die, log).
#
# Adds 11 sparse drives of 160 MiB (index 201-211, serials NBT0201...), each with a GPT of two partitions
# (p1 1-73 MiB, p2 the rest: libblkid sees a ZFS label only on a device of 64 MiB or more), and two imported pools the zpool shim shows (STATE/pools.d/*.pool):
#
#   fast   ONLINE    on partitions by kernel name: mirror-0 of 201p1 and 202p1, special 203p1,
#                    logs 204p1, cache 205p1
#   vault  DEGRADED  on links in STATE/dev/disk (the sandbox never touches the real /dev/disk):
#     mirror-0  spare-0: 206 by GUID, FAULTED, "was STATE/dev/disk/by-partuuid/<206p1>"
#                        208 by-id (the hot spare in use)
#               207 by-id
#     mirror-1  209 by-partuuid
#               210 by GUID, UNAVAIL, "was /dev/disk/by-id/ata-TESTNAS_OLDNAME_0210-part1": a name that
#               matches nothing here; 210p1 carries vault's ZFS label, which is how the disk is known
#     mirror-2  211 by-id, REMOVED; 201p2 by-id (so 201 is in both pools)
#     spares    208 by-id, INUSE
#
# With -L the shim resolves the links to /dev/loopNp1 like zpool; STATE/zpool_no_L keeps the link paths.
# Partitions of loop devices: losetup -P, then partx where the kernel did not scan the table itself.

FAST_GUID=3690563722946571801
VAULT_GUID=12105412298130402441

# layout drive facts: INDEX TEMPLATE ROTA POOLROLE POOL POOLSTATE
pool_layout_drives() {
	cat <<'EOF'
201 sata-hdd-wd.json 1 member fast ONLINE
202 sata-hdd-seagate.json 1 member fast ONLINE
203 sata-ssd.json 0 special fast ONLINE
204 sata-ssd.json 0 log fast ONLINE
205 sata-ssd.json 0 cache fast ONLINE
206 sata-hdd-wd.json 1 faulted vault FAULTED
207 sata-hdd-seagate.json 1 member vault ONLINE
208 sata-hdd-wd.json 1 spare vault INUSE
209 sata-hdd-seagate.json 1 member vault ONLINE
210 sata-hdd-wd.json 1 faulted vault UNAVAIL
211 sata-hdd-seagate.json 1 member vault REMOVED
EOF
}

# partitioned_drive INDEX: a 32 MiB image with two GPT partitions, attached; prints the loop device
partitioned_drive() {
	local img=$STATE/disks/d$1.img dev k
	truncate -s 160M "$img"
	printf 'label: gpt\nsize=72MiB, name=zfs-nbt%04d-1\nname=zfs-nbt%04d-2\n' "$1" "$1" | sfdisk -q "$img" >/dev/null
	dev=$(losetup -f --show -P -- "$img")
	echo "$dev" >>"$STATE/devices"
	k=${dev#/dev/}
	[[ -e /sys/block/$k/${k}p2 ]] || partx -a "$dev" >/dev/null 2>&1 || true
	for _ in $(seq 50); do
		[[ -b ${dev}p1 && -b ${dev}p2 ]] && break
		sleep 0.1
	done
	[[ -b ${dev}p1 && -b ${dev}p2 ]] || die "partitions of $dev did not appear"
	echo "$dev"
}

pool_layouts() {
	local -A dev=() uuid=()
	local i template rota role pool state d
	local byid=$STATE/dev/disk/by-id bypu=$STATE/dev/disk/by-partuuid
	mkdir -p "$STATE/pools.d" "$byid" "$bypu"
	while read -r i template rota role pool state; do
		d=$(partitioned_drive "$i")
		echo "$rota" >"/sys/block/${d#/dev/}/queue/rotational" 2>/dev/null || true
		dev[$i]=$d
		uuid[$i]=$(blkid -p -s PART_ENTRY_UUID -o value "${d}p1")
		[[ -n ${uuid[$i]} ]] || die "no PARTUUID on ${d}p1"
		ln -s "${d}p1" "$byid/ata-TESTNAS_NBT0${i}-part1"
		ln -s "${d}p2" "$byid/ata-TESTNAS_NBT0${i}-part2"
		ln -s "${d}p1" "$bypu/${uuid[$i]}"
		printf '%s\t%s\t%s\tPoolMember\tSata\t%s\t%s\t%s\t\t\t%s\t0\t%s\t%s\n' "$i" "${d#/dev/}" "$d" "$template" \
			$((160 * 1048576)) "$rota" "$role" "$pool" "$state" >>"$STATE/layout.tsv"
	done < <(pool_layout_drives)
	# 210's partition carries vault's label: the only way to know the disk zpool lists by an old name
	/usr/bin/python3 "$HERE/lib/zfs_label.py" "${dev[210]}p1" member vault "$VAULT_GUID" 7700000000000000210

	{
		printf 'pool\tfast\tONLINE\t%s\n' "$FAST_GUID"
		printf 'row\t1\tmirror-0\tONLINE\n'
		printf 'row\t2\t%s\tONLINE\n' "${dev[201]}p1" "${dev[202]}p1"
		printf 'section\tspecial\nrow\t1\t%s\tONLINE\n' "${dev[203]}p1"
		printf 'section\tlogs\nrow\t1\t%s\tONLINE\n' "${dev[204]}p1"
		printf 'section\tcache\nrow\t1\t%s\tONLINE\n' "${dev[205]}p1"
	} >"$STATE/pools.d/10-fast.pool"
	{
		printf 'pool\tvault\tDEGRADED\t%s\n' "$VAULT_GUID"
		printf 'row\t1\tmirror-0\tDEGRADED\n'
		printf 'row\t2\tspare-0\tDEGRADED\n'
		printf 'row\t3\t7700000000000000206\tFAULTED\twas %s\n' "$bypu/${uuid[206]}"
		printf 'row\t3\t%s\tONLINE\n' "$byid/ata-TESTNAS_NBT0208-part1"
		printf 'row\t2\t%s\tONLINE\n' "$byid/ata-TESTNAS_NBT0207-part1"
		printf 'row\t1\tmirror-1\tDEGRADED\n'
		printf 'row\t2\t%s\tONLINE\n' "$bypu/${uuid[209]}"
		printf 'row\t2\t7700000000000000210\tUNAVAIL\twas /dev/disk/by-id/ata-TESTNAS_OLDNAME_0210-part1\n'
		printf 'row\t1\tmirror-2\tDEGRADED\n'
		printf 'row\t2\t%s\tREMOVED\n' "$byid/ata-TESTNAS_NBT0211-part1"
		printf 'row\t2\t%s\tONLINE\n' "$byid/ata-TESTNAS_NBT0201-part2"
		printf 'section\tspares\n'
		printf 'row\t1\t%s\tINUSE\tcurrently in use\n' "$byid/ata-TESTNAS_NBT0208-part1"
	} >"$STATE/pools.d/20-vault.pool"
	log "pool layouts: fast and vault on ${#dev[@]} partitioned drives"
}
