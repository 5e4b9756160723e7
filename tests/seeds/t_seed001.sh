#!/usr/bin/env bash
# Seed 001 in the lab (s001.conf): a Pi 4 and a Pi 5 with Ubuntu 24.04 (kernel=vmlinuz,
# initrd.img, config.txt ending in [cm4]); ISC dhcpd with the include line apply adds to its
# dhcpd.conf, dnsmasq for TFTP only, tgt per MAC-named target; both reach stage 8 with the
# kernel and initramfs Ubuntu names. Each TFTP directory is exported for the boot write-back.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lab/lab.sh"
. "$(dirname "$0")/trees.sh"
. "$(dirname "$0")/seedlab.sh"
need dnsmasq python3
need tgt-admin dhcpd
lab_boot_net
sl_setup 001 ubuntu2404
expect_grep "dc-a6-32-01-36-c2 10.77.0.0/24(rw" "$T/exp/nfs/pinetboot.exports"
expect_grep " /boot/firmware nfs " "$T/exp/tftp/dc-a6-32-01-36-c2/fstab"
sl_boot node1 dc:a6:32:01:36:c2 vmlinuz initrd.img
sl_boot node2 2c:cf:67:11:22:33 vmlinuz initrd.img
exit 0
