using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using NasBurnin.Engine.Common;
using NasBurnin.Engine.Remote;

namespace NasBurnin.Engine.Inventory;

/// <summary>What the inventory script collects and how.</summary>
public sealed record InventoryScriptOptions
{
    public InventoryTools Tools { get; init; } = InventoryTools.Default;

    /// <summary>
    /// Treat loop devices as drives. Off on real hosts: a loop device is a file on some other disk (snap
    /// packages, images), never a drive to burn in. The sandbox NAS turns it on, because its drives are loop devices.
    /// </summary>
    public bool IncludeLoop { get; init; }

    /// <summary>Per-drive limit for smartctl (a hung USB bridge must not hold the whole inventory); 0 = none.</summary>
    public int SmartctlTimeoutSeconds { get; init; } = 120;

    /// <summary>How many smartctl processes run at once on the host.</summary>
    public int MaxParallelSmartctl { get; init; } = 16;

    /// <summary>
    /// Read every disk, also those in standby or sleep, which spins them up (Get-BurninDrive -WakeDrives). Off:
    /// spinning disks are read with <c>smartctl -n standby</c> and a sleeping one is left asleep; SSDs and NVMe
    /// drives (lsblk ROTA 0, nvme*) are read as always.
    /// </summary>
    public bool WakeDrives { get; init; }

    /// <summary>With <see cref="WakeDrives"/>: only these disks (kernel names) are woken; null wakes every one.</summary>
    public IReadOnlyCollection<string>? WakeOnly { get; init; }

    /// <summary>smartctl device types from earlier inventories, given as <c>-d</c> where the disk still has that serial.</summary>
    public IReadOnlyList<KnownDeviceType> DeviceTypes { get; init; } = Array.Empty<KnownDeviceType>();
}

/// <summary>The smartctl device type a disk answered with before, and the serial lsblk must show for it to be used again.</summary>
public sealed record KnownDeviceType(string KernelName, string Serial, string Type);

/// <summary>Which smartctl device types are given back as <c>-d</c>.</summary>
public static class SmartDeviceTypes
{
    private static readonly Regex Type = new(@"^[a-z0-9][a-z0-9,+_-]{0,39}\z", RegexOptions.CultureInvariant);
    // lsblk -r prints these as they are; anything else it escapes (\x20), and then the serials would not compare.
    private static readonly Regex PlainSerial = new(@"^[A-Za-z0-9._:+-]{1,80}\z", RegexOptions.CultureInvariant);

    /// <summary>A type smartctl printed (device.type) that may go back on its command line; null otherwise.</summary>
    public static string? Usable(string? type) => type is not null && Type.IsMatch(type) ? type : null;

    /// <summary>Whether a known type can be checked against lsblk's serial on the host and used.</summary>
    public static bool CanUse(KnownDeviceType t) =>
        RemoteNames.IsDevicePath("/dev/" + t.KernelName) && !t.KernelName.Contains('/', StringComparison.Ordinal) &&
        PlainSerial.IsMatch(t.Serial) && Usable(t.Type) is not null;
}

/// <summary>
/// Builds the one POSIX sh script (dash-compatible, read-only) that inventories a host in one round trip.
/// It prints sections that <see cref="InventoryOutput.Parse"/> splits:
/// <c>meta</c>, <c>lsblk</c>, <c>findmnt</c>, <c>mounts</c>, <c>swaps</c>, <c>links</c> (/dev/disk/by-* and /dev/gptid),
/// <c>zpool</c>, <c>zpoolguid</c> (pool GUIDs), <c>devnames</c> (sysfs partition parents, what zpool's paths resolve
/// to) and one <c>smartctl /dev/KNAME</c> per whole disk (spinning disks with <c>-n standby</c>, so a sleeping one
/// stays asleep; with the <c>-d</c> type it answered with before), each as
/// <c>===NASBURNIN:BEGIN name===</c> stdout <c>===NASBURNIN:STDERR name===</c> stderr <c>===NASBURNIN:END name rc=N===</c>,
/// then <c>===NASBURNIN:DONE===</c>. A missing tool gives its section rc=127.
/// </summary>
public static class InventoryScript
{
    /// <summary>lsblk columns for util-linux versions where <c>-O</c> fails; PATH and MOUNTPOINTS need 2.33 / 2.37.</summary>
    internal const string BaseColumns = "NAME,KNAME,TYPE,SIZE,ROTA,TRAN,SERIAL,WWN,MODEL,VENDOR,REV,FSTYPE,LABEL,UUID,PARTTYPE,PARTUUID,PARTLABEL,PTTYPE,PKNAME,RM,RO,MAJ:MIN";

