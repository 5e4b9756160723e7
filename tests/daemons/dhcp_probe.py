#!/usr/bin/env python3
"""A tiny DHCP client for the wire tests: sends one DISCOVER the way a Pi's boot ROM does
(vendor class PXEClient:Arch:00000:UNDI:002001, options 93/94/97, the ROM's parameter list)
from a given MAC on a given interface, waits for OFFERs (until half a second after the first,
or the timeout), and prints what they carry as
KEY=VALUE lines: offer, yiaddr, siaddr, opt54, router, opt66, opt60, opt43 (hex) and menu (sub-option 9's text,
repr-quoted so trailing spaces show). Exit 0 when an offer arrived, 3 when none did.

usage: dhcp_probe.py [--kernel] IFACE MAC [TIMEOUT_SECONDS]"""
import os
import random
import socket
import struct
import sys
import time

SO_BINDTODEVICE = 25
# The boot ROM's parameter request list; with --kernel, the list a kernel or initramfs DHCP
# client sends (mask, router, DNS, host name, …), which is when a server adds the router.
PRL = [43, 60, 67, 128, 129, 130, 131, 132, 133, 134, 135, 66]
KERNEL_PRL = [1, 3, 6, 12, 15, 28, 42, 43, 60, 66, 67]


def discover(mac: bytes, xid: int) -> bytes:
    pkt = struct.pack("!BBBBIHHIIII", 1, 1, 6, 0, xid, 0, 0x8000, 0, 0, 0, 0)
    pkt += mac + b"\0" * 10 + b"\0" * 192 + b"\x63\x82\x53\x63"
    opts = [
        (53, b"\x01"),
        (55, bytes(PRL)),
        (93, b"\x00\x00"),
        (94, b"\x01\x02\x01"),
        (97, b"\x00" + b"\x44" * 16),
        (60, b"PXEClient:Arch:00000:UNDI:002001"),
    ]
    for code, val in opts:
        pkt += bytes([code, len(val)]) + val
    return pkt + b"\xff"


def options(data: bytes) -> dict:
    out, i = {}, 240
    while i < len(data):
        code = data[i]
        if code == 255:
            break
        if code == 0:
            i += 1
            continue
        if i + 1 >= len(data):
            break
        n = data[i + 1]
        out[code] = data[i + 2 : i + 2 + n]
        i += 2 + n
    return out


def menu_text(o43: bytes) -> str:
    i = 0
    while i + 1 < len(o43):
        code, n = o43[i], o43[i + 1]
        val = o43[i + 2 : i + 2 + n]
        if code == 9 and len(val) >= 3:
            return val[3 : 3 + val[2]].decode("latin-1")
        if code == 255:
            break
        i += 2 + n
    return ""


def main() -> int:
    global PRL
    args = sys.argv[1:]
    if args and args[0] == "--kernel":
        PRL = KERNEL_PRL
        args = args[1:]
    iface, mac_s = args[0], args[1]
    timeout = float(args[2]) if len(args) > 2 else 5.0
    mac = bytes(int(x, 16) for x in mac_s.replace("-", ":").split(":"))
    xid = random.getrandbits(32)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    s.setsockopt(socket.SOL_SOCKET, SO_BINDTODEVICE, iface.encode())
    s.bind(("0.0.0.0", 68))
    s.sendto(discover(mac, xid), ("255.255.255.255", 67))
    end = time.time() + timeout
    got = 0
    while time.time() < end:
        s.settimeout(max(0.05, end - time.time()))
        try:
            data, _ = s.recvfrom(4096)
        except socket.timeout:
            break
        if len(data) < 240 or data[0] != 2 or struct.unpack("!I", data[4:8])[0] != xid:
            continue
        o = options(data)
        if o.get(53) != b"\x02":
            continue
        got += 1
        print(f"offer={got}")
        print(f"yiaddr={socket.inet_ntoa(data[16:20])}")
        print(f"siaddr={socket.inet_ntoa(data[20:24])}")
        if 54 in o:
            print(f"opt54={socket.inet_ntoa(o[54])}")
        if 3 in o:
            print(f"router={socket.inet_ntoa(o[3][:4])}")
        if 66 in o:
            print(f"opt66={o[66].decode('latin-1')}")
        if 60 in o:
            print(f"opt60={o[60].decode('latin-1')}")
        if 43 in o:
            print(f"opt43={o[43].hex()}")
            print(f"menu={menu_text(o[43])!r}")
        sys.stdout.flush()
        # a second offer (two servers answering) would arrive within a moment of the first
        end = min(end, time.time() + 0.5)
    return 0 if got else 3


if __name__ == "__main__":
    sys.exit(main())
