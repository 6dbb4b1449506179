#!/usr/bin/python3
"""Write a minimal ZFS vdev label onto a sandbox loop device.

Enough for libblkid (and so lsblk/wipefs/blkid) to see TYPE=zfs_member, and
for a pool member LABEL=<pool> with UUID=<pool guid>, as on a real pool disk:
four labels (two at the start, two at the end), each with a small XDR nvlist
at +16 KiB and a few uberblocks (magic 0x00bab10c) at +128 KiB.  A hot spare's
label carries no pool name, like the real thing.

usage: zfs_label.py DEVICE member|spare POOL POOL_GUID VDEV_GUID
"""
import os
import struct
import sys
import time

LABEL = 256 * 1024
NVLIST_AT = 16 * 1024
UBER_AT = 128 * 1024
UBER_SIZE = 1024
UB_MAGIC = 0x00BAB10C
T_UINT64, T_STRING = 8, 9


def pad4(b):
    return b + b"\0" * (-len(b) % 4)


def nvpair(name, typ, value):
    nm = pad4(name.encode())
    if typ == T_STRING:
        s = value.encode()
        data = struct.pack(">II", typ, 1) + struct.pack(">I", len(s)) + pad4(s)
    else:
        data = struct.pack(">II", typ, 1) + struct.pack(">Q", value)
    body = struct.pack(">I", len(name)) + nm + data
    size = 8 + len(body)
    return struct.pack(">II", size, size) + body


def nvlist(pairs):
    # XDR encoding header (encoding=1 XDR, big-endian host flag), version 0, NV_UNIQUE_NAME
    out = bytes([1, 1, 0, 0]) + struct.pack(">II", 0, 1)
    for p in pairs:
        out += nvpair(*p)
    return out + b"\0" * 8


def main():
    dev, kind, pool, pool_guid, vdev_guid = sys.argv[1:6]
    pool_guid, vdev_guid = int(pool_guid), int(vdev_guid)
    if kind == "member":
        pairs = [("version", T_UINT64, 5000), ("name", T_STRING, pool), ("state", T_UINT64, 0),
                 ("txg", T_UINT64, 4), ("pool_guid", T_UINT64, pool_guid), ("errata", T_UINT64, 0),
                 ("hostname", T_STRING, "testnas"), ("top_guid", T_UINT64, vdev_guid + 1),
                 ("guid", T_UINT64, vdev_guid), ("vdev_children", T_UINT64, 1)]
    else:  # hot spare: version, state=POOL_STATE_SPARE, guid
        pairs = [("version", T_UINT64, 5000), ("state", T_UINT64, 3), ("guid", T_UINT64, vdev_guid)]
    nv = nvlist(pairs)
    now = int(time.time())
    fd = os.open(dev, os.O_RDWR)
    try:
        size = os.lseek(fd, 0, os.SEEK_END)
        tail = size - size % LABEL
        for base in (0, LABEL, tail - 2 * LABEL, tail - LABEL):
            os.pwrite(fd, nv, base + NVLIST_AT)
            for n in range(4):
                ub = struct.pack("<QQQQQ", UB_MAGIC, 5000, 4 + n, (pool_guid + vdev_guid) & 0xFFFFFFFFFFFFFFFF, now)
                os.pwrite(fd, ub, base + UBER_AT + n * UBER_SIZE)
        os.fsync(fd)
    finally:
        os.close(fd)


if __name__ == "__main__":
    main()