    public static string Build(InventoryScriptOptions? options = null)
    {
        options ??= new InventoryScriptOptions();
        var tools = options.Tools ?? InventoryTools.Default;
        tools.Validate();
        if (options.SmartctlTimeoutSeconds is < 0 or > 86400)
            throw new BurninException("InvalidInventoryOption", ErrorKind.InvalidArgument,
                $"SmartctlTimeoutSeconds {options.SmartctlTimeoutSeconds} is out of range; give 0 (no limit) to 86400.");
        if (options.MaxParallelSmartctl is < 1 or > 256)
            throw new BurninException("InvalidInventoryOption", ErrorKind.InvalidArgument,
                $"MaxParallelSmartctl {options.MaxParallelSmartctl} is out of range; give 1 to 256.");

        var sb = new StringBuilder();
        sb.Append("# NasBurnin inventory (read-only): delimited sections with exit codes.\n");
        sb.Append("umask 077\nLC_ALL=C\nexport LC_ALL\n");
        sb.Append("PATH=\"${PATH:-/usr/bin:/bin}:/usr/local/sbin:/usr/sbin:/sbin\"\nexport PATH\n");
        sb.Append("nb_lsblk=").Append(PosixShell.Quote(tools.Lsblk)).Append('\n');
        sb.Append("nb_findmnt=").Append(PosixShell.Quote(tools.Findmnt)).Append('\n');
        sb.Append("nb_zpool=").Append(PosixShell.Quote(tools.Zpool)).Append('\n');
        sb.Append("nb_smartctl=").Append(PosixShell.Quote(tools.Smartctl)).Append('\n');
        sb.Append("nb_loop=").Append(options.IncludeLoop ? '1' : '0').Append('\n');
        sb.Append("nb_tmo=").Append(options.SmartctlTimeoutSeconds.ToString(CultureInfo.InvariantCulture)).Append('\n');
        sb.Append("nb_par=").Append(options.MaxParallelSmartctl.ToString(CultureInfo.InvariantCulture)).Append('\n');
        sb.Append("nb_cols=").Append(PosixShell.Quote(BaseColumns)).Append('\n');
        sb.Append("nb_wake=").Append(options.WakeDrives ? '1' : '0').Append('\n');
        AppendDeviceTypes(sb, options.DeviceTypes);
        AppendWaking(sb, options.WakeOnly);
        sb.Append(Body);
        return sb.ToString();
    }

    /// <summary>
    /// nb_dtype KNAME SERIAL sets nb_dt to the type the disk answered with before, when lsblk still shows that serial
    /// for it (device names move when disks are swapped; a wrong -d type reads a disk wrongly or not at all).
    /// </summary>
    private static void AppendDeviceTypes(StringBuilder sb, IReadOnlyList<KnownDeviceType>? types)
    {
        sb.Append("nb_dtype() {\n\tnb_dt=\n\tcase \"$1 $2\" in\n");
        foreach (var t in (types ?? Array.Empty<KnownDeviceType>()).Where(SmartDeviceTypes.CanUse).DistinctBy(t => t.KernelName))
            sb.Append('\t').Append(PosixShell.Quote(t.KernelName + " " + t.Serial)).Append(") nb_dt=").Append(PosixShell.Quote(t.Type)).Append(" ;;\n");
        sb.Append("\tesac\n}\n");
    }

