#!/usr/bin/python3
"""Write the sandbox's description files from STATE_DIR/layout.tsv.

  STATE_DIR/drives/<kname>/meta.json   identity and facts the smartctl shim needs
  STATE_DIR/drives/<kname>/{index,transport,serial,model,firmware,size}
                                       the same as plain files, for the bash shims
  STATE_DIR/testnas.json               what the C# tests read
  STATE_DIR/env                        the same facts, shell-sourceable

usage: genmeta.py STATE_DIR PORT HOST_KEY_FINGERPRINT
"""
import json
import os
import shlex
import sys
import time

WWN_OUI = 0x000C50  # every sandbox WWN is 0x5000c50 + a 9-hex-digit id


def main():
    state, port, fingerprint = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    created = time.time()
    drives = []
    with open(os.path.join(state, "layout.tsv")) as f:
        header = f.readline().rstrip("\n").split("\t")
        for line in f:
            row = dict(zip(header, line.rstrip("\n").split("\t")))
            drives.append(row)

    out = []
    for r in drives:
        idx = int(r["index"])
        with open(os.path.join(state, "captures", r["template"])) as f:
            tpl = json.load(f)
        faulty = r["faulty"] == "1"
        serial = "NBTBAD1" if faulty else "NBT%04d" % idx
        wid = 0xBAD1 if faulty else idx
        model = tpl.get("model_name") or tpl.get("scsi_model_name")
        firmware = tpl.get("firmware_version") or tpl.get("scsi_revision")
        wwn = "0x5%06x%09x" % (WWN_OUI, wid)
        if r["transport"] == "Nvme":
            wwn = "eui.%06x%010x" % (WWN_OUI, wid)
        size = int(r["sizeBytes"])
        meta = {
            "index": idx, "kname": r["kname"], "device": r["device"], "serial": serial, "model": model,
            "firmware": firmware, "template": r["template"], "transport": r["transport"],
            "sizeBytes": size, "wwn": wwn, "wwnNaa": 5, "wwnOui": WWN_OUI, "wwnId": wid,
            "euiOui": WWN_OUI, "euiExtId": wid,
            "baseHours": tpl["power_on_time"]["hours"] + 101 * idx, "created": created,
            "role": r["role"],
        }
        ddir = os.path.join(state, "drives", r["kname"])
        os.makedirs(ddir, exist_ok=True)
        with open(os.path.join(ddir, "meta.json"), "w") as f:
            json.dump(meta, f, indent=2)
        for name, value in (("index", idx), ("transport", r["transport"]), ("serial", serial),
                            ("model", model), ("firmware", firmware), ("size", size)):
            with open(os.path.join(ddir, name), "w") as f:
                f.write("%s\n" % value)
        d = {
            "index": idx, "device": r["device"], "kname": r["kname"], "serial": serial, "model": model,
            "firmware": firmware, "wwn": wwn, "sizeBytes": size, "role": r["role"],
            "transport": r["transport"], "rotational": r["rotational"] == "1",
            "mountpoint": r["mountpoint"] or None, "fstype": r["fstype"] or None,
            "poolRole": r["poolRole"] or None, "poolName": r.get("poolName") or None,
            "poolState": r.get("poolState") or None, "template": r["template"], "faulty": faulty,
            "stateDir": ddir,
        }
        if faulty:
            d["badBlocks"] = [8192, 8193]
            d["badBlockSize"] = 4096
        out.append(d)

    ssh = os.path.join(state, "ssh")
    key = os.path.join(ssh, "id_ed25519")
    known = os.path.join(ssh, "known_hosts")
    members = [d["device"] for d in out if d["poolName"] == "tank" and d["poolRole"] == "member"]
    spares = [d["device"] for d in out if d["poolName"] == "tank" and d["poolRole"] == "spare"]
    doc = {
        "stateDir": state, "host": "127.0.0.1", "port": port, "user": "root",
        "clientKeyPath": key, "knownHostsPath": known, "hostKeyFingerprint": fingerprint,
        "binDir": os.path.join(state, "bin"), "workDir": os.path.join(state, "work"),
        "pool": {"name": "tank", "members": members, "spares": spares},
        "drives": out,
    }
    tmp = os.path.join(state, "testnas.json.tmp")
    with open(tmp, "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")
    os.replace(tmp, os.path.join(state, "testnas.json"))

    def first(pred):
        return next((d["device"] for d in out if pred(d)), "")

    env = {
        "TESTNAS_STATE_DIR": state, "TESTNAS_HOST": "127.0.0.1", "TESTNAS_PORT": str(port),
        "TESTNAS_USER": "root", "TESTNAS_KEY": key, "TESTNAS_KNOWN_HOSTS": known,
        "TESTNAS_HOST_KEY_FINGERPRINT": fingerprint, "TESTNAS_BIN": os.path.join(state, "bin"),
        "TESTNAS_WORK": os.path.join(state, "work"),
        "TESTNAS_SSH": "ssh -i %s -p %d -o UserKnownHostsFile=%s -o StrictHostKeyChecking=yes "
                       "-o BatchMode=yes root@127.0.0.1" % (key, port, known),
        "TESTNAS_DRIVES": " ".join(d["device"] for d in out),
        "TESTNAS_MOUNTED": first(lambda d: d["role"] == "Mounted"),
        "TESTNAS_STALE": first(lambda d: d["role"] == "Stale"),
        "TESTNAS_POOL_MEMBER": members[0] if members else "",
        "TESTNAS_POOL_SPARE": spares[0] if spares else "",
        "TESTNAS_NVME": first(lambda d: d["transport"] == "Nvme"),
        "TESTNAS_SSD": first(lambda d: d["transport"] == "Sata" and not d["rotational"]),
        "TESTNAS_SAS": first(lambda d: d["transport"] == "Sas"),
        "TESTNAS_FREE_HDD": first(lambda d: d["role"] == "Free" and d["transport"] == "Sata"
                                  and d["rotational"] and not d["faulty"] and d["sizeBytes"] <= 64 << 20),
        "TESTNAS_BIG": first(lambda d: d["sizeBytes"] >= 512 << 20),
        "TESTNAS_FAULTY": first(lambda d: d["faulty"]),
    }
    for d in out:
        if not d["faulty"]:
            env["TESTNAS_DRIVE_%d" % d["index"]] = d["device"]
    with open(os.path.join(state, "env"), "w") as f:
        f.write("# NasBurnin sandbox NAS: source this file (. STATE_DIR/env)\n")
        for k, v in env.items():
            f.write("%s=%s\n" % (k, shlex.quote(v)))


if __name__ == "__main__":
    main()
