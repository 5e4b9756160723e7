#!/usr/bin/env bash
# Seed 004 in the lab (s004.conf): a Pi 4 with Raspbian Buster (kernel7l.img, no initramfs: the
# kernel mounts its NFS root itself), dnsmasq full DHCP + TFTP, the exported NFS root served by
# nfs-ganesha; the TFTP directory mounted on /boot as Buster keeps it. Stage 8.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lab/lab.sh"
. "$(dirname "$0")/trees.sh"
. "$(dirname "$0")/seedlab.sh"
need dnsmasq python3
lab_boot_net
sl_setup 004 buster-nfs
expect_grep " /boot nfs " "$T/exp/tftp/511e57f7/fstab"
sl_boot client1 dc:a6:32:1c:6a:2a kernel7l.img
exit 0