    /// <summary>nb_waking KNAME: true when this disk may be woken (every disk, or the ones WakeOnly names).</summary>
    private static void AppendWaking(StringBuilder sb, IReadOnlyCollection<string>? only)
    {
        if (only is null)
        {
            sb.Append("nb_waking() { return 0; }\n");
            return;
        }
        var names = only.Where(k => RemoteNames.IsDevicePath("/dev/" + k) && !k.Contains('/', StringComparison.Ordinal)).Distinct(StringComparer.Ordinal).ToList();
        sb.Append("nb_waking() {\n");
        if (names.Count > 0) sb.Append("\tcase $1 in ").Append(string.Join('|', names.Select(PosixShell.Quote))).Append(") return 0 ;; esac\n");
        sb.Append("\treturn 1\n}\n");
    }

    // The fixed part. Whole-disk selection mirrors DriveClassifier.IsCandidateDisk: TYPE disk (loop only with
    // nb_loop=1), a kernel name of [a-z0-9-], not zram/ram/nbd/eMMC boot or RPMB areas, size above 0
    // (empty card readers). The C# side validates every name it reads back anyway.
    private const string Body = """
        nb_have() {
        	case $1 in
        	/*) [ -f "$1" ] && [ -x "$1" ] ;;
        	*) command -v "$1" >/dev/null 2>&1 ;;
        	esac
        }
        nb_t=$(mktemp -d 2>/dev/null) || nb_t=
        if [ -z "$nb_t" ]; then
        	for nb_d in "${TMPDIR:-/tmp}" /var/tmp /dev/shm; do
        		if mkdir "$nb_d/nasburnin-inv.$$" 2>/dev/null; then
        			nb_t=$nb_d/nasburnin-inv.$$
        			break
        		fi
        	done
        fi
        if [ -z "$nb_t" ]; then
        	printf '===NASBURNIN:BEGIN meta===\nerror=no temporary folder could be created on the host\n===NASBURNIN:STDERR meta===\n\n===NASBURNIN:END meta rc=1===\n===NASBURNIN:DONE===\n'
        	exit 0
        fi
        trap 'rm -rf "$nb_t"' EXIT
        trap 'exit 130' HUP INT TERM
        # nb_put NAME RC OUT ERR: one section from captured files
        nb_put() {
        	printf '===NASBURNIN:BEGIN %s===\n' "$1"
        	cat "$3" 2>/dev/null
        	printf '\n===NASBURNIN:STDERR %s===\n' "$1"
        	cat "$4" 2>/dev/null
        	printf '\n===NASBURNIN:END %s rc=%s===\n' "$1" "$2"
        }
        # nb_cap NAME CMD...: run CMD and print its section; rc 127 when CMD is missing
        nb_cap() {
        	nb_n=$1
        	shift
        	if nb_have "$1"; then
        		"$@" >"$nb_t/o" 2>"$nb_t/e" </dev/null
        		nb_rc=$?
        	else
        		: >"$nb_t/o"
        		printf '%s: command not found\n' "$1" >"$nb_t/e"
        		nb_rc=127
        	fi
        	nb_put "$nb_n" "$nb_rc" "$nb_t/o" "$nb_t/e"
        }
        {
        	printf 'format=1\nuid=%s\nkernel=%s\n' "$(id -u 2>/dev/null)" "$(uname -sr 2>/dev/null)"
        	nb_have "$nb_smartctl" && printf 'smartctl=%s\n' "$("$nb_smartctl" -V 2>/dev/null </dev/null | head -n 1)"
        	nb_have "$nb_lsblk" && printf 'lsblk=%s\n' "$("$nb_lsblk" --version 2>/dev/null </dev/null | head -n 1)"
        } >"$nb_t/o" 2>"$nb_t/e"
        nb_put meta 0 "$nb_t/o" "$nb_t/e"
        if nb_have "$nb_lsblk"; then
        	"$nb_lsblk" -J -O -b >"$nb_t/o" 2>"$nb_t/e" </dev/null ||
        		"$nb_lsblk" -J -b -o "$nb_cols,PATH,MOUNTPOINTS" >"$nb_t/o" 2>>"$nb_t/e" </dev/null ||
        		"$nb_lsblk" -J -b -o "$nb_cols,MOUNTPOINT" >"$nb_t/o" 2>>"$nb_t/e" </dev/null
        	nb_rc=$?
        	nb_put lsblk "$nb_rc" "$nb_t/o" "$nb_t/e"
        	# ROTA: SSDs and NVMe drives never spin up, so they are read without -n. SERIAL (raw: escaped, one
        	# word): whether a -d type known from the last inventory still belongs to this name.
        	"$nb_lsblk" -d -n -r -b -o KNAME,TYPE,SIZE,ROTA,SERIAL >"$nb_t/disks" 2>/dev/null </dev/null ||
        		"$nb_lsblk" -d -n -b -o KNAME,TYPE,SIZE >"$nb_t/disks" 2>/dev/null </dev/null
        else
        	nb_cap lsblk "$nb_lsblk"
        	: >"$nb_t/disks"
        fi
        nb_cap findmnt "$nb_findmnt" -J -l -o TARGET,SOURCE,FSTYPE,MAJ:MIN
        nb_cap mounts cat /proc/self/mounts
        nb_cap swaps cat /proc/swaps
        # nb_links DIR: "KIND/NAME<tab>TARGET" per link in DIR, KIND being DIR's last part. One find per folder
        # where find has -printf (GNU); one readlink per link otherwise (BusyBox).
        nb_links() {
        	[ -d "$1" ] || return 0
        	nb_k=${1##*/}
        	find "$1" -maxdepth 1 -type l -printf "$nb_k/%f\t%l\n" 2>/dev/null && return 0
        	for nb_l in "$1"/*; do
        		[ -L "$nb_l" ] || continue
        		printf '%s/%s\t%s\n' "$nb_k" "${nb_l##*/}" "$(readlink "$nb_l")"
        	done
        }
        {
        	for nb_d in by-id by-path by-partuuid by-uuid by-partlabel by-label by-vdev; do
        		nb_links /dev/disk/$nb_d
        	done
        	nb_links /dev/gptid
        } >"$nb_t/o" 2>"$nb_t/e"
        nb_put links 0 "$nb_t/o" "$nb_t/e"
        : >"$nb_t/zo"
        if nb_have "$nb_zpool"; then
        	"$nb_zpool" status -P -L >"$nb_t/zo" 2>"$nb_t/e" </dev/null
        	nb_rc=$?
        	if [ "$nb_rc" = 2 ]; then
        		"$nb_zpool" status -P >"$nb_t/zo" 2>>"$nb_t/e" </dev/null
        		nb_rc=$?
        	fi
        	nb_put zpool "$nb_rc" "$nb_t/zo" "$nb_t/e"
        	nb_cap zpoolguid "$nb_zpool" list -H -o name,guid
        else
        	nb_cap zpool "$nb_zpool"
        fi
        # devnames: partitions' parents as sysfs sees them, and what each absolute path zpool printed is on this
        # host (a link in /dev/disk or elsewhere: its target; b block device, f file, o other, - missing).
        {
        	for nb_p in /sys/block/*/*/partition; do
        		[ -f "$nb_p" ] || continue
        		nb_x=${nb_p%/partition}
        		nb_k=${nb_x##*/}
        		nb_x=${nb_x%/*}
        		printf 'part\t%s\t%s\n' "$nb_k" "${nb_x##*/}"
        	done
        	awk '{ for (i = 1; i <= NF; i++) if (substr($i, 1, 1) == "/") print $i }' "$nb_t/zo" | sort -u | head -n 4096 >"$nb_t/zp"
        	while IFS= read -r nb_x; do
        		[ -b "$nb_x" ] && [ ! -L "$nb_x" ] && continue
        		if [ -b "$nb_x" ]; then nb_ty=b; elif [ -f "$nb_x" ]; then nb_ty=f; elif [ -e "$nb_x" ]; then nb_ty=o; else nb_ty=-; fi
        		printf 'path\t%s\t%s\t%s\n' "$nb_x" "$(readlink -f "$nb_x" 2>/dev/null)" "$nb_ty"
        	done <"$nb_t/zp"
        } >"$nb_t/o" 2>"$nb_t/e"
        nb_put devnames 0 "$nb_t/o" "$nb_t/e"
        : >"$nb_t/devs"
        while read -r nb_k nb_ty nb_sz nb_ro nb_sn; do
        	case $nb_ty in
        	disk) ;;
        	loop) [ "$nb_loop" = 1 ] || continue ;;
        	*) continue ;;
        	esac
        	case $nb_k in
        	'' | [!a-z]* | *[!a-z0-9-]*) continue ;;
        	zram* | ram[0-9]* | nbd[0-9]* | mmcblk*boot* | *rpmb) continue ;;
        	esac
        	[ "${nb_sz:-0}" != 0 ] || continue
        	# devs: KNAME, whether to leave it asleep (1: -n standby), and its -d type or -
        	nb_sb=1
        	case $nb_k in nvme*) nb_sb=0 ;; esac
        	[ "$nb_ro" = 0 ] && nb_sb=0
        	[ "$nb_wake" = 1 ] && nb_waking "$nb_k" && nb_sb=0
        	nb_dtype "$nb_k" "$nb_sn"
        	echo "$nb_k $nb_sb ${nb_dt:--}" >>"$nb_t/devs"
        done <"$nb_t/disks"
        if nb_have "$nb_smartctl"; then
        	# GNU timeout moves itself into a process group of its own, which would let smartctl outlive a
        	# cancelled inventory (the SSH watchdog signals our group); --foreground keeps it in ours.
        	# BusyBox's timeout has no such option and never leaves the group.
        	nb_to=
        	if [ "$nb_tmo" -gt 0 ]; then
        		if timeout --foreground 5 true >/dev/null 2>&1; then
        			nb_to="timeout --foreground $nb_tmo"
        		elif timeout 5 true >/dev/null 2>&1; then
        			nb_to="timeout $nb_tmo"
        		fi
        	fi
        	nb_i=0
        	while read -r nb_k nb_sb nb_dt; do
        		(
        			set -- -j -x
        			[ "$nb_sb" = 1 ] && set -- "$@" -n standby
        			[ "$nb_dt" != - ] && set -- "$@" -d "$nb_dt"
        			$nb_to "$nb_smartctl" "$@" "/dev/$nb_k" >"$nb_t/s.$nb_k" 2>"$nb_t/s.$nb_k.e"
        			echo "$?" >"$nb_t/s.$nb_k.rc"
        		) </dev/null &
        		nb_i=$((nb_i + 1))
        		[ $((nb_i % nb_par)) -ne 0 ] || wait
        	done <"$nb_t/devs"
        	wait
        fi
        while read -r nb_k nb_sb nb_dt; do
        	if [ -f "$nb_t/s.$nb_k.rc" ]; then
        		nb_rc=$(cat "$nb_t/s.$nb_k.rc")
        	elif nb_have "$nb_smartctl"; then
        		nb_rc=255
        	else
        		printf '%s: command not found\n' "$nb_smartctl" >"$nb_t/s.$nb_k.e"
        		nb_rc=127
        	fi
        	nb_put "smartctl /dev/$nb_k" "$nb_rc" "$nb_t/s.$nb_k" "$nb_t/s.$nb_k.e"
        done <"$nb_t/devs"
        echo '===NASBURNIN:DONE==='
        exit 0

        """;
}
