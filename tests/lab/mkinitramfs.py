#!/usr/bin/env python3
"""mkinitramfs.py OUT KIND [COMPRESSION] [--early] -- a small stand-in initramfs for the lab:
a newc cpio archive holding the file names a real one of KIND holds (the contents are a line
of shell), compressed with gzip, xz, zstd or not at all, optionally after a plain early cpio.

KIND: tools-iscsi  initramfs-tools after `apt install open-iscsi` + the iscsi.initramfs marker
      tools-stock  initramfs-tools as Raspberry Pi OS ships it (NFS yes, iSCSI no)
      dracut-iscsi dracut with its iscsi and nfs modules
"""
import gzip
import lzma
import subprocess
import sys

KINDS = {
    "tools-iscsi": ["init", "conf/initramfs.conf", "scripts/functions", "scripts/nfs",
                    "usr/lib/klibc/bin/nfsmount", "scripts/local-top/iscsi",
                    "usr/sbin/iscsistart", "etc/iscsi.initramfs", "etc/initiatorname.iscsi",
                    "usr/lib/modules/6.6.31-v8/kernel/drivers/scsi/iscsi_tcp.ko.xz"],
    "tools-stock": ["init", "conf/initramfs.conf", "scripts/functions", "scripts/nfs",
                    "usr/lib/klibc/bin/nfsmount",
                    "usr/lib/modules/6.6.31-v8/kernel/fs/nfs/nfs.ko.xz"],
    "dracut-iscsi": ["init", "usr/lib/dracut/modules.txt", "usr/sbin/iscsistart",
                     "usr/sbin/iscsiroot", "usr/sbin/nfsroot"],
}


def newc(names):
    out = bytearray()
    ino = 1
    for name in names + ["TRAILER!!!"]:
        data = b"" if name == "TRAILER!!!" else (
            b"base\nnetwork\niscsi\nnfs\n" if name.endswith("modules.txt") else b"#!/bin/sh\n")
        mode = 0 if name == "TRAILER!!!" else 0o100755
        nb = name.encode() + b"\0"
        hdr = "070701" + "".join("%08X" % v for v in (
            ino, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(nb), 0))
        out += hdr.encode() + nb
        out += b"\0" * (-len(out) % 4)
        out += data
        out += b"\0" * (-len(out) % 4)
        ino += 1
    return bytes(out)


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    out, kind = args[0], args[1]
    comp = args[2] if len(args) > 2 else "gzip"
    body = newc(KINDS[kind])
    if comp == "gzip":
        body = gzip.compress(body)
    elif comp == "xz":
        body = lzma.compress(body, check=lzma.CHECK_CRC32)
    elif comp == "zstd":
        body = subprocess.run(["zstd", "-q", "-c"], input=body, stdout=subprocess.PIPE,
                              check=True).stdout
    elif comp != "none":
        sys.exit("unknown compression " + comp)
    early = newc(["kernel/arm64/early.bin"]) if "--early" in sys.argv else b""
    with open(out, "wb") as f:
        f.write(early + body)


main()
