#!/usr/bin/env bash
# tftp_prefix = none: a flat layout. Export puts the Pi's cmdline.txt and config.txt straight
# under tftp/ (installed in tftp_root itself), bootconf.txt asks for TFTP_PREFIX=1 with an empty
# TFTP_PREFIX_STR, the profile round-trips, and a Pi 3 may use it beside a serial-dir Pi 4.
. "$(dirname "$0")/../lib.sh"
site_server "$T/site.conf" address=192.168.20.1/24 dhcp=proxy iqn_base=iqn.2026-11.lan.example \
  tftp_root=/srv/tftp
site_pi "$T/site.conf" $PI_KITCHEN tftp_prefix=none size=16G
site_pi "$T/site.conf" $PI_SHED size=16G
expect_exit 0 "$PINETBOOT" lint "$T/site.conf"
expect_exit 0 "$PINETBOOT" export "$T/site.conf" -o "$T/out1"
O="$T/out1"
[[ -f "$O/tftp/cmdline.txt" && -f "$O/tftp/config.txt" ]] ||
  { find "$O" -type f; fail "flat Pi's cmdline.txt/config.txt not directly under tftp/"; }
[[ -f "$O/tftp/b7f44626/cmdline.txt" ]] || fail "the serial-dir Pi lost its directory"
bc=$(find "$O" -path '*kitchen*' -name bootconf.txt -o -path '*/tftp/bootconf.txt' | head -n 1)
[[ -n "$bc" ]] || { find "$O" -type f; fail "no bootconf.txt for the flat Pi"; }
expect_grep '^TFTP_PREFIX=1$' "$bc"
expect_grep '^TFTP_PREFIX_STR=$' "$bc"
expect_grep 'kitchen:.*TFTP directory none (its files live in the TFTP root)' "$O/README.txt"
# a Pi 3 with no serial directory reads the root too: none is allowed for it
site_server "$T/pi3.conf" address=192.168.20.1/24 dhcp=proxy iqn_base=iqn.2026-11.lan.example
site_pi "$T/pi3.conf" $PI_GARAGE tftp_prefix=none size=16G
expect_exit 0 "$PINETBOOT" lint "$T/pi3.conf"
expect_exit 0 "$PINETBOOT" export "$T/pi3.conf" -o "$T/out2"
[[ -f "$T/out2/tftp/cmdline.txt" ]] || { find "$T/out2" -type f; fail "flat Pi 3 not in tftp/"; }
echo "flat layout exported"
