#!/usr/bin/env bash
# The ISC dhcpd fragment, wrapped in a minimal dhcpd.conf, passes `dhcpd -t`; the Kea fragment,
# merged into a minimal Dhcp4 configuration, passes `kea-dhcp4 -t`. Both carry option 43 with
# sub-options 6/10/9, option 66 equal to next-server, and one entry per Pi.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/mksite.sh"
mksite "$T/site.conf" dhcp=isc
# the last Pi (studio) carries escape-hatch options: a known text option and a site-specific one
printf 'dhcp_option = 17,iscsi:192.168.20.2:::1:iqn.2024-01.local:studio\ndhcp_option = 224,pivot|a b\n' >>"$T/site.conf"
expect_exit 0 "$PINETBOOT" export "$T/site.conf" -o "$T/exp"
frag="$T/exp/dhcp/dhcpd-pinetboot.conf"
o43='06:01:03:0a:04:00:50:58:45:09:17:00:00:14:52:61:73:70:62:65:72:72:79:20:50:69:20:42:6f:6f:74:20:20:20:ff'
expect_grep "option vendor-encapsulated-options $o43;" "$frag"
expect_grep 'next-server 192.168.20.1;' "$frag"
expect_grep 'option tftp-server-name "192.168.20.1";' "$frag"
[[ $(grep -c 'hardware ethernet' "$frag") -eq 3 ]] || fail "expected 3 host entries"
expect_grep 'option root-path "iscsi:192.168.20.2:::1:iqn.2024-01.local:studio";' "$frag"
expect_grep 'option unknown-224 "pivot|a b";' "$frag"
if command -v dhcpd >/dev/null; then
  dhcpd_wrap "$frag" "$T/dhcpd.conf"
  dhcpd -t -cf "$T/dhcpd.conf" >"$T/dhcpd.out" 2>&1 || { cat "$T/dhcpd.out"; fail "dhcpd -t"; }
else
  echo "dhcpd not installed: ISC check skipped"
fi
need kea-dhcp4 jq
kea="$T/exp/dhcp/kea-dhcp4-pinetboot.json"
jq -e '."client-classes"[0].test | test("PXEClient") and test("0xdca6321c6a2a")' "$kea" >/dev/null ||
  fail "Kea class test lacks the vendor class or a MAC"
jq -e '."client-classes"[0]."option-data"[] | select(.code == 43) | .data == "0601030A0400505845091700001452617370626572727920506920426F6F74202020FF"' "$kea" >/dev/null ||
  fail "Kea option 43 data"
# option 224 "pivot|a b" as hex bytes on the studio reservation
jq -e '.reservations[] | select(."hw-address" == "2c:cf:67:01:02:03") | ."option-data"[] | select(.code == 224) | .data == "7069766F747C612062" and ."csv-format" == false' "$kea" >/dev/null ||
  { cat "$kea"; fail "Kea reservation option 224"; }
jq -n --slurpfile f "$kea" '{Dhcp4: {
  "interfaces-config": {interfaces: ["lo"]},
  "lease-database": {type: "memfile", persist: false},
  "client-classes": $f[0]."client-classes",
  subnet4: [{id: 1, subnet: "192.168.20.0/24", pools: [{pool: "192.168.20.100 - 192.168.20.199"}],
             reservations: $f[0].reservations}]}}' >"$T/kea.json"
kea-dhcp4 -t "$T/kea.json" >"$T/kea.out" 2>&1 || { cat "$T/kea.out"; fail "kea-dhcp4 -t"; }
exit 0
