#!/usr/bin/env bash
# root = nfs: exports scoped to the subnet (never *), rw,sync,no_subtree_check,no_root_squash per
# Pi root; cmdline.txt with nfsroot=…,vers=3 and ip=dhcp; fstab installed inside the Pi's root.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../daemons/mksite.sh"
mksite "$T/site.conf" root=nfs
expect_exit 0 "$PINETBOOT" export "$T/site.conf" -o "$T/x"
ex="$T/x/nfs/pinetboot.exports"
expect_no_grep '\*' "$ex"
for p in kitchen garage studio; do
  expect_grep "^$T/nfs/$p 192.168.20.0/24(rw,sync,no_subtree_check,no_root_squash)$" "$ex"
done
cmd="$T/x/tftp/dc-a6-32-1c-6a-2a/cmdline.txt"
expect_grep "root=/dev/nfs nfsroot=192.168.20.1:$T/nfs/kitchen,vers=3 rw ip=dhcp" "$cmd"
[[ $(wc -l <"$cmd") -eq 1 ]] || fail "cmdline.txt is not one line"
[[ -e "$T/x/iscsi" ]] && fail "an NFS site got iSCSI target files"
mkdir -p "$T/root"
expect_exit 0 "$PINETBOOT" apply "$T/site.conf" --root "$T/root"
expect_grep "^not run (--root): exportfs -ra" "$T/out"
expect_grep " / nfs defaults,vers=3" "$T/root$T/nfs/kitchen/etc/fstab"
exit 0
