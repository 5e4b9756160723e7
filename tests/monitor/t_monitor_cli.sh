#!/usr/bin/env bash
# `pinetboot monitor` command line: usage errors, unreadable input, -q, --count, --json
# validity, -w (save what was read), truncated capture files.
. "$(dirname "$0")/../lib.sh"
caps="$PNB_TOP/tests/monitor/pcaps"
expect_exit 0 "$PINETBOOT" monitor --help
expect_grep 'Usage: pinetboot monitor' "$T/out"
expect_grep 'Exit status' "$T/out"
expect_exit 2 "$PINETBOOT" monitor
expect_grep 'give -r FILE, -i IFACE or --log LOG' "$T/err"
expect_exit 2 "$PINETBOOT" monitor -r "$caps/pi4-boot.pcap" -i lo
expect_grep 'not both' "$T/err"
expect_exit 2 "$PINETBOOT" monitor --log "$T/no-such.log"
expect_grep 'no-such.log' "$T/err"
expect_exit 2 "$PINETBOOT" monitor --bogus
expect_grep "unknown option" "$T/err"
expect_exit 2 "$PINETBOOT" monitor -r "$caps/pi4-boot.pcap" extra
expect_exit 2 "$PINETBOOT" monitor -r "$caps/pi4-boot.pcap" --count x
expect_exit 2 "$PINETBOOT" monitor -r "$caps/pi4-boot.pcap" --count -1
expect_exit 2 "$PINETBOOT" monitor -r /nonexistent.pcap
expect_grep '/nonexistent.pcap' "$T/err"
echo "not a capture" >"$T/bad.pcap"
expect_exit 2 "$PINETBOOT" monitor -r "$T/bad.pcap"
expect_grep 'cannot read as a capture file' "$T/err"
# truncated: decoded up to the damage, named on stderr; exit 2 when no Pi failed
head -c 3000 "$caps/iscsi-framing.pcap" >"$T/trunc.pcap"
expect_exit 2 "$PINETBOOT" monitor -r "$T/trunc.pcap"
expect_grep 'truncated' "$T/err"
expect_grep '#4 ' "$T/out"
# ... and 1 when a Pi failed in what could be read
expect_exit 1 "$PINETBOOT" monitor -q -r "$caps/truncated-file.pcap"
# -q: no packet lines
expect_exit 1 "$PINETBOOT" monitor -q -r "$caps/pi4-boot.pcap"
expect_grep "initramfs8" "$T/out"
expect_no_grep 'TFTP DATA' "$T/out"
# --count
expect_exit 0 "$PINETBOOT" monitor --count 3 -r "$caps/pi4-boot.pcap"
expect_grep '#3 ' "$T/out"
expect_no_grep '#4 ' "$T/out"
# --json: every line is an object, the last one the summary
expect_exit 0 "$PINETBOOT" monitor --json -r "$caps/iscsi-framing.pcap"
python3 - "$T/out" <<'PY' || fail "JSON lines invalid"
import json, sys
lines = open(sys.argv[1]).read().splitlines()
objs = [json.loads(l) for l in lines]
assert objs[-1]["summary"] is True and isinstance(objs[-1]["pis"], list)
kinds = {o.get("kind") for o in objs[:-1]}
assert {"iscsi", "tcp"} <= kinds, kinds
st = [o["status"] for o in objs if o.get("kind") == "iscsi" and o.get("opcode") == "0x23"]
assert st == ["0x0000", "0x0201", "0x0203"], st
PY
# -w saves every packet read; the copy decodes the same
expect_exit 1 "$PINETBOOT" monitor -q -r "$caps/pi4-boot.pcap" -w "$T/copy.pcap"
"$PINETBOOT" monitor -r "$caps/pi4-boot.pcap" >"$T/a" 2>&1
"$PINETBOOT" monitor -r "$T/copy.pcap" >"$T/b" 2>&1
cmp -s "$T/a" "$T/b" || fail "-w copy decodes differently"
# live on an interface that does not exist: a clear message, exit 2
expect_exit 2 "$PINETBOOT" monitor -i pnbnosuch0 --duration 1
expect_grep 'pnbnosuch0' "$T/err"
