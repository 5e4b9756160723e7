#!/usr/bin/env bash
# Fleet boot: N virtual Pis (default 50; PNB_FLEET=N) boot at once through the lab — router
# DHCP (no-ping unless PNB_FLEET_PING=1), proxy DHCP + TFTP (dnsmasq), one tgtd target per Pi
# with its own ACL — each in its own thread and network namespace (`pinetboot simulate --all`).
# Prints the wall time and Pis per second.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
export PINETBOOT="$PWD/$BUILD/pinetboot" PNB_BUILD="$PWD/$BUILD"
. tests/lib.sh
skip() { echo "vpi_fleet: skipped: $*"; exit 0; }  # a bench that cannot run is no failure
. tests/lab/lab.sh
need dnsmasq
N=${PNB_FLEET:-50}
lab_boot_net
lab_tgtd "$SRV"
BASE=iqn.2026-11.lan.example
TFTP=$T/tftp
lab_tftp_tree "$TFTP" common
{ printf '[server]\ninterface = eth0\naddress = 10.77.0.1/24\ntftp_root = %s\niqn_base = %s\n' "$TFTP" "$BASE"; } >"$T/site.conf"
sed -i 's/10.77.0.100,10.77.0.199/10.77.0.10,10.77.0.250/' "$T/rtr.conf"; [[ -z "${PNB_FLEET_PING:-}" ]] || sed -i '/^no-ping$/d' "$T/rtr.conf"
lab_dnsmasq_stop rtr; lab_dnsmasq rtr "$RTR" "$T/rtr.conf"
lab_image "$T/root.img" 40 0000F1EE 77777777-2222-3333-4444-555555555555
for i in $(seq 1 "$N"); do
  serial=$(printf 'f1ee%04x' "$i") mac=$(printf 'dc:a6:32:f1:%02x:%02x' $((i / 256)) $((i % 256)))
  cp -al "$TFTP/common" "$TFTP/$serial"
  rm "$TFTP/$serial/cmdline.txt" 2>/dev/null
  echo "ip=dhcp iscsi_initiator=$BASE:pi$i iscsi_target_name=$BASE:root-pi$i iscsi_target_ip=10.77.0.1 root=LABEL=rootfs ro" >"$TFTP/$serial/cmdline.txt"
  cp --sparse=always "$T/root.img" "$T/pi$i.img"
  lab_target "$i" "$BASE:root-pi$i" "$T/pi$i.img" "$BASE:pi$i"
  printf '[pi "pi%d"]\nmodel = 4B\nserial = %s\nmac = %s\ntftp_prefix = serial\n' "$i" "$serial" "$mac" >>"$T/site.conf"
done
lab_proxy "$TFTP" "Raspberry Pi Boot   "
t0=$(date +%s.%N)
ip netns exec "$PI" "$PINETBOOT" simulate --site "$T/site.conf" --all -i eth0 --timeout 60 >"$T/fleet" 2>&1
rc=$?
t1=$(date +%s.%N)

tail -n 1 "$T/fleet"
grep -v 'reached 8 "root in use"' "$T/fleet" | grep -v ' Pis' | head -5
awk -v n="$N" -v a="$t0" -v b="$t1" 'BEGIN { printf "fleet: %d virtual Pis to \"root in use\" in %.2f s (%.1f Pis/s)\n", n, b - a, n / (b - a) }'
exit $rc
