#!/usr/bin/env bash
# Good path, NFS root: a Pi 3B, 3B+, 4B and 5 boot to stage 8 from `pinetboot export` output
# (proxy DHCP): dnsmasq runs the exported config, nfs-ganesha serves what the exported
# exports(5) file lists (lab_nfsd translates it), each root directory holds the exported fstab;
# simulate does the NFS MOUNT and GETATTR, and the monitor on the bridge follows each Pi to 8.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lab.sh"
. "$(dirname "$0")/goodpaths.sh"
need rpcinfo
gp_run proxy nfs
# the virtual Pi read its root's /etc/fstab (the READs the monitor saw) and checked its / line
expect_grep "8 root in use .*ok .*/etc/fstab read in [0-9]* READs, / is the NFS root" "$T/sim.p4"
# an fstab still mounting the SD card's root is named (systemd would remount / from there)
# (rewritten in place: nfs-ganesha caches the directory entry of the old file for a minute)
sed 's|^10.77.0.1:[^ ]* / |PARTUUID=5eed1234-02 / |' "$T/nfs/p4/etc/fstab" >"$T/fstab.new"
cat "$T/fstab.new" >"$T/nfs/p4/etc/fstab"
expect_exit 0 ip netns exec "$PI" "$PINETBOOT" simulate --site "$T/site.conf" --pi p4 -i eth0 --timeout 60
[[ -z "${PNB_SHOW:-}" ]] || cat "$T/out"
expect_grep "warning: its /etc/fstab mounts PARTUUID=5eed1234-02 on /" "$T/out"
exit 0
