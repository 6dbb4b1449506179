#!/usr/bin/python3 -SE
"""smartctl shim of the NasBurnin sandbox NAS (run through ./smartctl, which answers for other sandboxes' loop devices itself).

Answers like smartctl 7.3 for the sandbox's loop devices, from the capture
templates in STATE_DIR/captures plus the live per-drive state in
STATE_DIR/drives/<kname>/ (see tests/testnas/README.md for every state file).
Any other device gets smartctl's own error ("Unable to detect device type").

The state dir is found from this file's location (STATE_DIR/bin/smartctl), so
it works over SSH whatever the environment.  Only the Python standard library
is used; the shebang is the system python3 on purpose (pyenv shims may shadow
python3 on PATH).
"""
import fcntl
import json
import math
import os
import sys
import time

BIN_DIR = os.path.dirname(os.path.realpath(__file__))
STATE = os.path.dirname(BIN_DIR)
DRIVES = os.path.join(STATE, "drives")

UNAME = os.uname()
PLATFORM = "%s-linux-%s" % (UNAME.machine, UNAME.release)
BANNER = ("smartctl 7.3 2022-02-28 r5338 [%s] (local build)\n"
          "Copyright (C) 2002-22, Bruce Allen, Christian Franke, www.smartmontools.org\n" % PLATFORM)

DEFAULT_SECONDS = {"short": 4, "long": 12, "conveyance": 6}
ATTR_NAMES = {1: "Raw_Read_Error_Rate", 5: "Reallocated_Sector_Ct", 9: "Power_On_Hours",
              187: "Reported_Uncorrect", 188: "Command_Timeout", 194: "Temperature_Celsius",
              196: "Reallocated_Event_Count", 197: "Current_Pending_Sector",
              198: "Offline_Uncorrectable", 199: "UDMA_CRC_Error_Count"}
# Self-test results a test can end with (STATE: selftest_result), as the ATA
# status nibble, the ATA log string, and whether smartctl counts it as an error.
ATA_RESULTS = {
    "ok": (0x0, "Completed without error", False),
    "aborted": (0x1, "Aborted by host", False),
    "interrupted": (0x2, "Interrupted (host reset)", False),
    "fatal": (0x3, "Fatal or unknown error", True),
    "read_failure": (0x7, "Completed: read failure", True),
}
ATA_EXEC_STRINGS = {0x0: "completed without error", 0x1: "was aborted by the host",
                    0x2: "was interrupted by the host with a reset",
                    0x3: "could not complete due to a fatal or unknown error",
                    0x7: "completed with error (read test element)"}
ATA_TYPES = {"short": (1, "Short offline"), "long": (2, "Extended offline"),
             "conveyance": (3, "Conveyance offline")}
NVME_RESULTS = {"ok": (0, "Completed without error"), "aborted": (1, "Aborted: Self-test command"),
                "interrupted": (2, "Aborted: Controller Reset"), "fatal": (5, "Fatal or unknown test error"),
                "read_failure": (7, "Completed: failed segments")}
SAS_RESULTS = {"ok": (0, "Completed"), "aborted": (1, "Aborted (by user command)"),
               "interrupted": (2, "Aborted (device reset ?)"), "fatal": (3, "Unknown error, incomplete"),
               "read_failure": (7, "Failed in segment -->")}
BAD_LBA = 65536  # 32 MiB in 512-byte sectors: where a "read_failure" self-test stops


# ----------------------------------------------------------------- arguments
class Args:
    def __init__(self):
        self.json = None          # None, or the --json flags string ("" for plain -j)
        self.sections = set()     # info health attrs caps all xall selftest
        self.test = None
        self.abort = False
        self.nocheck = None
        self.devtype = None
        self.devices = []
        self.version = False
        self.scan = False
        self.bad = None


SHORT_WITH_ARG = set("dtlTnsoSqbrvFPBgf")
LONG_WITH_ARG = {"device": "d", "test": "t", "log": "l", "tolerance": "T", "nocheck": "n",
                 "smart": "s", "offlineauto": "o", "saveauto": "S", "quietmode": "q",
                 "badsum": "b", "report": "r", "vendorattribute": "v", "firmwarebug": "F",
                 "presets": "P", "drivedb": "B", "get": "g", "set": None, "format": "f",
                 "identify": None}
LONG_FLAGS = {"info": "i", "health": "H", "attributes": "A", "capabilities": "c", "all": "a",
              "xall": "x", "abort": "X", "version": "V", "copyright": "V", "license": "V",
              "captive": "C", "scan": "scan", "scan-open": "scan"}


