#!/usr/bin/env bash
# On the wire: real dnsmasq, started with the generated proxy-DHCP drop-in inside a test
# namespace, answers a DISCOVER that carries the Pi vendor class (from a MAC in the profile)
# with option 43 whose boot menu text is exactly "Raspberry Pi Boot   ", and does not answer
# a Pi whose MAC is not in the profile; its TFTP serves the per-Pi directories. Then the
# full-DHCP drop-in: an address from the range,
# the router, and the same menu for a known Pi only. Two namespaces joined by a veth pair; the addresses
# exist only inside them. tshark, when installed, decodes the capture as a second opinion.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/mksite.sh"
need_root
need dnsmasq ip python3
wire_pair w

mkdir -p "$T/tftp"
PNB_IFACE=$vs mksite "$T/site.conf" dhcp=proxy "tftp_root=$T/tftp"
expect_exit 0 "$PINETBOOT" export "$T/site.conf" -o "$T/exp"
start_dnsmasq() {
  ip netns exec "$srv" dnsmasq --keep-in-foreground --conf-file="$T/exp/dnsmasq.d/pinetboot.conf" \
    --port=0 --user=root --pid-file="$T/dnsmasq.pid" --dhcp-leasefile="$T/leases" \
    --log-facility=- >"$T/dnsmasq.log" 2>&1 &
  dnsmasq_pid=$!
  on_exit "kill $dnsmasq_pid 2>/dev/null; wait $dnsmasq_pid 2>/dev/null"
  for _ in $(seq 200); do
    ip netns exec "$srv" ss -uln 2>/dev/null | grep -q ':67 ' && break
    sleep 0.1
  done
  kill -0 "$dnsmasq_pid" 2>/dev/null || { cat "$T/dnsmasq.log"; fail "dnsmasq did not start"; }
}
start_dnsmasq

if command -v tshark >/dev/null; then
  ip netns exec "$cli" tshark -q -i "$vc" -w "$T/wire.pcap" -f "udp port 67 or udp port 68" \
    >"$T/tshark.log" 2>&1 &
  tshark_pid=$!
  on_exit "kill $tshark_pid 2>/dev/null; wait $tshark_pid 2>/dev/null"
  for _ in $(seq 200); do grep -q Capturing "$T/tshark.log" && break; sleep 0.1; done
fi

probe="$(dirname "$0")/dhcp_probe.py"
# the Pi 4 of the profile
ip netns exec "$cli" python3 "$probe" "$vc" dc:a6:32:1c:6a:2a 2 >"$T/known" ||
  { cat "$T/known" "$T/dnsmasq.log"; fail "no offer for a Pi in the profile"; }
cat "$T/known"
expect_grep "^menu='Raspberry Pi Boot   '$" "$T/known"
expect_grep "^opt43=0601030a04005058450917000014526173706265727279205069204" "$T/known"
expect_grep "^opt60=PXEClient$" "$T/known"
expect_grep "^opt54=192.168.20.1$" "$T/known"
# the Pi 3 of the profile: answered too, after the reply delay
ip netns exec "$cli" python3 "$probe" "$vc" b8:27:eb:af:9c:61 3 >"$T/pi3" ||
  { cat "$T/dnsmasq.log"; fail "no offer for the Pi 3 in the profile"; }
expect_grep "^menu='Raspberry Pi Boot   '$" "$T/pi3"
# a Pi that is not in the profile gets nothing
if ip netns exec "$cli" python3 "$probe" "$vc" dc:a6:32:99:99:99 2 >"$T/unknown"; then
  cat "$T/unknown"; fail "an unknown Pi was answered"
fi

if [[ -n "${tshark_pid:-}" ]]; then
  sleep 0.5
  kill "$tshark_pid" 2>/dev/null; wait "$tshark_pid" 2>/dev/null
  tshark -r "$T/wire.pcap" -Y 'dhcp.option.dhcp == 2' -T fields -e dhcp.hw.mac_addr \
    -e dhcp.option.vendor_class_id >"$T/tshark.out" 2>&1 || true
  cat "$T/tshark.out"
  expect_grep "dc:a6:32:1c:6a:2a	PXEClient" "$T/tshark.out"
  expect_no_grep "dc:a6:32:99:99:99" "$T/tshark.out"
fi

# TFTP from the per-Pi directory, as the Pi 4 asks for it (<prefix>/file, blksize 1024)
cp -r "$T/exp/tftp/." "$T/tftp/"
ip -n "$cli" addr add 192.168.20.50/24 dev "$vc"
tget="$(dirname "$0")/tftp_get.py"
ip netns exec "$cli" python3 "$tget" 192.168.20.1 dc-a6-32-1c-6a-2a/cmdline.txt >"$T/got" ||
  { cat "$T/dnsmasq.log"; fail "TFTP of dc-a6-32-1c-6a-2a/cmdline.txt"; }
cmp "$T/got" "$T/exp/tftp/dc-a6-32-1c-6a-2a/cmdline.txt" || fail "TFTP served other bytes"
ip netns exec "$cli" python3 "$tget" 192.168.20.1 2caf9c61/config.txt >"$T/got" || fail "TFTP, Pi 3 dir"
cmp "$T/got" "$T/exp/tftp/2caf9c61/config.txt" || fail "TFTP served other bytes (Pi 3)"
ip -n "$cli" addr del 192.168.20.50/24 dev "$vc"

# full DHCP: the known Pi gets an address from the range, the router and the menu; an unknown
# client may get an address but never the Pi boot menu
kill "$dnsmasq_pid"; wait "$dnsmasq_pid" 2>/dev/null
PNB_IFACE=$vs mksite "$T/site.conf" dhcp=full router=192.168.20.254 "tftp_root=$T/tftp"
expect_exit 0 "$PINETBOOT" export "$T/site.conf" -o "$T/exp"
start_dnsmasq
ip netns exec "$cli" python3 "$probe" "$vc" dc:a6:32:1c:6a:2a 6 >"$T/full" ||
  { cat "$T/dnsmasq.log"; fail "full DHCP: no offer for a Pi in the profile"; }
cat "$T/full"
expect_grep "^yiaddr=192.168.20.1[0-9][0-9]$" "$T/full"
expect_grep "^menu='Raspberry Pi Boot   '$" "$T/full"
# the kernel's own DHCP (ip=dhcp) asks for the router, and gets it
ip netns exec "$cli" python3 "$probe" --kernel "$vc" dc:a6:32:1c:6a:2a 6 >"$T/kernel" ||
  { cat "$T/dnsmasq.log"; fail "full DHCP: no offer for the kernel's DISCOVER"; }
expect_grep "^router=192.168.20.254$" "$T/kernel"
ip netns exec "$cli" python3 "$probe" "$vc" dc:a6:32:99:99:99 4 >"$T/full-unknown" || true
expect_no_grep "Raspberry Pi Boot" "$T/full-unknown"
exit 0
