#!/usr/bin/env bash
# simulate with an NFS root: a Pi 4 boots against dnsmasq (proxy + TFTP) and nfs-ganesha
# (rpcbind, MOUNT v3, NFS v3) in the server namespace; the virtual Pi does portmap GETPORT,
# MOUNT MNT and an NFS GETATTR of the root (stages 7–8). A wrong export path stops at stage 7.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lab.sh"
need dnsmasq rpcinfo
lab_boot_net
mkdir -p "$T/nfs/kitchen/etc"
echo "10.77.0.1:$T/nfs/kitchen / nfs defaults 0 0" >"$T/nfs/kitchen/etc/fstab"
lab_nfsd "$T/nfs"
TFTP=$T/tftp
lab_tftp_tree "$TFTP" dc-a6-32-1c-6a-2a
echo "console=serial0,115200 root=/dev/nfs nfsroot=10.77.0.1:$T/nfs,vers=3 rw ip=dhcp rootwait" >"$TFTP/dc-a6-32-1c-6a-2a/cmdline.txt"
site_server "$T/site.conf" tftp_root="$TFTP" root=nfs nfs_root="$T/nfs"
site_pi "$T/site.conf" $PI_KITCHEN tftp_prefix=mac
lab_proxy "$TFTP" "Raspberry Pi Boot   "
sim() { ip netns exec "$PI" "$PINETBOOT" simulate --site "$T/site.conf" -i eth0 --timeout 60 "$@"; }
expect_exit 0 sim --pi kitchen -v
[[ -z "${PNB_SHOW:-}" ]] || cat "$T/out"
expect_grep "portmap GETPORT prog 100005 v3 udp: [1-9]" "$T/out"
expect_grep "7 root login .*ok .*NFS MOUNT 10.77.0.1:$T/nfs ok" "$T/out"
expect_grep 'reached stage 8 "root in use"' "$T/out"

sed -i "s|nfsroot=10.77.0.1:$T/nfs,|nfsroot=10.77.0.1:/srv/nfs/nope,|" "$TFTP/dc-a6-32-1c-6a-2a/cmdline.txt"
expect_exit 1 sim --pi kitchen
[[ -z "${PNB_SHOW:-}" ]] || cat "$T/out"
expect_grep 'stopped at stage 7 "root login": MOUNT 10.77.0.1:/srv/nfs/nope refused' "$T/out"
exit 0