def parse(argv):
    a = Args()

    def opt(ch, val):
        if ch == "j":
            a.json = val or ""
        elif ch == "i":
            a.sections.add("info")
        elif ch == "H":
            a.sections.add("health")
        elif ch == "A":
            a.sections.add("attrs")
        elif ch == "c":
            a.sections.add("caps")
        elif ch == "a":
            a.sections.add("all")
        elif ch == "x":
            a.sections.add("xall")
        elif ch == "X":
            a.abort = True
        elif ch == "V":
            a.version = True
        elif ch == "scan":
            a.scan = True
        elif ch == "C":
            pass
        elif ch == "t":
            a.test = val
        elif ch == "l":
            if val and val.split(",")[0] in ("selftest", "xselftest"):
                a.sections.add("selftest")
        elif ch == "n":
            a.nocheck = val
        elif ch == "d":
            a.devtype = val
        elif ch in SHORT_WITH_ARG or ch is None:
            pass  # accepted and ignored (-T, -q, -b, ...)
        else:
            a.bad = a.bad or ("-" + ch)

    i = 0
    while i < len(argv):
        arg = argv[i]
        i += 1
        if arg.startswith("--"):
            name, eq, val = arg[2:].partition("=")
            if name == "json":
                opt("j", val if eq else "")
            elif name in LONG_WITH_ARG:
                if not eq:
                    if i >= len(argv):
                        a.bad = a.bad or arg
                        break
                    val = argv[i]
                    i += 1
                opt(LONG_WITH_ARG[name], val)
            elif name in LONG_FLAGS:
                opt(LONG_FLAGS[name], None)
            else:
                a.bad = a.bad or arg
        elif arg.startswith("-") and len(arg) > 1:
            j = 1
            while j < len(arg):
                ch = arg[j]
                j += 1
                if ch in SHORT_WITH_ARG:
                    val = arg[j:]
                    if not val:
                        if i >= len(argv):
                            a.bad = a.bad or ("-" + ch)
                            break
                        val = argv[i]
                        i += 1
                    opt(ch, val)
                    break
                opt(ch, None)
        else:
            a.devices.append(arg)
    return a


# ----------------------------------------------------------------- output
def dump(doc, args):
    flags = args.json or ""
    if "c" in flags:
        return json.dumps(doc, separators=(",", ":")) + "\n"
    return json.dumps(doc, indent=2) + "\n"


def bare_doc(argv):
    return {"json_format_version": [1, 0],
            "smartctl": {"version": [7, 3], "svn_revision": "5338", "platform_info": PLATFORM,
                         "build_info": "(local build)", "argv": ["smartctl"] + argv}}


def local_time(now):
    return {"time_t": int(now), "asctime": time.strftime("%a %b %e %H:%M:%S %Y %Z", time.localtime(now))}


def finish(doc, exit_status, args, text=""):
    """Print the answer (JSON or text) and exit with smartctl's exit status."""
    doc["smartctl"]["exit_status"] = exit_status
    if args.json is not None:
        sys.stdout.write(dump(doc, args))
    else:
        sys.stdout.write(BANNER + "\n" + text)
    sys.stdout.flush()
    sys.exit(exit_status)


def fail(args, argv, message, exit_status, severity="error"):
    doc = bare_doc(argv)
    doc["smartctl"]["messages"] = [{"string": message, "severity": severity}]
    finish(doc, exit_status, args, message + "\n")


# ----------------------------------------------------------------- state
def read_text(path, default=None):
    try:
        with open(path) as f:
            return f.read().strip()
    except (FileNotFoundError, NotADirectoryError):
        return default


def read_int(path, default=None):
    v = read_text(path)
    if v is None or v == "":
        return default
    try:
        return int(v, 0)
    except ValueError:
        return default


def write_json_atomic(path, obj):
    tmp = "%s.tmp.%d" % (path, os.getpid())
    with open(tmp, "w") as f:
        json.dump(obj, f)
    os.replace(tmp, path)


def sandbox_devices():
    try:
        with open(os.path.join(STATE, "devices")) as f:
            return {l.strip() for l in f if l.strip()}
    except FileNotFoundError:
        return set()


