#!/usr/bin/env bash
# t_offers_ignored — a Pi that gets boot offers and DISCOVERs again and again without a
# REQUEST or a TFTP read has had its offers rejected by its boot ROM: a failure at stage 2/3
# even when the capture ends right after the last DISCOVER (issue 12). A Pi 3B+ (option 97
# GUID) gets the Pi 3 causes; a Pi 4 MAC without option 97 gets "offers-ignored", said as
# likely because its model comes from the MAC only.
source "$(dirname "$0")/../lib.sh"
gen() { # MAC GUID(hex or -) OUT
PYTHONPATH="$PNB_TOP/tests/tools" python3 - "$@" <<'PY' || fail "python"
import struct, sys
from udp_pcap import frame, write_pcap
mac = bytes.fromhex(sys.argv[1].replace(':', '')); guid = sys.argv[2]; out = sys.argv[3]
def bootp(op, yi, si, opts):
    h = struct.pack('!BBBBIHHIIII', op, 1, 6, 0, 0x5150, 0, 0, 0, yi, si, 0) + mac + b'\0' * 10
    return h + b'\0' * 192 + b'\x63\x82\x53\x63' + opts + b'\xff'
srv = bytes.fromhex('020000000001')
vc = b'PXEClient:Arch:00000:UNDI:002001'
disc = b'\x35\x01\x01' + bytes([60, len(vc)]) + vc + bytes([93, 2, 0, 0])
if guid != '-':
    g = bytes.fromhex(guid); disc += bytes([97, len(g)]) + g
menu = b'Raspberry Pi Boot   '
o43 = bytes([6, 1, 3, 10, 4, 0]) + b'PXE' + bytes([9, 4 + len(menu), 0, 0, len(menu)]) + menu + b'\xff'
offer = (b'\x35\x01\x02' + bytes([54, 4, 10, 0, 0, 1, 1, 4, 255, 255, 255, 0, 60, 9]) + b'PXEClient'
         + bytes([43, len(o43)]) + o43 + bytes([66, 8]) + b'10.0.0.1')
pkts = []
for i in range(5):
    pkts.append((i * 1000000, frame(mac, b'\xff' * 6, b'\0' * 4, b'\xff' * 4, 68, 67, bootp(1, 0, 0, disc))))
    pkts.append((i * 1000000 + 2000, frame(srv, b'\xff' * 6, bytes([10, 0, 0, 1]), b'\xff' * 4, 67, 68,
                                        bootp(2, 0x0a000064, 0x0a000001, offer))))
write_pcap(out, pkts)
PY
}
# Pi 3B+: its ROM sends a real GUID (not the 3B's 0x44 bytes)
gen b8:27:eb:01:02:03 00112233445566778899aabbccddeeff00 "$T/pi3bplus.pcap"
expect_exit 1 "$PINETBOOT" monitor -r "$T/pi3bplus.pcap" -q
expect_grep '^b8:27:eb:01:02:03 3B+ .*failed at stage [23]' "$T/out"
# Pi 4 MAC, no option 97: the model is a guess from the OUI
gen dc:a6:32:01:02:03 - "$T/pi4.pcap"
expect_exit 1 "$PINETBOOT" monitor -r "$T/pi4.pcap" -q
expect_grep 'failed at stage 3 (address bound): the Pi ignored [0-9]* offers.*likely rejected them.*\[offers-ignored\]' "$T/out"
expect_grep 'fix: 1) ' "$T/out"
exit 0
