#!/usr/bin/env bash
# t_recovered — the last attempt decides the verdict (issue 12): a Pi whose first boot fails
# and whose next boot gets through is reported as booted, with the failure kept as history.
# The captures are the generated fault and good boot of the same Pi, one after the other.
source "$(dirname "$0")/../lib.sh"
D="$PNB_TOP/tests/data/pcaps"
cat_pcaps() { # OUT IN... — concatenated, each file shifted to start 10 s after the previous
python3 - "$@" <<'PY' || fail "python"
import struct, sys
out, ins = sys.argv[1], sys.argv[2:]
recs, t_end, hdr = [], None, None
for path in ins:
    data = open(path, 'rb').read()
    hdr = hdr or data[:24]
    off, first, shift = 24, None, 0
    while off < len(data):
        ts, us, incl, orig = struct.unpack('<IIII', data[off:off + 16])
        t = ts * 1000000 + us
        if first is None:
            first = t
            shift = 0 if t_end is None else t_end + 10000000 - t
        t += shift
        recs.append(struct.pack('<IIII', t // 1000000, t % 1000000, incl, orig) + data[off + 16:off + 16 + incl])
        t_end = t
        off += 16 + incl
open(out, 'wb').write(hdr + b''.join(recs))
PY
}
cat_pcaps "$T/a.pcap" "$D/root-lun0-logout.pcap" "$D/good-pi4-proxy-iscsi.pcap"
expect_exit 0 "$PINETBOOT" monitor -r "$T/a.pcap" -q
expect_grep '^dc:a6:32:1c:6a:2a .*booted: root in use (stage 8.*recovered after a failure at stage 8 \[' "$T/out"
expect_grep 'stage 8 warning: ' "$T/out"
cat_pcaps "$T/b.pcap" "$D/firmware-not-found.pcap" "$D/good-pi4-proxy-iscsi.pcap"
expect_exit 0 "$PINETBOOT" monitor -r "$T/b.pcap" -q
expect_grep 'booted: root in use.*recovered after a failure at stage 4 \[' "$T/out"
# and the other way round the failure of the last attempt stands
cat_pcaps "$T/c.pcap" "$D/good-pi4-proxy-iscsi.pcap" "$D/firmware-not-found.pcap"
expect_exit 1 "$PINETBOOT" monitor -r "$T/c.pcap" -q
exit 0
