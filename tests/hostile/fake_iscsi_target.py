#!/usr/bin/env python3
"""A hostile iSCSI target: accepts every login (straight to full feature phase, with a long
text segment), then closes the connection. Prints its port on stdout."""
import socket, struct, sys, threading

def serve(conn):
    try:
        conn.settimeout(10)
        bhs = b""
        while len(bhs) < 48:
            d = conn.recv(48 - len(bhs))
            if not d:
                return
            bhs += d
        dlen = int.from_bytes(bhs[5:8], "big")
        pad = (dlen + 3) & ~3
        got = 0
        while got < pad:
            d = conn.recv(pad - got)
            if not d:
                return
            got += len(d)
        text = b"TargetPortalGroupTag=1\0HeaderDigest=None\0DataDigest=None\0" + b"X=" + b"y" * 4000 + b"\0"
        n = len(text)
        rsp = bytearray(48)
        rsp[0] = 0x23
        rsp[1] = 0x87
        rsp[5:8] = n.to_bytes(3, "big")
        rsp[8:14] = bhs[8:14]
        rsp[14:16] = b"\x00\x01"
        rsp[16:20] = bhs[16:20]
        rsp[24:28] = struct.pack(">I", 1)
        rsp[28:32] = struct.pack(">I", 1)
        rsp[32:36] = struct.pack(">I", 64)
        conn.sendall(bytes(rsp) + text + b"\0" * (((n + 3) & ~3) - n))
    except OSError:
        pass
    finally:
        conn.close()

s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(16)
print(s.getsockname()[1], flush=True)
while True:
    c, _ = s.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
