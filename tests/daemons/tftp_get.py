#!/usr/bin/env python3
"""A tiny TFTP client for the wire tests: one RRQ the way the Pi 4 bootloader sends it
(octet, tsize 0, blksize 1024), ACKs the OACK and every DATA block, writes the file to stdout.
Exit 0 on success, 4 with the server's error text on stderr on a TFTP ERROR, 3 on a timeout.

usage: tftp_get.py SERVER PATH"""
import socket
import struct
import sys


def main() -> int:
    server, path = sys.argv[1], sys.argv[2]
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(3)
    rrq = struct.pack("!H", 1) + path.encode() + b"\0octet\0tsize\x000\0blksize\x001024\0"
    s.sendto(rrq, (server, 69))
    out, expect, blksize = bytearray(), 1, 512
    while True:
        try:
            data, peer = s.recvfrom(65536)
        except socket.timeout:
            return 3
        op = struct.unpack("!H", data[:2])[0]
        if op == 5:
            code = struct.unpack("!H", data[2:4])[0]
            text = data[4:].rstrip(b"\0").decode("latin-1")
            sys.stderr.write(f"TFTP error {code}: {text}\n")
            return 4
        if op == 6:  # OACK: options accepted
            opts = data[2:].split(b"\0")
            for k, v in zip(opts[0::2], opts[1::2]):
                if k.lower() == b"blksize":
                    blksize = int(v)
            s.sendto(struct.pack("!HH", 4, 0), peer)
            continue
        if op == 3:
            block = struct.unpack("!H", data[2:4])[0]
            if block == expect:
                out += data[4:]
                expect += 1
            s.sendto(struct.pack("!HH", 4, block), peer)
            if block == expect - 1 and len(data) - 4 < blksize:
                sys.stdout.buffer.write(bytes(out))
                return 0


if __name__ == "__main__":
    sys.exit(main())
