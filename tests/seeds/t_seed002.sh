#!/usr/bin/env bash
# Seed 002 in the lab (s002.conf): a Pi 4 boots a shim kernel (kernel=Image.gz, its initramfs
# built in: initramfs = none) from a target on another host (iscsi_target = external, the NAS
# namespace at 10.77.0.2); dnsmasq does full DHCP and TFTP. pinetboot writes no target file;
# iscsi-check and simulate log in at the NAS as the Pi would. (The virtual Pi speaks the
# initramfs-tools words pinetboot renders, not the shim's own iscsi.* words.) As the guide does,
# the boot files sit flat in the TFTP root (tftp_prefix = none).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lab/lab.sh"
. "$(dirname "$0")/trees.sh"
. "$(dirname "$0")/seedlab.sh"
need dnsmasq python3
need tgtd
lab_boot_net
sl_setup 002 shim
[[ -e "$T/exp/iscsi" ]] && fail "an external target got a target file"
expect_grep "target iqn.2024-01.local:pi4-root LUN 1 at 10.77.0.2:3260" "$T/exp/README.txt"
expect_grep "console=ttyAMA0 earlycon" "$T/tftp/cmdline.txt"
expect_grep "^enable_uart=1$" "$T/tftp/config.txt"
sl_nas iqn.2024-01.local:pi4-root 1 "$T/iscsi/pi4.img"
sl_boot pi4 dc:a6:32:2e:f8:ed Image.gz
# dnsmasq sent the shim's own options to this Pi (its log-dhcp lines)
grep -q "sent size: *[0-9]* option: 17 root-path  *iscsi:10.77.0.2:::1:iqn.2024-01.local:pi4-root" "$T/srv.log" ||
  { grep option "$T/srv.log" | tail -20; fail "option 17 not sent"; }
grep -q "sent size: *[0-9]* option:224 .*70:69:76:6f:74" "$T/srv.log" ||
  { grep option "$T/srv.log" | tail -20; fail "option 224 not sent"; }
exit 0