class Drive:
    def __init__(self, device):
        self.device = device
        self.kname = os.path.basename(device)
        self.dir = os.path.join(DRIVES, self.kname)
        with open(os.path.join(self.dir, "meta.json")) as f:
            self.meta = json.load(f)
        self.transport = self.meta["transport"]  # Sata | Nvme | Sas

    def f(self, name):
        return os.path.join(self.dir, name)

    def template(self):
        with open(os.path.join(STATE, "captures", self.meta["template"])) as f:
            return json.load(f)

    def power_on_hours(self, t):
        override = read_int(self.f("power_on_hours"))
        base = override if override is not None else self.meta["baseHours"]
        if os.path.exists(os.path.join(STATE, "hold_power_on_hours")):
            return base  # held still: every test ends within one power-on hour
        return base + max(0, int((t - self.meta["created"]) // 3600))

    def seconds(self, kind):
        raw = read_text(self.f("selftest_seconds"))
        if raw:
            try:
                return float(raw)
            except ValueError:
                for line in raw.splitlines():
                    parts = line.split()
                    if len(parts) == 2 and parts[0] == kind:
                        return float(parts[1])
        return float(DEFAULT_SECONDS[kind])

    def polling(self, st):
        """ata_smart_data.self_test.polling_minutes with the polling_minutes file applied"""
        polling = dict(st.get("polling_minutes", {}))
        for line in (read_text(self.f("polling_minutes"), "") or "").splitlines():
            parts = line.split()
            if len(parts) == 2 and parts[0] in ("short", "extended", "conveyance") and parts[1].isdigit():
                polling[parts[0]] = int(parts[1])
        return polling

    def running(self):
        r = read_text(self.f("selftest_running"))
        return json.loads(r) if r else None

    def own_log(self):
        """The entries of this sandbox's life, newest first (what add_entry keeps)."""
        r = read_text(self.f("selftest_log.json"))
        return json.loads(r) if r else []

    def log(self):
        """own_log() over the history the selftest_history file asks for ("COUNT KIND RESULT", e.g.
        "20 long ok": that many entries at the current power-on hours, below the sandbox's own)."""
        parts = (read_text(self.f("selftest_history"), "") or "").split()
        history = []
        if len(parts) == 3 and parts[0].isdigit() and parts[1] in ATA_TYPES and parts[2] in ATA_RESULTS:
            now = time.time()
            history = [{"type": parts[1], "result": parts[2], "hours": self.power_on_hours(now),
                        "remaining": 0 if parts[2] == "ok" else 90, "time": now}] * int(parts[0])
        return self.own_log() + history

    def lock(self):
        fd = os.open(self.f(".lock"), os.O_RDWR | os.O_CREAT, 0o644)
        fcntl.flock(fd, fcntl.LOCK_EX)
        return fd

    def settle(self, now):
        """Turn a self-test whose time is up into a log entry (caller holds the lock)."""
        run = self.running()
        if run and now >= run["start"] + run["duration"]:
            result = read_text(self.f("selftest_result"), "ok") or "ok"
            if result not in ATA_RESULTS:
                result = "ok"
            end = run["start"] + run["duration"]
            self.add_entry(run["type"], result, end, remaining=0 if result == "ok" else None)
            os.unlink(self.f("selftest_running"))

    def add_entry(self, kind, result, t, remaining=None):
        size_lbas = self.meta["sizeBytes"] // 512
        if remaining is None:  # where the test stopped, in tens of percent left
            frac = min(BAD_LBA, size_lbas) / float(size_lbas)
            remaining = int((1 - frac) * 10) * 10 if result == "read_failure" else 90
        entry = {"type": kind, "result": result, "hours": self.power_on_hours(t),
                 "remaining": remaining, "time": t}
        if result == "read_failure":
            entry["lba"] = min(BAD_LBA, size_lbas - 1)
        log = [entry] + self.own_log()
        write_json_atomic(self.f("selftest_log.json"), log[:21])  # the ATA log holds 21 entries


def remaining_tenths(run, now):
    left = 1.0 - (now - run["start"]) / run["duration"]
    return min(9, max(1, int(math.ceil(left * 10))))


# ----------------------------------------------------------------- rendering
def apply_attr_overrides(drive, table):
    raw = read_text(drive.f("attrs"), "")
    for line in raw.splitlines():
        parts = line.split()
        if len(parts) != 2:
            continue
        try:
            aid, val = int(parts[0]), int(parts[1], 0)
        except ValueError:
            continue
        row = next((r for r in table if r["id"] == aid), None)
        if row is None:
            row = {"id": aid, "name": ATTR_NAMES.get(aid, "Unknown_Attribute"), "value": 100,
                   "worst": 100, "thresh": 0, "when_failed": "",
                   "flags": {"value": 50, "string": "-O--CK ", "prefailure": False, "updated_online": True,
                             "performance": False, "error_rate": False, "event_count": True,
                             "auto_keep": True}, "raw": {}}
            table.append(row)
            table.sort(key=lambda r: r["id"])
        row["raw"] = {"value": val, "string": str(val)}


def set_temperature(doc, table, t):
    doc.setdefault("temperature", {})["current"] = t
    for row in table:
        if row["id"] in (190, 194):
            old = row["raw"]["value"]
            row["raw"]["value"] = (old & ~0xFF) | (t & 0xFF)
            s = row["raw"]["string"]
            rest = s[len(s.split(" ")[0]):] if " " in s else ""
            row["raw"]["string"] = str(t) + rest


def ata_log_rows(drive, entries):
    rows, errors, outdated, good_long_seen = [], 0, 0, False
    for e in entries:
        nib, text, errored = ATA_RESULTS[e["result"]]
        tenths = e["remaining"] // 10 if nib else 0
        status = {"value": (nib << 4) | tenths, "string": text}
        if tenths:
            status["remaining_percent"] = tenths * 10
        if nib not in (1, 2, 3):
            status["passed"] = not errored
        code, name = ATA_TYPES[e["type"]]
        row = {"type": {"value": code, "string": name}, "status": status, "lifetime_hours": e["hours"]}
        if errored:
            row["lba"] = e.get("lba", BAD_LBA)
            errors += 1
            if good_long_seen:
                outdated += 1
        if e["type"] == "long" and e["result"] == "ok":
            good_long_seen = True
        rows.append(row)
    return rows, errors, outdated


def render_ata(drive, doc, args, now, sections):
    exit_bits = 0
    table = doc["ata_smart_attributes"]["table"]
    poh = drive.power_on_hours(now)
    doc["power_on_time"]["hours"] = poh
    for row in table:
        if row["id"] == 9:
            row["raw"] = {"value": poh, "string": str(poh)}
    apply_attr_overrides(drive, table)
    t = read_int(drive.f("temperature"))
    if t is not None:
        set_temperature(doc, table, t)
    if read_text(drive.f("health"), "passed") == "failed":
        doc["smart_status"]["passed"] = False
        exit_bits |= 8

    # self-test execution status: running, or the outcome of the last test
    st = doc["ata_smart_data"]["self_test"]
    run = drive.running()
    log = drive.log()
    if run:
        tenths = remaining_tenths(run, now)
        st["status"] = {"value": 0xF0 | tenths, "string": "in progress, %d%% remaining" % (tenths * 10),
                        "remaining_percent": tenths * 10}
    elif log:
        nib = ATA_RESULTS[log[0]["result"]][0]
        tenths = log[0]["remaining"] // 10 if nib else 0
        st["status"] = {"value": (nib << 4) | tenths, "string": ATA_EXEC_STRINGS[nib]}
        if nib not in (1, 2, 3):
            st["status"]["passed"] = nib == 0
    st["polling_minutes"] = drive.polling(st)

    # self-test log: template history below the entries of this sandbox's life
    key = next(iter(doc["ata_smart_self_test_log"]))
    old = doc["ata_smart_self_test_log"][key]
    rows, errors, outdated = ata_log_rows(drive, log)
    rows = (rows + old.get("table", []))[:21]
    new = {"revision": old.get("revision", 1)}
    if "all" in sections or "selftest" in sections:
        key = "standard"  # -a / -l selftest read the SMART (not the GP) log
    elif "sectors" in old:
        new["sectors"] = old["sectors"]
    if rows:
        new["table"] = rows
    new["count"] = len(rows)
    new["error_count_total"] = errors
    new["error_count_outdated"] = outdated
    doc["ata_smart_self_test_log"] = {key: new}
    if errors > outdated and sections & {"all", "xall", "selftest"}:
        exit_bits |= 128
    return exit_bits


def render_nvme(drive, doc, args, now, sections):
    exit_bits = 0
    size = drive.meta["sizeBytes"]
    doc["nvme_total_capacity"] = size
    ns = doc["nvme_namespaces"][0]
    for k in ("size", "capacity", "utilization"):
        ns[k] = {"blocks": size // 512, "bytes": size}
    ns["eui64"] = {"oui": drive.meta["euiOui"], "ext_id": drive.meta["euiExtId"]}
    log = doc["nvme_smart_health_information_log"]
    poh = drive.power_on_hours(now)
    log["power_on_hours"] = poh
    doc["power_on_time"]["hours"] = poh
    t = read_int(drive.f("temperature"))
    if t is not None:
        log["temperature"] = t
        doc["temperature"]["current"] = t
        if log.get("temperature_sensors"):
            log["temperature_sensors"][0] = t
    for name in os.listdir(drive.dir):  # nvme_<field> overrides any health-log field
        if name.startswith("nvme_"):
            field = name[5:]
            v = read_int(drive.f(name))
            if v is not None and field in log:
                log[field] = v
    cw = log["critical_warning"]
    doc["smart_status"]["nvme"]["value"] = cw
    if cw or read_text(drive.f("health"), "passed") == "failed":
        doc["smart_status"]["passed"] = False
        exit_bits |= 8

    old = doc["nvme_self_test_log"]
    stl = doc["nvme_self_test_log"] = {}
    run = drive.running()
    if run:
        code = 1 if run["type"] == "short" else 2
        stl["current_self_test_operation"] = {
            "value": code, "string": "%s self-test in progress" % ("Short" if code == 1 else "Extended")}
        stl["current_self_test_completion_percent"] = min(
            99, int(100 * (now - run["start"]) / run["duration"]))
    else:
        stl["current_self_test_operation"] = {"value": 0, "string": "No self-test in progress"}
    rows = []
    for e in drive.log():
        value, text = NVME_RESULTS[e["result"]]
        row = {"self_test_code": {"value": 1 if e["type"] == "short" else 2,
                                  "string": "Short" if e["type"] == "short" else "Extended"},
               "self_test_result": {"value": value, "string": text}, "power_on_hours": e["hours"]}
        if e["result"] == "read_failure":
            row.update({"segment": 2, "nsid": 1, "lba": e.get("lba", BAD_LBA)})
        rows.append(row)
    stl["table"] = (rows + old.get("table", []))[:20]
    return exit_bits


def render_sas(drive, doc, args, now, sections):
    exit_bits = 0
    poh = drive.power_on_hours(now)
    doc["power_on_time"]["hours"] = poh
    t = read_int(drive.f("temperature"))
    if t is not None:
        doc["temperature"]["current"] = t
    for line in read_text(drive.f("attrs"), "").splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0].isdigit():
            try:
                v = int(parts[1], 0)
            except ValueError:
                continue
            if parts[0] == "5":
                doc["scsi_grown_defect_list"] = v
            elif parts[0] in ("197", "198"):
                doc["scsi_error_counter_log"]["read"]["total_uncorrected_errors"] = v
    if read_text(drive.f("health"), "passed") == "failed":
        doc["smart_status"]["passed"] = False
        exit_bits |= 8
    history = []
    n = 0
    while "scsi_self_test_%d" % n in doc:
        history.append(doc.pop("scsi_self_test_%d" % n))
        n += 1
    rows = []
    run = drive.running()
    if run:
        rows.append({"code": {"value": 1 if run["type"] == "short" else 2,
                              "string": "Background short" if run["type"] == "short" else "Background long"},
                     "result": {"value": 15, "string": "Self test in progress ..."},
                     "power_on_time": {"hours": poh, "aka": "accumulated_power_on_hours"}})
    for e in drive.log():
        value, text = SAS_RESULTS[e["result"]]
        row = {"code": {"value": 1 if e["type"] == "short" else 2,
                        "string": "Background short" if e["type"] == "short" else "Background long"},
               "result": {"value": value, "string": text}}
        if e["result"] == "read_failure":
            row["failed_segment"] = {"value": 3, "aka": "self_test_number"}
        row["power_on_time"] = {"hours": e["hours"], "aka": "accumulated_power_on_hours"}
        if e["result"] == "read_failure":
            row["lba_first_failure"] = {"value": e.get("lba", BAD_LBA), "aka": "address_of_first_failure"}
        rows.append(row)
    for i, row in enumerate((rows + history)[:20]):
        doc["scsi_self_test_%d" % i] = row
    return exit_bits


INFO_KEYS_DROP_FOR_INFO_ONLY = ("smart_status", "ata_smart_data", "ata_sct_capabilities", "ata_smart_attributes",
                                "power_on_time", "power_cycle_count", "ata_smart_error_log",
                                "ata_smart_self_test_log", "ata_smart_selective_self_test_log",
                                "temperature", "nvme_smart_health_information_log",
                                "nvme_error_information_log", "nvme_self_test_log",
                                "scsi_grown_defect_list", "scsi_error_counter_log",
                                "scsi_start_stop_cycle_counter", "temperature_warning")


def render(drive, args, argv, now):
    """The live smartctl document for this drive, and the exit status bits it implies."""
    doc = drive.template()
    m = drive.meta
    doc["smartctl"]["argv"] = ["smartctl"] + argv
    doc["smartctl"]["platform_info"] = PLATFORM
    doc["local_time"] = local_time(now)
    dev = doc["device"]
    dev["name"] = drive.device
    dev["info_name"] = drive.device + (" [SAT]" if dev["type"] == "sat" else "")
    doc["serial_number"] = m["serial"]
    size = m["sizeBytes"]
    lbs = doc.get("logical_block_size", 512)
    doc["user_capacity"] = {"blocks": size // lbs, "bytes": size}
    if "wwn" in doc:
        doc["wwn"] = {"naa": m["wwnNaa"], "oui": m["wwnOui"], "id": m["wwnId"]}
    if "logical_unit_id" in doc:
        doc["logical_unit_id"] = m["wwn"]

    sections = set(args.sections)
    if args.devtype and args.devtype.startswith("test"):
        sections = set()
    transport = drive.transport
    if transport == "Sata":
        bits = render_ata(drive, doc, args, now, sections)
    elif transport == "Nvme":
        bits = render_nvme(drive, doc, args, now, sections)
    else:
        bits = render_sas(drive, doc, args, now, sections)

    if sections & {"all", "xall"}:
        if "all" in sections and "xall" not in sections:
            for k in ("ata_sct_capabilities", "ata_log_directory", "ata_sct_status",
                      "ata_sct_temperature_history", "ata_sct_erc", "ata_device_statistics",
                      "sata_phy_event_counters", "ata_apm", "read_lookahead", "write_cache",
                      "ata_security", "nvme_error_information_log"):
                doc.pop(k, None)
            if "ata_smart_error_log" in doc:
                doc["ata_smart_error_log"] = {"summary": {"revision": 1, "count": 0}}
        return doc, bits
    keep = {"json_format_version", "smartctl", "local_time", "device"}
    info_keys = {k for k in doc if k not in INFO_KEYS_DROP_FOR_INFO_ONLY and k not in keep}
    if "info" in sections:
        keep |= info_keys
    if "health" in sections:
        keep |= {"smart_status"}
        if transport == "Nvme":
            keep |= {"nvme_smart_health_information_log"}
    if "attrs" in sections:
        keep |= {"ata_smart_attributes", "power_on_time", "power_cycle_count", "temperature",
                 "nvme_smart_health_information_log", "scsi_grown_defect_list", "scsi_error_counter_log"}
    if "caps" in sections:
        keep |= {"ata_smart_data", "ata_sct_capabilities"}
    if "selftest" in sections:
        keep |= {"ata_smart_self_test_log", "nvme_self_test_log"} | {k for k in doc if k.startswith("scsi_self_test_")}
    if "health" not in sections:
        bits &= ~8
    if not sections & {"selftest"}:
        bits &= ~128
    return {k: v for k, v in doc.items() if k in keep}, bits


def text_report(doc, sections):
    """A short human rendering for smartctl without -j (enough for a newcomer)."""
    out = []
    if sections & {"info", "all", "xall"}:
        out.append("=== START OF INFORMATION SECTION ===")
        for label, key in (("Model Family", "model_family"), ("Device Model", "model_name"),
                           ("Vendor", "scsi_vendor"), ("Product", "scsi_product"),
                           ("Serial Number", "serial_number"), ("Firmware Version", "firmware_version")):
            if key in doc:
                out.append("%-18s%s" % (label + ":", doc[key]))
        if "wwn" in doc:
            w = doc["wwn"]
            out.append("LU WWN Device Id: %x %06x %09x" % (w["naa"], w["oui"], w["id"]))
        if "logical_unit_id" in doc:
            out.append("Logical Unit id:  %s" % doc["logical_unit_id"])
        if "user_capacity" in doc:
            b = doc["user_capacity"]["bytes"]
            out.append("User Capacity:    {:,} bytes [{:.1f} MB]".format(b, b / 1e6))
        if "rotation_rate" in doc:
            rr = doc["rotation_rate"]
            out.append("Rotation Rate:    %s" % ("Solid State Device" if rr == 0 else "%d rpm" % rr))
        out.append("SMART support is: Available - device has SMART capability.")
        out.append("SMART support is: Enabled")
        out.append("")
    if "smart_status" in doc:
        out.append("=== START OF READ SMART DATA SECTION ===")
        passed = doc["smart_status"]["passed"]
        if doc["device"]["type"] == "scsi":
            out.append("SMART Health Status: %s" % ("OK" if passed else "FAILURE PREDICTION THRESHOLD EXCEEDED"))
        else:
            out.append("SMART overall-health self-assessment test result: %s" % ("PASSED" if passed else "FAILED!"))
        out.append("")
    if "ata_smart_attributes" in doc:
        out.append("ID# ATTRIBUTE_NAME          FLAGS    VALUE WORST THRESH FAIL RAW_VALUE")
        for r in doc["ata_smart_attributes"]["table"]:
            out.append("%3d %-23s %-8s %03d   %03d   %03d    -    %s" % (
                r["id"], r["name"], r["flags"]["string"].strip(), r["value"], r["worst"], r["thresh"],
                r["raw"]["string"]))
        out.append("")
    st = doc.get("ata_smart_data", {}).get("self_test", {}).get("status")
    if st:
        out.append("Self-test execution status:      (%4d)\t%s" % (st["value"], st["string"]))
        out.append("")
    return "\n".join(out) + ("\n" if out else "")


# ----------------------------------------------------------------- self-tests
def start_test(drive, args, argv, now):
    kind = args.test
    force = False
    if kind.endswith(",force"):
        kind, force = kind[:-6], True
    if kind == "force":
        kind, force = "short", True
    tp = drive.transport
    doc = bare_doc(argv)
    doc["device"] = {"name": drive.device, "info_name": drive.device, "type": "sat", "protocol": "ATA"}
    doc["local_time"] = local_time(now)
    if kind not in ("short", "long", "conveyance", "offline", "afterselect,on", "afterselect,off",
                    "pending", "select", "vendor"):
        fail(args, argv, "=======> INVALID ARGUMENT TO -t: %s" % args.test, 1)
    if kind not in ("short", "long", "conveyance"):
        return None  # accepted, no self-test life modelled for these
    if tp == "Nvme":
        doc["device"].update({"type": "nvme", "protocol": "NVMe"})
        if kind == "conveyance":
            return None  # smartctl 7.3 has no NVMe conveyance test: silently nothing starts
    if tp == "Sas":
        doc["device"].update({"type": "scsi", "protocol": "SCSI"})
        if kind == "conveyance":
            return (4, "Conveyance self-test not supported by SCSI devices")
    if tp == "Sata" and kind == "conveyance":
        caps = drive.template()["ata_smart_data"]["capabilities"]
        if not caps.get("conveyance_self_test_supported"):
            return (4, "Conveyance Self-test functions not supported")
    fd = drive.lock()
    try:
        drive.settle(now)
        run = drive.running()
        if run and not force:
            tenths = remaining_tenths(run, now)
            if tp == "Nvme":
                return (4, "Self-test has begun failed: Device Self-test in Progress")
            return (4, "Can't start self-test without aborting current test (%d0%% remaining),\n"
                       "add '-t force' option to override, or run 'smartctl -X' to abort test." % tenths)
        if run:
            drive.add_entry(run["type"], "aborted", now, remaining=remaining_tenths(run, now) * 10)
        write_json_atomic(drive.f("selftest_running"),
                          {"type": kind, "start": now, "duration": drive.seconds(kind)})
    finally:
        os.close(fd)
    return (0, kind)


def abort_test(drive, now):
    fd = drive.lock()
    try:
        drive.settle(now)
        run = drive.running()
        if run:
            drive.add_entry(run["type"], "aborted", now, remaining=remaining_tenths(run, now) * 10)
            os.unlink(drive.f("selftest_running"))
    finally:
        os.close(fd)


TEST_NAMES = {"short": "Short", "long": "Extended", "conveyance": "Conveyance"}


def test_started_text(drive, kind, now):
    dur = drive.seconds(kind)
    end = time.strftime("%a %b %e %H:%M:%S %Y %Z", time.localtime(now + dur))
    if drive.transport == "Nvme":
        return ("=== START OF SMART DATA SECTION ===\n"
                "Self-test has begun\nUse smartctl -X to abort test\n")
    if drive.transport == "Sas":
        return ("%s Background Self Test has begun\nUse smartctl -X to abort test\n"
                % ("Short" if kind == "short" else "Extended"))
    cmd = "Execute SMART %s self-test routine immediately in off-line mode" % TEST_NAMES[kind]
    # smartctl tells the drive's own estimate, not how long the sandbox will take
    polling = drive.polling(drive.template()["ata_smart_data"]["self_test"])
    minutes = polling.get({"long": "extended"}.get(kind, kind), 1)
    return ("=== START OF OFFLINE IMMEDIATE AND SELF-TEST SECTION ===\n"
            'Sending command: "%s".\nDrive command "%s" successful.\nTesting has begun.\n'
            "Please wait %d minutes for test to complete.\nTest will complete after %s\n"
            "Use smartctl -X to abort test.\n" % (cmd, cmd, minutes, end))


# ----------------------------------------------------------------- power and broken answers
POWER_LEVELS = {"never": 1, "sleep": 2, "standby": 3, "idle": 4}  # smartctl -n MODE
DEVICE_TYPES = {"Sata": ("sat", "ATA"), "Nvme": ("nvme", "NVMe"), "Sas": ("scsi", "SCSI")}


def device_doc(drive, argv, now):
    """What smartctl prints before it has read anything: version, time and the device it opened."""
    doc = bare_doc(argv)
    doc["local_time"] = local_time(now)
    t, p = DEVICE_TYPES[drive.transport]
    doc["device"] = {"name": drive.device, "info_name": drive.device + (" [SAT]" if t == "sat" else ""),
                     "type": t, "protocol": p}
    return doc


def check_power(drive, args, argv, now):
    """A drive with a standby file is spun down ("sleep" in it: asleep). smartctl -n standby (or idle)
    answers like smartctl 7.3's ataprint.cpp: nothing read, the message "Device is in STANDBY mode,
    exit(2)" (severity information) and exit status 2 (bit 1), or the -n MODE,N status. NVMe ignores
    -n, as smartctl 7.3 does. Every other call reads the drive, which would spin it up: it is counted
    in the drive's wakeups file (the drive itself stays in standby, as if its timer spun it down again)."""
    mode = read_text(drive.f("standby"))
    if mode is None:
        return
    name, limit = ("SLEEP", 2) if mode.strip().lower() == "sleep" else ("STANDBY", 3)
    word, _, code = (args.nocheck or "").partition(",")
    if drive.transport != "Nvme" and POWER_LEVELS.get(word, 0) >= limit:
        status = int(code) if code.isdigit() else 2
        doc = device_doc(drive, argv, now)
        doc["smartctl"]["messages"] = [{"string": "Device is in %s mode, exit(%d)" % (name, status),
                                        "severity": "information"}]
        finish(doc, status, args, "Device is in %s mode, exit(%d)\n" % (name, status))
    fd = drive.lock()
    try:
        write_json_atomic(drive.f("wakeups"), read_int(drive.f("wakeups"), 0) + 1)
    finally:
        os.close(fd)


def answer_nosmart(drive, args, argv, now):
    """broken = nosmart: a device without SMART (a virtual disk): identity only, exit 4."""
    doc = drive.template()
    keep = ("json_format_version", "smartctl", "device", "model_name", "serial_number", "firmware_version",
            "user_capacity", "logical_block_size", "physical_block_size", "in_smartctl_database",
            "ata_version", "scsi_vendor", "scsi_product", "scsi_model_name", "scsi_revision")
    doc = identity_only(drive, {k: v for k, v in doc.items() if k in keep}, argv, now)
    doc["smart_support"] = {"available": False}
    finish(doc, 4, args, "SMART support is: Unavailable - device lacks SMART capability.\n\n"
                         "A mandatory SMART command failed: exiting. To continue, add one or more "
                         "'-T permissive' options.\n")


def answer_smart_disabled(drive, args, argv, now):
    """broken = smart_disabled: an iSCSI LUN (or any disk) whose SMART is switched off, as smartctl
    7.3 answers for it: smart_support available but not enabled, a temperature of 0 from a device
    without a sensor, exit 4 (bit 2). A SCSI target still answers the health check (the IE mode page
    says OK) although nothing is monitored; an ATA drive has no health and no attributes."""
    doc = drive.template()
    keep = ("json_format_version", "smartctl", "device", "model_name", "serial_number", "firmware_version",
            "user_capacity", "logical_block_size", "physical_block_size", "in_smartctl_database", "wwn",
            "logical_unit_id", "ata_version", "scsi_vendor", "scsi_product", "scsi_model_name", "scsi_revision",
            "scsi_version", "rotation_rate")
    doc = identity_only(drive, {k: v for k, v in doc.items() if k in keep}, argv, now)
    doc["smart_support"] = {"available": True, "enabled": False}
    if drive.transport == "Sas":
        doc["scsi_transport_protocol"] = {"name": "iSCSI", "value": 5}
        doc["smart_status"] = {"passed": True}
        doc["temperature"] = {"current": 0, "drive_trip": 0}
        text = "SMART support is: Disabled\nSMART Health Status: OK\nCurrent Drive Temperature:     0 C\n"
    else:
        doc["smartctl"]["messages"] = [{"string": "SMART Disabled. Use option -s with argument 'on' to enable it.",
                                        "severity": "error"}]
        text = "SMART Disabled. Use option -s with argument 'on' to enable it.\n"
    finish(doc, 4, args, text)


def identity_only(drive, doc, argv, now):
    """The template's identity keys made this drive's."""
    doc["smartctl"]["argv"] = ["smartctl"] + argv
    doc["smartctl"]["platform_info"] = PLATFORM
    doc["device"]["name"] = drive.device
    doc["device"]["info_name"] = drive.device + (" [SAT]" if doc["device"]["type"] == "sat" else "")
    doc["serial_number"] = drive.meta["serial"]
    doc["user_capacity"] = {"blocks": drive.meta["sizeBytes"] // 512, "bytes": drive.meta["sizeBytes"]}
    if "wwn" in doc:
        doc["wwn"] = {"naa": drive.meta["wwnNaa"], "oui": drive.meta["wwnOui"], "id": drive.meta["wwnId"]}
    if "logical_unit_id" in doc:
        doc["logical_unit_id"] = drive.meta["wwn"]
    doc["local_time"] = local_time(now)
    return doc


# ----------------------------------------------------------------- main
def main():
    argv = sys.argv[1:]
    now = time.time()
    args = parse(argv)
    try:
        with open(os.path.join(STATE, "smartctl.log"), "a") as f:
            f.write("%.3f %d %s\n" % (now, os.getpid(), " ".join(argv)))
    except OSError:
        pass
    if args.bad:
        fail(args, argv, "=======> UNRECOGNIZED OPTION: %s" % args.bad.lstrip("-"), 1)
    if args.version:
        sys.stdout.write(BANNER + "\nsmartctl comes with ABSOLUTELY NO WARRANTY. This is free\n"
                         "software, and you are welcome to redistribute it under\n"
                         "the terms of the GNU General Public License; either\n"
                         "version 2, or (at your option) any later version.\n"
                         "See https://www.gnu.org for further details.\n\n"
                         "smartmontools release 7.3 dated 2022-02-28 at 16:33:40 UTC\n")
        return 0
    if args.scan:
        devs = sorted(sandbox_devices(), key=lambda d: (len(d), d))
        if args.json is not None:
            doc = bare_doc(argv)
            doc["devices"] = []
            for d in devs:
                tp = json.load(open(os.path.join(DRIVES, os.path.basename(d), "meta.json")))["transport"]
                t, p = {"Sata": ("sat", "ATA"), "Nvme": ("nvme", "NVMe"), "Sas": ("scsi", "SCSI")}[tp]
                doc["devices"].append({"name": d, "info_name": d + (" [SAT]" if t == "sat" else ""),
                                       "type": t, "protocol": p})
            finish(doc, 0, args)
        for d in devs:
            print("%s -d sat # %s [SAT], ATA device" % (d, d))
        return 0
    if len(args.devices) != 1:
        msg = ("ERROR: smartctl requires a device name as the final command-line argument."
               if not args.devices else
               "ERROR: smartctl takes ONE device name as the final command-line argument.\n"
               "You have provided %d device names:" % len(args.devices))
        fail(args, argv, msg, 1)
    name = args.devices[0]
    real = os.path.realpath(name)
    if real not in sandbox_devices():
        base = os.path.basename(name)
        if not os.path.exists(name) and base.startswith(("sd", "hd", "nvme", "sg")):
            fail(args, argv, "Smartctl open device: %s failed: No such device" % name, 2)
        if args.json is None:  # the text answer goes on, like smartctl's
            sys.stdout.write(BANNER + "\n%s: Unable to detect device type\n"
                             "Please specify device type with the -d option.\n\n"
                             "Use smartctl -h to get a usage summary\n\n" % name)
            return 1
        fail(args, argv, "%s: Unable to detect device type" % name, 1)

    drive = Drive(real)
    delay = read_int(drive.f("delay_ms"), read_int(os.path.join(STATE, "smart_delay_ms"), 0))
    if delay:
        time.sleep(delay / 1000.0)
        now = time.time()

    broken = read_text(drive.f("broken"), "")
    if broken == "nonjson":  # what an old smartctl (6.x, no JSON) answers to -j
        sys.stdout.write("smartctl 6.6 2016-05-31 r4324 [%s] (local build)\n"
                         "Copyright (C) 2002-16, Bruce Allen, Christian Franke, www.smartmontools.org\n\n"
                         "=======> UNRECOGNIZED OPTION: j\n\nUse smartctl -h to get a usage summary\n\n" % PLATFORM)
        return 1
    check_power(drive, args, argv, now)

    if broken == "nosmart":
        answer_nosmart(drive, args, argv, now)
    if broken == "smart_disabled":
        answer_smart_disabled(drive, args, argv, now)

    exit_bits = 0
    text = ""
    if args.abort:
        abort_test(drive, now)
        text += ("=== START OF OFFLINE IMMEDIATE AND SELF-TEST SECTION ===\n"
                 'Sending command: "Abort SMART off-line mode self-test routine".\n'
                 "Self-testing aborted!\n")
    started = None
    if args.test:
        started = start_test(drive, args, argv, now)
        if started and started[0] != 0:
            code, msg = started
            doc = bare_doc(argv)
            doc["local_time"] = local_time(now)
            doc["smartctl"]["messages"] = [{"string": msg, "severity": "error"}]
            finish(doc, code, args, msg + "\n")
    fd = drive.lock()
    try:
        drive.settle(now)
    finally:
        os.close(fd)

    doc, bits = render(drive, args, argv, now)
    exit_bits |= bits
    if started:
        text += test_started_text(drive, started[1], now)
    if args.json is None:
        text = text_report(doc, args.sections) + text
    if broken == "truncated":
        doc["smartctl"]["exit_status"] = exit_bits
        out = dump(doc, args) if args.json is not None else text
        sys.stdout.write(out[: len(out) // 2])
        sys.stdout.flush()
        return exit_bits
    finish(doc, exit_bits, args, text)


if __name__ == "__main__":
    sys.exit(main() or 0)
