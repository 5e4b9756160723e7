# lab_export_site — a boot server from `pinetboot export` output in $SRV (after lab_boot_net and
# lab_tgtd): $T/site.conf with "kitchen" (Pi 4B, MAC prefix, CHAP, root=UUID) fully served, and
# "garage" (Pi 4B, serial prefix) whose TFTP directory is NOT there (a stage 4 failure to show).
# dnsmasq (proxy DHCP + TFTP) runs the exported config; tgtd holds the exported targets.
# Sourced by tests that boot against "the freshly applied server" (tests/lab, tests/tui).
lab_export_site() {
  need dnsmasq tgt-admin
  local base=iqn.2026-11.lan.example uuid=3d2f7a10-5b1c-4e8e-9a11-0c0ffee0beef
  mkdir -p "$T/iscsi" "$T/tftp"
  site_server "$T/site.conf" dhcp=proxy tftp_root="$T/tftp" root=iscsi iscsi_target=tgt iqn_base="$base" initramfs=initramfs-tools
  site_pi "$T/site.conf" $PI_KITCHEN tftp_prefix=mac backing="$T/iscsi/kitchen.img" size=64M chap=yes root_uuid="$uuid"
  site_pi "$T/site.conf" garage 4B 6a7b8c9d dc:a6:32:00:9c:61 tftp_prefix=serial backing="$T/iscsi/garage.img" size=64M chap=no
  "$PINETBOOT" export "$T/site.conf" -o "$T/exp" >"$T/export.out" 2>&1 || { cat "$T/export.out"; fail "export"; }
  local k=$T/exp/tftp/dc-a6-32-1c-6a-2a
  lab_image "$T/iscsi/kitchen.img" 64 1A2B3C4D "$uuid" "$(cat "$k/fstab")"
  lab_image "$T/iscsi/garage.img" 64 0BADF00D 11111111-2222-3333-4444-555555555555
  lab_tgt_exported
  lab_served_dir "$T/tftp" dc-a6-32-1c-6a-2a
  lab_dnsmasq srv "$SRV" "$T/exp/dnsmasq.d/pinetboot.conf"
}
