#!/usr/bin/env bash
# On the wire, for the ISC dhcpd and Kea fragments: the real daemon, started inside a test
# namespace with the generated fragment wrapped in a minimal configuration, offers a known Pi
# an address with option 43 whose boot menu text is exactly "Raspberry Pi Boot   ", option 66
# and next-server naming the server; a client not in the profile gets no Pi boot menu.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/mksite.sh"
need_root
need ip python3 jq
wire_pair d
probe="$(dirname "$0")/dhcp_probe.py"
mksite "$T/site.conf" dhcp=isc
expect_exit 0 "$PINETBOOT" export "$T/site.conf" -o "$T/exp"

check_offers() { # LABEL
  ip netns exec "$cli" python3 "$probe" "$vc" dc:a6:32:1c:6a:2a 8 >"$T/known" ||
    { cat "$T/daemon.log"; fail "$1: no offer for a Pi in the profile"; }
  cat "$T/known"
  expect_grep "^menu='Raspberry Pi Boot   '$" "$T/known"
  expect_grep "^siaddr=192.168.20.1$" "$T/known"
  expect_grep "^opt66=192.168.20.1$" "$T/known"
  expect_grep "^yiaddr=192.168.20.1[0-9][0-9]$" "$T/known"
  ip netns exec "$cli" python3 "$probe" "$vc" dc:a6:32:99:99:99 4 >"$T/unknown" || true
  expect_no_grep "Raspberry Pi Boot" "$T/unknown"
}
wait_port() {
  for _ in $(seq 50); do
    ip netns exec "$srv" ss -uln 2>/dev/null | grep -q ':67 ' && return 0
    sleep 0.1
  done
  return 0 # raw-socket servers do not show a bound port; the probe waits long enough
}

ran=0
if command -v dhcpd >/dev/null; then
  dhcpd_wrap "$T/exp/dhcp/dhcpd-pinetboot.conf" "$T/dhcpd.conf"
  touch "$T/dhcpd.leases"
  ip netns exec "$srv" dhcpd -f -4 -cf "$T/dhcpd.conf" -lf "$T/dhcpd.leases" -pf "$T/dhcpd.pid" \
    "$vs" >"$T/daemon.log" 2>&1 &
  pid=$!
  on_exit "kill $pid 2>/dev/null; wait $pid 2>/dev/null"
  wait_port
  check_offers "ISC dhcpd"
  kill "$pid"; wait "$pid" 2>/dev/null
  ran=$((ran + 1))
fi
if command -v kea-dhcp4 >/dev/null; then
  kea="$T/exp/dhcp/kea-dhcp4-pinetboot.json"
  kea_conf "$kea" "$vs" 192.168.20.0/24 "192.168.20.100 - 192.168.20.199" >"$T/kea.json"
  kea_start "$srv" "$T/kea.json" "$T/daemon.log"
  pid=$KEA_PID
  on_exit "kill $pid 2>/dev/null; wait $pid 2>/dev/null"
  wait_grep "DHCP4_STARTED" "$T/daemon.log" 20 "$pid" || { cat "$T/daemon.log"; fail "kea-dhcp4 did not start"; }
  check_offers "Kea"
  ran=$((ran + 1))
fi
[[ $ran -gt 0 ]] || skip "neither dhcpd nor kea-dhcp4 is installed"
exit 0
