#!/usr/bin/env python3
"""tshark_diff — compares pinetboot's decoders with tshark, packet by packet.

usage: tshark_diff.py PNB_FIELDS_BINARY FILE.pcap...

For every frame, every field both decoders produce (DHCP message type, xid, chaddr, the bytes
of options 43/54/60/66/67/97; TFTP opcode, file name, block, error code, options; iSCSI
opcode, ITT, login status, TargetName/InitiatorName, CDB opcode; RPC xid, message type,
program, procedure) must agree. Fields only one side decodes are counted, not failures.
Exit 0 when everything compared agrees, 1 on any disagreement, 77 when tshark is missing.
"""
import os
import shutil
import subprocess
import sys
import tempfile

AGG = "\x1e"
TSHARK_FIELDS = [
    "frame.number", "dhcp.option.dhcp", "dhcp.id", "dhcp.hw.mac_addr", "dhcp.option.type",
    "dhcp.option.value", "tftp.opcode", "tftp.source_file", "tftp.destination_file",
    "tftp.block", "tftp.error.code", "tftp.option.name", "tftp.option.value", "iscsi.opcode",
    "iscsi.initiatortasktag", "iscsi.login.status", "iscsi.keyvalue", "scsi_sbc.opcode",
    "scsi.spc.opcode", "rpc.xid", "rpc.msgtyp", "rpc.program", "rpc.procedure",
]
DHCP_OPTS = {"43", "54", "60", "66", "67", "97"}


def run_tshark(path, home):
    cmd = ["tshark", "-n", "-r", path, "-o", "iscsi.bogus_pdu_max_data_len:16777215",
           "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=" + AGG, "-E", "quote=n",
           "-E", "separator=/t"]
    for f in TSHARK_FIELDS:
        cmd += ["-e", f]
    env = dict(os.environ, HOME=home)
    out = subprocess.run(cmd, capture_output=True, env=env, check=False).stdout
    frames = {}
    for line in out.decode("utf-8", "surrogateescape").split("\n"):
        cols = line.split("\t")
        if len(cols) < len(TSHARK_FIELDS) or not cols[0]:
            continue
        frames[int(cols[0])] = {
            name: (cols[i].split(AGG) if cols[i] else [])
            for i, name in enumerate(TSHARK_FIELDS)
        }
    return frames


def run_ours(binary, path):
    out = subprocess.run([binary, path], capture_output=True, check=False).stdout
    frames = {}
    for line in out.decode("utf-8", "surrogateescape").split("\n"):
        cols = line.split("\t")
        f = {}
        for c in cols[1:]:
            k, _, v = c.partition("=")
            f[k] = v.split("|") if k not in ("iscsi.names",) else v.split("|")
        if cols[0]:
            frames[int(cols[0])] = f
    return frames


def tshark_dhcp_opts(t):
    types = [x for x in t["dhcp.option.type"]]
    vals = t["dhcp.option.value"]
    real = [x for x in types if x not in ("0", "255")]
    if len(real) != len(vals):
        return None
    return sorted(f"{c}:{v.replace(':', '')}" for c, v in zip(real, vals) if c in DHCP_OPTS)


