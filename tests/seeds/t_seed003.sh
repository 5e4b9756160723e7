#!/usr/bin/env bash
# Seed 003 in the lab (s003.conf): a Pi 3B with Raspbian Jessie (kernel7.img and the
# initrd.img-4.4.27-v7+ the guide builds) whose disk is LUN 1 of a target a NAS shows with
# capitals (iqn.2000-01.com.synology:BlackSyno.PiTarget); ISC dhcpd with the include line, the
# NAS namespace (10.77.0.2) serving the target. Stage 8, and a login for the name in other case
# is refused with the reason said.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lab/lab.sh"
. "$(dirname "$0")/trees.sh"
. "$(dirname "$0")/seedlab.sh"
need dnsmasq python3
need tgtd dhcpd
lab_boot_net
sl_setup 003 raspbian2016
sl_nas iqn.2000-01.com.synology:BlackSyno.PiTarget 1 "$T/iscsi/superpi.img"
sl_boot superpi b8:27:eb:45:53:f8 kernel7.img initrd.img-4.4.27-v7+
expect_exit 1 ip netns exec "$RTR" "$PINETBOOT" iscsi-check --timeout 5 \
  "iscsi://10.77.0.2/iqn.2000-01.com.synology:blacksyno.pitarget/1" --initiator iqn.2016-11.lan.superpi:superpi
expect_grep "the same iSCSI name under RFC 3722" "$T/out"
exit 0
