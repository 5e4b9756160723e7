#!/usr/bin/env bash
# t_hostile_strings — what peers send (file names, vendor class, host name, TFTP error text)
# is printed safely: no control character reaches the terminal in text output or the stage
# table (escaped as \xNN, as tcpdump escapes them), and every JSON line is valid JSON in
# valid UTF-8 whatever the bytes.
source "$(dirname "$0")/../lib.sh"
PYTHONPATH="$PNB_TOP/tests/tools" python3 - "$T/hostile.pcap" <<'PY' || fail "python"
import struct, sys
from udp_pcap import frame, write_pcap
pi = bytes.fromhex('dca632aabbcc'); srv = bytes.fromhex('020000000001'); bc = b'\xff' * 6
bad = b'\x1b[2J\x1b[31mred\x07\xff\xfe\x00'
opts = b'\x63\x82\x53\x63' + b'\x35\x01\x01' + bytes([60, 32]) + b'PXEClient:Arch:00000:UNDI:002001'
opts += bytes([12, len(bad) - 1]) + bad[:-1] + b'\xff'
bootp = struct.pack('!BBBBIHHIIII', 1, 1, 6, 0, 0x1234, 0, 0, 0, 0, 0, 0) + pi + b'\0' * 10
bootp += b'\0' * 192 + opts
pkts = [frame(pi, bc, b'\0' * 4, b'\xff' * 4, 68, 67, bootp)]
rrq = b'\x00\x01' + b'boot/\x1b]0;owned\x07' + bad[:-1] + b'.img\x00octet\x00'
pkts.append(frame(pi, srv, bytes([10, 0, 0, 9]), bytes([10, 0, 0, 1]), 49152, 69, rrq))
err = b'\x00\x05\x00\x01' + b'not \x1b[1mfound\xc3\x28\x00'
pkts.append(frame(srv, pi, bytes([10, 0, 0, 1]), bytes([10, 0, 0, 9]), 40000, 49152, err))
write_pcap(sys.argv[1], [(i * 1000, p) for i, p in enumerate(pkts)])
PY
"$PINETBOOT" monitor -r "$T/hostile.pcap" >"$T/text" 2>&1
"$PINETBOOT" monitor -r "$T/hostile.pcap" --json >"$T/json" 2>&1
python3 - "$T/text" "$T/json" <<'PY' || { cat "$T/text"; fail "unsafe output (above)"; }
import json, sys
text = open(sys.argv[1], 'rb').read()
bad = [c for c in text if c < 0x20 and c not in (0x0a,)] + [c for c in text if c == 0x7f]
assert not bad, 'control bytes in text output: %r' % bad[:5]
text.decode('utf-8')  # strict: no stray bytes either
assert b'\\x1b' in text, 'the escape character is not shown escaped'
raw = open(sys.argv[2], 'rb').read()
raw.decode('utf-8')
lines = raw.decode('utf-8').splitlines()
assert lines, 'no JSON'
def strings(o):
    if isinstance(o, str): yield o
    elif isinstance(o, dict):
        for v in o.values(): yield from strings(v)
    elif isinstance(o, list):
        for v in o: yield from strings(v)
found = False
for l in lines:
    found |= any('\x1b' in v for v in strings(json.loads(l)))
assert found, 'the peer bytes were lost, not escaped'
PY
exit 0
