#!/usr/bin/env bash
# Live capture: `pinetboot monitor -i`, run inside a test network namespace, on one end of a
# veth pair whose other end sits in a second test namespace, where pnb_replay sends the Pi 4
# boot capture (neither end is in the host's namespace). Checks the decoded lines, the kernel
# drop counters on exit, that -w saved the packets, and that root was dropped before the save
# file was opened (it belongs to nobody).
. "$(dirname "$0")/../lib.sh"
live_pair m
chmod 0711 "$T"
mkdir -m 0777 "$T/save"
live_monitor_replay "$a" "$PINETBOOT" monitor -i "$a" --duration 5 -w "$T/save/live.pcap"
cat "$T/replay"
expect_grep 'DHCP Discover xid 0xabcd0001' "$T/out"
expect_grep 'TFTP transfer "5a000101/kernel8.img" to 192.168.20.101 complete' "$T/out"
expect_grep 'initramfs8' "$T/out"
expect_grep 'received by the filter, 0 dropped by the kernel' "$T/err"
[[ -s "$T/save/live.pcap" ]] || fail "-w wrote nothing"
[[ $(stat -c %U "$T/save/live.pcap") == nobody ]] || fail "root was not dropped before -w"
"$PINETBOOT" monitor -q -r "$T/save/live.pcap" >"$T/re" 2>&1
expect_grep 'dc:a6:32:10:00:01' "$T/re"
