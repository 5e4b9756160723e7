#!/usr/bin/env bash
# t_linktypes — raw IP captures (LINKTYPE_RAW, as tcpdump writes on a tun device) decode like
# Ethernet ones, with no made-up MAC address; a capture whose link type is not decoded says so
# and exits 2 instead of "no Pi seen" with exit 0.
source "$(dirname "$0")/../lib.sh"
pcap="$PNB_TOP/tests/monitor/pcaps/pi4-boot.pcap"
# Rewrite the Pi 4 boot capture: Ethernet headers off (IPv4 frames only), link type 101; and the
# same bytes under link type 105 (802.11), which is not decoded.
python3 - "$pcap" "$T/raw.pcap" "$T/wifi.pcap" <<'PY' || fail "python"
import struct, sys
data = open(sys.argv[1], 'rb').read()
magic, vmaj, vmin, tz, sig, snap, lt = struct.unpack('<IHHiIII', data[:24])
assert magic == 0xa1b2c3d4 and lt == 1
raw, wifi, off = [], [], 24
while off < len(data):
    ts, us, incl, orig = struct.unpack('<IIII', data[off:off + 16])
    pkt = data[off + 16:off + 16 + incl]
    off += 16 + incl
    wifi.append(struct.pack('<IIII', ts, us, incl, orig) + pkt)
    if pkt[12:14] == b'\x08\x00':
        raw.append(struct.pack('<IIII', ts, us, incl - 14, orig - 14) + pkt[14:])
for path, lt2, pkts in ((sys.argv[2], 101, raw), (sys.argv[3], 105, wifi)):
    with open(path, 'wb') as f:
        f.write(struct.pack('<IHHiIII', magic, vmaj, vmin, tz, sig, snap, lt2) + b''.join(pkts))
PY
"$PINETBOOT" monitor -r "$pcap" -q >"$T/eth.out"
"$PINETBOOT" monitor -r "$T/raw.pcap" >"$T/raw.out" 2>"$T/raw.err"
rc=$?
[[ $rc -eq 1 ]] || fail "raw IP capture: exit $rc, want 1 (the Pi 4 fails at stage 5 as with Ethernet)"
expect_grep 'DHCP Discover xid 0xabcd0001 chaddr dc:a6:32:10:00:01' "$T/raw.out"
# the same verdict as from Ethernet framing (the table's Pi line)
grep '^dc:a6:32:10:00:01' "$T/eth.out" >"$T/want"
grep '^dc:a6:32:10:00:01' "$T/raw.out" >"$T/got"
cmp -s "$T/want" "$T/got" || fail "raw IP verdict differs: $(cat "$T/got") vs $(cat "$T/want")"
grep -q '00:00:00:00:00:00' "$T/raw.out" && fail "a made-up MAC address in the raw IP output"
"$PINETBOOT" monitor -r "$T/raw.pcap" --json >"$T/raw.json"
grep -q '"src_mac":"00:00:00:00:00:00"' "$T/raw.json" && fail "a made-up MAC address in JSON"
# not decoded: said, exit 2, input_error in the summary
"$PINETBOOT" monitor -r "$T/wifi.pcap" >"$T/wifi.out" 2>"$T/wifi.err"
rc=$?
[[ $rc -eq 2 ]] || fail "802.11 capture: exit $rc, want 2"
expect_grep 'link type 105 (IEEE802_11) is not decoded' "$T/wifi.err"
grep -q '00:00:00:00:00:00' "$T/wifi.out" && fail "a made-up MAC address for undecoded frames"
"$PINETBOOT" monitor -r "$T/wifi.pcap" --json -q >"$T/wifi.json" 2>/dev/null
expect_grep '"input_error": "link type 105 (IEEE802_11) is not decoded: none of the 75 packets' "$T/wifi.json"
exit 0
