#!/usr/bin/env bash
# Seed 002 in the lab (s002.conf): a Pi 4 boots a shim kernel (kernel=Image.gz, its initramfs
# built in: initramfs = none) from a target on another host (iscsi_target = external, the NAS
# namespace at 10.77.0.2); dnsmasq does full DHCP and TFTP. pinetboot writes no target file;
# iscsi-check and simulate log in at the NAS as the Pi would. The shim's initramfs is built into
# its kernel and reads its own words (the guide's): iscsi.ip/target/port/mode on the command line
# over DHCP option 17 (RFC 4173 root path) and 224; the virtual Pi reads those, not the
# initramfs-tools words pinetboot also renders. As the guide does, the boot files sit flat in the
# TFTP root (tftp_prefix = none).
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
# the virtual Pi booted on the shim's words: the command line's, LUN from option 17
expect_grep "shim words) from DHCP option 17; cmdline.txt iscsi.ip iscsi.target iscsi.port: target iqn.2024-01.local:pi4-root at 10.77.0.2:3260 LUN 1, mode pivot" "$T/sim"
sim() { ip netns exec "$PI" "$PINETBOOT" simulate --site "$T/site.conf" --pi pi4 -i eth0 --timeout 30 -v >"$T/sim" 2>&1; }
cp "$T/tftp/cmdline.txt" "$T/cmdline.orig"
# without its command-line words the shim takes the root from option 17 alone
sed -i 's/ iscsi\.[a-z]*=[^ ]*//g' "$T/tftp/cmdline.txt"
expect_grep "iscsi_target_name=iqn.2024-01.local:pi4-root" "$T/tftp/cmdline.txt"
sim || { cat "$T/sim"; fail "shim with option 17 only"; }
expect_grep 'reached stage 8 "root in use"' "$T/sim"
expect_grep "shim words) from DHCP option 17: target iqn.2024-01.local:pi4-root at 10.77.0.2:3260 LUN 1" "$T/sim"
# its command line wins over option 17, and pinetboot's iscsi_* words are not its words: a
# wrong iscsi.target stops the boot at stage 7 although both other sources name the right one
sed 's/iscsi\.target=[^ ]*/iscsi.target=iqn.2024-01.local:elsewhere/' "$T/cmdline.orig" >"$T/tftp/cmdline.txt"
if sim; then cat "$T/sim"; fail "the shim booted a target its command line does not name"; fi
expect_grep "target iqn.2024-01.local:elsewhere at 10.77.0.2:3260" "$T/sim"
expect_grep "7 root login *FAIL" "$T/sim"
# iscsi-check --site logs in as the shim would too (its words, not pinetboot's)
if ip netns exec "$RTR" "$PINETBOOT" iscsi-check --timeout 10 --site "$T/site.conf" --pi pi4 >"$T/chk" 2>&1; then
  cat "$T/chk"; fail "iscsi-check --site read pinetboot's words for the shim"
fi
expect_grep "iqn.2024-01.local:elsewhere" "$T/chk"
echo "shim words: cmdline over option 17; pinetboot's iscsi_* words not read"
exit 0
