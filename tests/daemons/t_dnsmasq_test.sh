#!/usr/bin/env bash
# The generated dnsmasq drop-in passes `dnsmasq --test` in proxy and full mode, with dnsmasq
# and tftpd-hpa as the TFTP server; it carries the exact menu text and the Pi 3 reply delay.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/mksite.sh"
need dnsmasq
for mode in "dhcp=proxy" "dhcp=full router=192.168.20.254 dns=192.168.20.53" \
            "dhcp=proxy tftp=tftpd-hpa" "dhcp=isc tftp=dnsmasq"; do
  # shellcheck disable=SC2086
  mksite "$T/site.conf" $mode
  rm -rf "$T/exp"
  expect_exit 0 "$PINETBOOT" export "$T/site.conf" -o "$T/exp"
  conf="$T/exp/dnsmasq.d/pinetboot.conf"
  [[ -f "$conf" ]] || fail "$mode: no dnsmasq drop-in"
  dnsmasq --test -C "$conf" >"$T/test.out" 2>&1 || { cat "$T/test.out"; fail "$mode: dnsmasq --test"; }
  expect_grep "syntax check OK" "$T/test.out"
  case "$mode" in
    *proxy*)
      expect_grep '^dhcp-range=tag:pinetboot,192.168.20.0,proxy,255.255.255.0$' "$conf"
      expect_grep '^pxe-service=tag:pinetboot,0,"Raspberry Pi Boot   "$' "$conf"
      expect_grep '^dhcp-reply-delay=tag:pinetboot-pi3,1$' "$conf"
      expect_grep '^dhcp-host=b8:27:eb:af:9c:61,set:pinetboot,set:pinetboot-pi3$' "$conf" ;;
    *full*)
      expect_grep '^dhcp-range=192.168.20.100,192.168.20.199,255.255.255.0,12h$' "$conf"
      expect_grep '^dhcp-option=option:router,192.168.20.254$' "$conf"
      expect_no_grep 'dhcp-reply-delay' "$conf" ;;
    *isc*)
      expect_no_grep 'dhcp-range' "$conf"
      expect_grep '^enable-tftp$' "$conf" ;;
  esac
  if [[ "$mode" == *tftpd-hpa* ]]; then
    expect_no_grep 'enable-tftp' "$conf"
    expect_grep '^TFTP_DIRECTORY="/srv/tftp"$' "$T/exp/default/tftpd-hpa"
  fi
done
# unknown Pis are not answered: every dhcp-host sets the tag the menu needs, nothing else does
grep -q '^pxe-service=0' "$conf" && fail "untagged pxe-service"
exit 0
