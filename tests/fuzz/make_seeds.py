#!/usr/bin/env python3
"""Writes the seed corpora of the capture fuzz harnesses from the test captures:
dhcp/ (UDP payloads), tftp/ iscsi/ rpc/ (record streams: len, selector, bytes; see frame.h)
and pcap/ (small capture files). Run from the repository root after pnb_gen vectors."""
import os
import shutil
import struct
import sys

CAPS = "tests/monitor/pcaps"


def frames(path):
    data = open(path, "rb").read()
    magic = struct.unpack("<I", data[:4])[0]
    if magic != 0xA1B2C3D4:
        return
    off = 24
    while off + 16 <= len(data):
        _, _, incl, _ = struct.unpack("<IIII", data[off:off + 16])
        yield data[off + 16:off + 16 + incl]
        off += 16 + incl


def l4(frame):
    if len(frame) < 34 or frame[12:14] != b"\x08\x00":
        return None
    ip = frame[14:]
    ihl = (ip[0] & 15) * 4
    total = struct.unpack(">H", ip[2:4])[0]
    proto = ip[9]
    src = ip[12:16]
    t = ip[ihl:total]
    sport, dport = struct.unpack(">HH", t[:4])
    if proto == 17:
        return proto, src, sport, dport, 0, t[8:]
    hl = (t[12] >> 4) * 4
    return proto, src, sport, dport, t[13], t[hl:]


def records(chunks):
    out = b""
    for sel, payload in chunks:
        for i in range(0, max(len(payload), 1), 255):
            part = payload[i:i + 255]
            out += bytes([len(part), sel]) + part
    return out


def write(d, name, blob):
    os.makedirs(d, exist_ok=True)
    open(os.path.join(d, name), "wb").write(blob)


def main():
    base = "tests/fuzz"
    n = 0
    for cap in sorted(c for c in os.listdir(CAPS) if not c.startswith("truncated")):
        for f in frames(os.path.join(CAPS, cap)):
            x = l4(f)
            if x and x[0] == 17 and 67 in (x[2], x[3]):
                write(base + "/dhcp", f"{cap}-{n}", x[5])
                n += 1
    # TFTP: the first 30 packets of the Pi 4 boot, mapped onto the harness's selectors
    chunks = []
    for f in list(frames(CAPS + "/pi4-boot.pcap"))[4:40]:
        x = l4(f)
        if not x or x[0] != 17:
            continue
        _, src, sport, dport, _, pl = x
        from_pi = src == bytes([192, 168, 20, 101])
        sel = 0 if dport == 69 else (2 if from_pi else 1)
        chunks.append((sel, pl))
    write(base + "/tftp", "pi4-boot", records(chunks))
    write(base + "/tftp", "probe", records(chunks[:4]))
    # iSCSI: every TCP segment of the framing vector, direction by port
    for name, lo, hi in (("login-read", 0, 12), ("failed-logins", 12, 24), ("resync", 23, 30)):
        chunks = []
        for f in list(frames(CAPS + "/iscsi-framing.pcap"))[lo:hi]:
            x = l4(f)
            if not x or x[0] != 6:
                continue
            sel = 0 if x[3] == 3260 else 1
            if x[4] & 2:
                sel |= 0x02
            chunks.append((sel, x[5]))
        write(base + "/iscsi", name, records(chunks))
    chunks = []
    for f in frames(CAPS + "/nfs-root.pcap"):
        x = l4(f)
        if not x:
            continue
        proto, src, sport, dport, _, pl = x
        to_srv = dport in (111, 2049, 20048)
        port = dport if to_srv else sport
        psel = {111: 0, 2049: 1, 20048: 2}.get(port, 3) << 1
        if proto == 17:
            chunks.append(((0x00 if to_srv else 0x01) | psel, pl))
        elif pl:
            chunks.append((0x10 if to_srv else 0x11, pl))
    write(base + "/rpc", "nfs-root", records(chunks))
    os.makedirs(base + "/pcap", exist_ok=True)
    for cap in ("link-mix.pcap", "nfs-root.pcap", "iscsi-framing.pcap", "pi3-boot.pcap",
                "pi4-boot-sll2.pcap"):
        shutil.copy(os.path.join(CAPS, cap), base + "/pcap/" + cap)
    pub = "tests/data/pcaps-public/tcpdump"
    for cap in ("bootp_asan.pcap", "tftp-heapoverflow.pcap", "dhcp-option-108.pcapng",
                "unaligned-nfs-1.pcap"):
        if os.path.exists(os.path.join(pub, cap)):
            shutil.copy(os.path.join(pub, cap), base + "/pcap/" + cap)
    return 0


if __name__ == "__main__":
    sys.exit(main())
