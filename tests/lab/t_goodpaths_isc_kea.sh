#!/usr/bin/env bash
# Good path with the other DHCP servers on the wire: the exported ISC dhcpd fragment (in a
# minimal dhcpd.conf), then the exported Kea class and reservations (in a minimal Dhcp4
# config), each the only DHCP server, with dnsmasq doing TFTP only from the same export; a Pi
# 3B, 3B+, 4B and 5 reach stage 8 with each (rfc4173 root= in cmdline.txt), and the monitor
# on the bridge agrees (see goodpaths.sh).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lab.sh"
. "$(dirname "$0")/goodpaths.sh"
need dhcpd kea-dhcp4 jq
gp_setup isc
expect_no_grep "dhcp-range" "$T/exp/dnsmasq.d/pinetboot.conf"
gp_dhcpd
gp_boot isc
gp_dhcp_stop
# the same site with dhcp = kea: the Pis' files do not change, only the DHCP server
sed -i 's/^dhcp = isc$/dhcp = kea/' "$T/site.conf"
expect_exit 1 "$PINETBOOT" export "$T/site.conf" -o "$T/exp" --diff
# (and the line dhcp = isc adds to dhcpd.conf is no longer part of it)
[[ $(awk '/^diff /{print $NF}' "$T/out") == $'b/README.txt\nb/dhcp/dhcpd.conf-include' ]] ||
  { cat "$T/out"; fail "dhcp = kea changed more than README.txt"; }
expect_exit 0 "$PINETBOOT" export "$T/site.conf" -o "$T/exp"
gp_kea
gp_boot kea
exit 0
