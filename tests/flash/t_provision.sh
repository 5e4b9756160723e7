#!/usr/bin/env bash
# provision: sparse backing file grown with a clean e2fsck, TFTP dir = boot partition + edits,
# cmdline.txt root= naming a UUID that exists on the backing file.
. "$PNB_TOP/tests/lib.sh"
. "$PNB_TOP/tests/flash/mkimg.sh"
need_root
need losetup e2fsck dumpe2fs resize2fs sfdisk mcopy xz
losetup -f >/dev/null 2>&1 || skip "no free loop device"
mkimg_xz "$T/pi.img"
mksite "$T/site.conf" "tftp_root = $T/tftp" "tftp_prefix = mac
image = $T/pi.img.xz
backing = $T/iscsi/kitchen.img
size = 1G
chap = no"
mkdir -p "$T/iscsi"
expect_exit 0 "$PINETBOOT" provision "$T/site.conf" --pi kitchen
cat "$T/out"
b="$T/iscsi/kitchen.img"
[[ $(stat -c %s "$b") -eq $((1024 * 1024 * 1024)) ]] || fail "backing file is not 1 GiB"
alloc=$(( $(stat -c %b "$b") * 512 ))
(( alloc < 64 * 1024 * 1024 )) || fail "backing file not sparse: $alloc bytes allocated"
sfdisk -d "$b" >"$T/pt"
end=$(awk -F'[=,]' '/img2/ {print ($2 + $4) * 512}' "$T/pt")
[[ $end -eq $((1024 * 1024 * 1024)) ]] || fail "partition 2 ends at $end, not at the end of the file"
e2fsck -fn "$b?offset=$P2_OFF" >"$T/fsck" 2>&1 || { cat "$T/fsck"; fail "e2fsck -fn not clean"; }
blocks=$(dumpe2fs -h "$b?offset=$P2_OFF" 2>/dev/null | awk -F: '/^Block count/ {print $2}')
bsize=$(dumpe2fs -h "$b?offset=$P2_OFF" 2>/dev/null | awk -F: '/^Block size/ {print $2}')
(( blocks * bsize > 900 * 1024 * 1024 )) || fail "ext4 not grown: $blocks blocks of $bsize"
uuid=$(dumpe2fs -h "$b?offset=$P2_OFF" 2>/dev/null | awk '/^Filesystem UUID/ {print $3}')
orig=$(dumpe2fs -h "$T/pi.img?offset=$P2_OFF" 2>/dev/null | awk '/^Filesystem UUID/ {print $3}')
[[ "$uuid" == "$orig" ]] || fail "UUID changed: $orig → $uuid"
dir="$T/tftp/dc-a6-32-1c-6a-2a"
[[ -d "$dir" ]] || fail "no TFTP directory $dir"
expect_grep "root=UUID=$uuid" "$dir/cmdline.txt"
expect_grep "iscsi_initiator=iqn.2026-11.lan.example:kitchen" "$dir/cmdline.txt"
# everything else equals the image's boot partition
mkdir -p "$T/bootref"
mcopy -s -n -i "$T/pi.img@@$P1_OFF" "::/*" "$T/bootref/"
# (config.txt too: the profile leaves kernel and initramfs to the OS's own config.txt)
diff -r -x cmdline.txt "$T/bootref" "$dir" || fail "TFTP dir differs from the boot partition"
losetup -a | grep -v "$T/vol.img" | grep -q "$T/" && fail "loop device left behind"
# a block device as the backing (a loop device stands in for a ZFS zvol): nothing truncated,
# the root grows to the device's end; a size larger than the device is refused
truncate -s 256M "$T/vol.img"
vol=$(losetup -f --show "$T/vol.img") || fail "losetup"
on_exit "losetup -d $vol"
sed -e "s|^backing = .*|backing = $vol|" -e "s|^size = .*|size = 512M|" "$T/site.conf" >"$T/vol.conf"
# a disk is overwritten only with --force (the drive-safety verdict flash follows)
expect_exit 1 "$PINETBOOT" provision "$T/vol.conf" --pi kitchen
expect_grep "refusing $vol: a disk, which provision would replace (--force overwrites it)" "$T/err"
expect_exit 1 "$PINETBOOT" provision "$T/vol.conf" --pi kitchen --force
expect_grep "holds 268435456 bytes, less than size = 536870912: grow the volume first" "$T/err"
sed -i "s|^size = .*||" "$T/vol.conf"
expect_exit 0 "$PINETBOOT" provision "$T/vol.conf" --pi kitchen --force
expect_grep "partition 2 grown from 63 MiB to 191 MiB" "$T/out"
[[ $(stat -c %s "$T/vol.img") -eq $((256 << 20)) ]] || fail "the volume's file changed size"
e2fsck -fn "$vol?offset=$P2_OFF" >"$T/fsck" 2>&1 || { cat "$T/fsck"; fail "e2fsck -fn on the volume"; }
# a Pi without an image
sed -i 's|^image = .*||' "$T/site.conf"
expect_exit 1 "$PINETBOOT" provision "$T/site.conf" --pi kitchen
expect_grep "no image" "$T/err"
expect_exit 2 "$PINETBOOT" provision "$T/site.conf"
expect_exit 2 "$PINETBOOT" provision "$T/site.conf" --pi nosuch