def compare(ours, th):
    """Yields (field, ours, tshark, equal) for every field both decode."""
    def both(ok, tk):
        return ok in ours and th.get(tk)

    if both("dhcp.option.dhcp", "dhcp.option.dhcp"):
        yield "dhcp.option.dhcp", ours["dhcp.option.dhcp"], th["dhcp.option.dhcp"]
    if both("dhcp.id", "dhcp.id"):
        yield "dhcp.id", ours["dhcp.id"], th["dhcp.id"]
    if both("dhcp.hw.mac_addr", "dhcp.hw.mac_addr"):
        yield "dhcp.hw.mac_addr", ours["dhcp.hw.mac_addr"][:1], th["dhcp.hw.mac_addr"][:1]
    if "dhcp.id" in ours and th.get("dhcp.id"):
        t = tshark_dhcp_opts(th)
        if t is not None:
            yield "dhcp.options", sorted(ours.get("dhcp.opts", [])), t
    if both("tftp.opcode", "tftp.opcode"):
        yield "tftp.opcode", ours["tftp.opcode"], th["tftp.opcode"]
        if set(ours["tftp.opcode"]) & {"1", "2"} and "tftp.file" in ours:
            tf = th["tftp.source_file"] or th["tftp.destination_file"]
            if tf:
                yield "tftp.file", ours["tftp.file"][:1], tf[:1]
        for k in ("tftp.block", "tftp.error.code", "tftp.option.name", "tftp.option.value"):
            if both(k, k):
                yield k, ours[k], th[k]
    if both("iscsi.opcode", "iscsi.opcode"):
        yield "iscsi.opcode", ours["iscsi.opcode"], th["iscsi.opcode"]
        if both("iscsi.initiatortasktag", "iscsi.initiatortasktag"):
            yield ("iscsi.initiatortasktag", ours["iscsi.initiatortasktag"],
                   th["iscsi.initiatortasktag"])
        if both("iscsi.login.status", "iscsi.login.status"):
            yield "iscsi.login.status", ours["iscsi.login.status"], th["iscsi.login.status"]
        names = [kv for kv in th["iscsi.keyvalue"]
                 if kv.startswith("InitiatorName=") or kv.startswith("TargetName=")]
        if "iscsi.names" in ours and names:
            # pinetboot joins text continued over PDUs (C bit) before reading keys, tshark
            # reads each PDU alone: every name tshark sees must be among pinetboot's
            o = sorted(ours["iscsi.names"])
            yield "iscsi.names", (sorted(names) if set(names) <= set(o) else o), sorted(names)
        cdb = set(th["scsi_sbc.opcode"]) | set(th["scsi.spc.opcode"])
        if "scsi.cdb" in ours and cdb:
            yield "scsi.cdb", sorted(set(ours["scsi.cdb"])), sorted(cdb)
    if "rpc" in ours and th.get("rpc.xid"):
        t = th
        tl = []
        for i, x in enumerate(t["rpc.xid"]):
            m = t["rpc.msgtyp"][i] if i < len(t["rpc.msgtyp"]) else ""
            p = t["rpc.program"][i] if i < len(t["rpc.program"]) else ""
            q = t["rpc.procedure"][i] if i < len(t["rpc.procedure"]) else ""
            tl.append((x, m, p, q))
        ol = [tuple(v.split("/")) for v in ours["rpc"]]
        # an unmatched reply on our side carries only xid and type: compare what it has
        tl2 = [tuple(list(tt)[:len(o)]) for tt, o in zip(tl, ol)]
        if len(tl) == len(ol):
            yield "rpc", ol, tl2


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    if not shutil.which("tshark"):
        print("skip: tshark not installed")
        return 77
    binary = sys.argv[1]
    total_fields = bad = frames_cmp = only_t = only_o = 0
    with tempfile.TemporaryDirectory() as home:
        for path in sys.argv[2:]:
            th = run_tshark(path, home)
            ours = run_ours(binary, path)
            for fr in sorted(set(th) | set(ours)):
                t = th.get(fr, {})
                o = ours.get(fr, {})
                t_has = any(t.get(k) for k in ("dhcp.id", "tftp.opcode", "iscsi.opcode", "rpc.xid"))
                if not o and t_has:
                    only_t += 1
                    if os.environ.get("PNB_DIFF_VERBOSE"):
                        print(f"{path}: frame {fr}: only tshark decoded it")
                    continue
                if o and not t_has:
                    only_o += 1
                    if os.environ.get("PNB_DIFF_VERBOSE"):
                        print(f"{path}: frame {fr}: only pinetboot decoded it: {o}")
                    continue
                if not o:
                    continue
                frames_cmp += 1
                for name, a, b in compare(o, t):
                    total_fields += 1
                    if a != b:
                        bad += 1
                        print(f"{path}: frame {fr}: {name}: pinetboot {a} != tshark {b}")
    print(f"{frames_cmp} frames compared, {total_fields} fields, {bad} disagreements; "
          f"{only_t} frames only tshark decoded, {only_o} only pinetboot decoded")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
