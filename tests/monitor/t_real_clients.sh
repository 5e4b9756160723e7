#!/usr/bin/env bash
# t_real_clients — captures of REAL DHCP clients with Raspberry Pi MAC addresses that are not
# network booting (dhcpcd, udhcpc, dhclient, systemd-networkd, NetworkManager's internal client,
# lease renewals, an INIT-REBOOT NAK, a renewal after 65 s, the boot server itself on a Pi MAC), answered by a real dnsmasq configured as a
# netboot server (tests/data/pcaps/real-clients/, made by scripts/capture-real-clients.sh):
# none of them may fail a boot stage; each Pi-MAC client is listed as not network booting.
source "$(dirname "$0")/../lib.sh"
dir="$PNB_TOP/tests/data/pcaps/real-clients"
n=0
for cap in "$dir"/*.pcap; do
  name=$(basename "$cap" .pcap)
  "$PINETBOOT" monitor -r "$cap" --json >"$T/$name.json" 2>"$T/$name.err"
  rc=$?
  [[ $rc -eq 0 ]] || fail "$name: exit $rc (a host doing ordinary DHCP failed): $(tail -n 1 "$T/$name.json")"
  sum=$(tail -n 1 "$T/$name.json")
  grep -q '"summary": true' <<<"$sum" || fail "$name: no JSON summary"
  grep -q '"failed":[0-9]' <<<"$sum" && fail "$name: a Pi failed: $sum"
  # every Pi listed is listed as an OS client, not as a netbooting Pi
  pis=$(grep -o '"mac":"[0-9a-f:]*"' <<<"$sum" | wc -l)
  os=$(grep -o '"netboot":false' <<<"$sum" | wc -l)
  [[ $pis -eq $os ]] || fail "$name: $pis Pis listed, $os as not network booting: $sum"
  n=$((n + 1))
done
[[ $n -ge 11 ]] || fail "only $n captures in $dir"
# What told them apart is said in the table.
"$PINETBOOT" monitor -r "$dir/udhcpc-pi3.pcap" -q >"$T/table" || fail "udhcpc-pi3 table"
expect_grep 'not network booting: .*vendor class "udhcp 1.35.0"' "$T/table"
"$PINETBOOT" monitor -r "$dir/udhcpc-renew-65s.pcap" -q >"$T/table" || fail "renew-65s table"
expect_grep 'dc:a6:32:aa:00:07 .* not network booting' "$T/table"
# systemd-networkd (DUID client identifier, renewal at T1, RELEASE): the client identifier
# tells, and the table says so.
"$PINETBOOT" monitor -r "$dir/networkd-renew-pi4.pcap" -q >"$T/table" || fail "networkd table"
expect_grep 'dc:a6:32:aa:00:09 .* not network booting: .*client identifier (option 61)' "$T/table"
# NetworkManager's internal client asks for the root path (17) as the kernel does; it was
# taken for a netbooting Pi's kernel (stages 1-6 "done" without one TFTP packet).
"$PINETBOOT" monitor -r "$dir/nm-renew-pi4.pcap" -q >"$T/table" || fail "nm table"
expect_grep 'dc:a6:32:aa:00:0a .* not network booting: .*client identifier (option 61)' "$T/table"
"$PINETBOOT" monitor -r "$dir/nm-reboot-pi4.pcap" -q >"$T/table" || fail "nm reboot table"
expect_grep 'dc:a6:32:aa:00:0b .* not network booting' "$T/table"
# The same exchanges as dnsmasq logged them with log-dhcp (tests/data/logs/real-clients/, kept
# by the capture script with PNB_RC_LOGS): the log alone must give the capture's verdict —
# exit 0, no failed stage, every Pi listed as not network booting (NetworkManager's client
# was read as a netbooting Pi's kernel, stages 1-6 done, when the host name and parameter
# list dnsmasq logs after the reply were skipped).
ldir="$PNB_TOP/tests/data/logs/real-clients"
nl=0
for log in "$ldir"/*.dnsmasq.log; do
  name=$(basename "$log" .dnsmasq.log)
  [[ -f $dir/$name.pcap ]] || fail "$name: no capture beside the log"
  for fmt in --json -q; do
    "$PINETBOOT" monitor --log "$log" $fmt >"$T/$name.log.out" 2>"$T/$name.log.err"
    rc=$?
    [[ $rc -eq 0 ]] || fail "$name log $fmt: exit $rc: $(tail -n 3 "$T/$name.log.out")"
  done
  "$PINETBOOT" monitor --log "$log" --json >"$T/$name.log.json" 2>/dev/null
  sum=$(tail -n 1 "$T/$name.log.json")
  grep -q '"failed":[0-9]' <<<"$sum" && fail "$name log: a Pi failed: $sum"
  pis=$(grep -o '"mac":"[0-9a-f:]*"' <<<"$sum" | sort -u | wc -l)
  os=$(grep -o '"netboot":false' <<<"$sum" | wc -l)
  [[ $pis -ge 1 && $pis -eq $os ]] || fail "$name log: $pis Pis listed, $os as not network booting: $sum"
  # the same Pis as the capture's verdict
  cap=$(tail -n 1 "$T/$name.json" | grep -o '"mac":"[0-9a-f:]*"' | sort -u)
  got=$(grep -o '"mac":"[0-9a-f:]*"' <<<"$sum" | sort -u)
  [[ $cap == "$got" ]] || fail "$name: the log lists $got, the capture $cap"
  nl=$((nl + 1))
done
[[ $nl -ge 5 ]] || fail "only $nl dnsmasq logs in $ldir"
"$PINETBOOT" monitor --log "$ldir/nm-renew-pi4.dnsmasq.log" -q >"$T/table" || fail "nm log table"
expect_grep 'dc:a6:32:aa:00:0a .* not network booting: .*host name' "$T/table"
