#!/usr/bin/env python3
"""A hostile iSCSI target on 127.0.0.1. Prints its port on stdout. The mode (argv[1]):
  close   accepts every login (straight to full feature phase, with a long text segment), then
          closes the connection (M7);
  silent  accepts TCP and never answers anything;
  stall   a target that works (SendTargets, REPORT LUNS, TEST UNIT READY, READ CAPACITY and
          logout are answered: one 1 GiB LUN 0) but never answers a READ;
  slow    the same target, READs answered with zeros, but every answer 0.5 s late: no single
          wait is long, the whole check is."""
import socket, struct, sys, threading, time

MODE = sys.argv[1] if len(sys.argv) > 1 else "close"

def recv_exact(conn, n):
    b = b""
    while len(b) < n:
        d = conn.recv(n - len(b))
        if not d:
            raise EOFError
        b += d
    return b

def read_pdu(conn):
    bhs = recv_exact(conn, 48)
    ahs = bhs[4] * 4
    dlen = int.from_bytes(bhs[5:8], "big")
    rest = recv_exact(conn, ahs + ((dlen + 3) & ~3))
    return bhs, rest[ahs:ahs + dlen]

class Conn:
    def __init__(self, conn):
        self.conn, self.statsn = conn, 1

    def send(self, opcode, flags, req, data=b"", status=0, extra=None):
        """A response to req: opcode, flags, ITT and the sequence numbers filled in."""
        if MODE == "slow":
            time.sleep(0.5)
        cmdsn = int.from_bytes(req[24:28], "big")
        rsp = bytearray(48)
        rsp[0], rsp[1], rsp[3] = opcode, flags, status
        rsp[5:8] = len(data).to_bytes(3, "big")
        rsp[8:16] = req[8:16]
        rsp[16:20] = req[16:20]
        rsp[20:24] = b"\xff\xff\xff\xff"
        rsp[24:28] = struct.pack(">I", self.statsn)
        rsp[28:32] = struct.pack(">I", cmdsn + 1)
        rsp[32:36] = struct.pack(">I", cmdsn + 64)
        if extra:
            for off, b in extra.items():
                rsp[off:off + len(b)] = b
        self.statsn += 1
        self.conn.sendall(bytes(rsp) + data + b"\0" * (((len(data) + 3) & ~3) - len(data)))

def login_reply(c, req, text):
    c.send(0x23, 0x87, req, text, extra={14: b"\x00\x01", 28: struct.pack(">I", 1)})

def serve(conn):
    try:
        conn.settimeout(60)
        c = Conn(conn)
        if MODE == "silent":
            while conn.recv(4096):
                pass
            return
        bhs, _ = read_pdu(conn)
        if MODE == "close":
            login_reply(c, bhs, b"TargetPortalGroupTag=1\0HeaderDigest=None\0DataDigest=None\0"
                        + b"X=" + b"y" * 4000 + b"\0")
            return
        login_reply(c, bhs, b"TargetPortalGroupTag=1\0HeaderDigest=None\0DataDigest=None\0"
                    b"MaxRecvDataSegmentLength=262144\0")
        while True:
            bhs, data = read_pdu(conn)
            op = bhs[0] & 0x3f
            if op == 0x04:    # Text (SendTargets): one target
                c.send(0x24, 0x80, bhs, b"TargetName=iqn.2026-11.a:b\0")
            elif op == 0x06:  # Logout
                c.send(0x26, 0x80, bhs)
                return
            elif op == 0x01:  # SCSI Command
                cdb = bhs[32]
                if cdb == 0xA0:    # REPORT LUNS: LUN 0
                    c.send(0x25, 0x81, bhs, struct.pack(">I", 8) + b"\0" * 12)
                elif cdb == 0x00:  # TEST UNIT READY
                    c.send(0x21, 0x80, bhs)
                elif cdb == 0x9E:  # READ CAPACITY(16): 1 GiB of 512-byte blocks
                    c.send(0x25, 0x81, bhs, struct.pack(">QI", (1 << 21) - 1, 512) + b"\0" * 20)
                elif cdb == 0x88 and MODE == "slow":  # READ(16): zeros
                    n = int.from_bytes(bhs[42:46], "big") * 512
                    c.send(0x25, 0x81, bhs, b"\0" * min(n, 262144))
                else:              # READ (stall) and the rest: never answered
                    pass
    except (OSError, EOFError):
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
