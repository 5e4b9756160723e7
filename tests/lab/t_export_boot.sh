#!/usr/bin/env bash
# End to end from the profile: `pinetboot export` renders the dnsmasq proxy config, the tgt
# targets (ACL, CHAP) and each Pi's cmdline.txt/config.txt/fstab; the lab runs exactly those
# (dnsmasq, tgt-admin into a tgtd of its own) over stand-in firmware and small disk images, and
# then iscsi-check and simulate must reach each Pi's root: a Pi 4 (MAC prefix, CHAP, root=UUID)
# and a Pi 3B (serial directory, no CHAP, root= as the by-path name, the reply delay).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lab.sh"
need dnsmasq tgt-admin
lab_boot_net
lab_tgtd "$SRV"
BASE=iqn.2026-11.lan.example
UUID=3d2f7a10-5b1c-4e8e-9a11-0c0ffee0beef
mkdir -p "$T/iscsi" "$T/tftp"
site_server "$T/site.conf" dhcp=proxy tftp_root="$T/tftp" root=iscsi iscsi_target=tgt iqn_base="$BASE" initramfs=initramfs-tools
site_pi "$T/site.conf" $PI_KITCHEN tftp_prefix=mac backing="$T/iscsi/kitchen.img" size=64M chap=yes root_uuid="$UUID"
site_pi "$T/site.conf" $PI_GARAGE backing="$T/iscsi/garage.img" size=64M chap=no
expect_exit 0 "$PINETBOOT" export "$T/site.conf" -o "$T/exp"
K=$T/exp/tftp/dc-a6-32-1c-6a-2a G=$T/exp/tftp/2caf9c61
[[ -f "$K/cmdline.txt" && -f "$G/cmdline.txt" ]] || { ls -R "$T/exp"; fail "export wrote no cmdline.txt"; }
# the disks carry the fstab export rendered for them
lab_image "$T/iscsi/kitchen.img" 64 1A2B3C4D "$UUID" "$(cat "$K/fstab")"
lab_image "$T/iscsi/garage.img" 64 0BADF00D 11111111-2222-3333-4444-555555555555 "$(cat "$G/fstab")"
lab_tgt_exported
# stand-in firmware under each Pi's directory, then the exported files over it
for d in dc-a6-32-1c-6a-2a 2caf9c61; do lab_served_dir "$T/tftp" "$d"; done
lab_dnsmasq srv "$SRV" "$T/exp/dnsmasq.d/pinetboot.conf"

# iscsi-check runs from the router (an address on the LAN); simulate brings its own
chk() { ip netns exec "$RTR" "$PINETBOOT" iscsi-check --timeout 5 --site "$T/site.conf" "$@"; }
sim() { ip netns exec "$PI" "$PINETBOOT" simulate --site "$T/site.conf" -i eth0 --timeout 60 "$@"; }
show() { [[ -z "${PNB_SHOW:-}" ]] || cat "$T/out"; }
lab_monitor_start --site "$T/site.conf"
for p in kitchen garage; do
  expect_exit 0 chk --pi "$p"; show
  expect_grep "would find its root" "$T/out"
  expect_exit 0 sim --pi "$p" -v; show
  expect_grep 'reached stage 8 "root in use"' "$T/out"
done
# the monitor on the bridge followed both Pis to the end
lab_monitor_stop
for mac in dc:a6:32:1c:6a:2a b8:27:eb:af:9c:61; do
  lab_monitor_pi $mac >"$T/pi.json"; [[ -z "${PNB_SHOW:-}" ]] || cat "$T/pi.json"
  expect_grep '"reached":8' "$T/pi.json"
  expect_grep '"failed":null' "$T/pi.json"
done
# without a served cmdline.txt iscsi-check takes the login from the profile, and the CHAP
# secret from site.secrets beside it
mv "$T/tftp/dc-a6-32-1c-6a-2a/cmdline.txt" "$T/cmdline.saved"
expect_exit 0 chk --pi kitchen; show
expect_grep "logged in to $BASE:root-kitchen as $BASE:kitchen with CHAP" "$T/out"
expect_grep "root=UUID=$UUID (the profile's root_uuid) is partition 2" "$T/out"
exit 0
