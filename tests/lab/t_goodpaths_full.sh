#!/usr/bin/env bash
# Good path, full DHCP (the boot server's exported dnsmasq is the only DHCP server; the router
# keeps its address): a Pi 3B, 3B+, 4B and 5 boot to stage 8 "root in use" from `pinetboot
# export` output run by the real daemons (see goodpaths.sh), checked by iscsi-check, simulate
# and the monitor on the lab bridge. Here `pinetboot provision` writes each Pi's backing file
# (grown with a loop device) and TFTP directory from a small OS image, as a user would.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lab.sh"
. "$(dirname "$0")/goodpaths.sh"
need losetup e2fsck resize2fs mcopy
losetup -f >/dev/null 2>&1 || skip "no free loop device (provision grows the backing files with one)"
GP_PROVISION=1 gp_run full
# provision's config.txt says auto_initramfs=1: without the initramfs the kernel has no iSCSI
rm "$T/tftp/$(gp_dir p5)/initramfs_2712"
expect_exit 1 ip netns exec "$PI" "$PINETBOOT" simulate --site "$T/site.conf" --pi p5 -i eth0 --timeout 60
[[ -z "${PNB_SHOW:-}" ]] || cat "$T/out"
expect_grep 'stopped at stage 5 "TFTP kernel": config.txt has auto_initramfs=1 but there is no 2c-cf-67-00-11-22/initramfs_2712' "$T/out"
exit 0
