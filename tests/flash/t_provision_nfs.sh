#!/usr/bin/env bash
# provision with root = nfs: the image's root filesystem copied into the Pi's nfs_path with
# libext2fs, nothing mounted — owners, modes (setuid), timestamps, symlinks, hard links, a
# device node, a FIFO and extended attributes (user and file capability) kept; the boot
# partition into the TFTP directory with an NFS cmdline.txt; a non-empty nfs_path refused.
. "$PNB_TOP/tests/lib.sh"
. "$PNB_TOP/tests/flash/mkimg.sh"
need_root
need sfdisk mkfs.vfat mkfs.ext4 mcopy setfattr getfattr
d=$T/src
mkdir -p "$d/boot" "$d/root/etc" "$d/root/usr/bin" "$d/root/dev" "$d/root/home/pi"
echo "console=tty1 root=PARTUUID=5e3da3da-02 rootwait" >"$d/boot/cmdline.txt"
printf 'arm_64bit=1\n' >"$d/boot/config.txt"
head -c 50000 /dev/urandom >"$d/boot/kernel8.img"
echo pi >"$d/root/etc/hostname"
head -c 300000 /dev/urandom >"$d/root/usr/bin/tool"
chmod 4755 "$d/root/usr/bin/tool"
ln "$d/root/usr/bin/tool" "$d/root/usr/bin/tool-link"
ln -s ../etc/hostname "$d/root/home/pi/name"
chown -R 1000:1000 "$d/root/home/pi"
mknod "$d/root/dev/null" c 1 3
mkfifo "$d/root/dev/fifo"
echo secret >"$d/root/etc/shadow"; chmod 640 "$d/root/etc/shadow"; chown 0:42 "$d/root/etc/shadow"
head -c 20 /dev/urandom >"$d/root/usr/bin/ping"; chmod 755 "$d/root/usr/bin/ping"
setfattr -n user.pinetboot -v kept "$d/root/etc/hostname" || skip "no user xattrs here"
setfattr -n security.capability -v 0sAQAAAgAgAAAAAAAAAAAAAAAAAAA= "$d/root/usr/bin/ping" || skip "cannot set file capabilities"
touch -d '2020-02-02 02:02:02' "$d/root/etc/hostname"
img=$T/pi.img
truncate -s 96M "$img"
printf 'label: dos\nlabel-id: 0x5e3da3da\nstart=2048, size=65536, type=c\nstart=67584, size=129024, type=83\n' | sfdisk -q "$img"
mkfs.vfat -F 16 --offset 2048 -n BOOT "$img" 32768 >/dev/null 2>&1 || fail "mkfs.vfat"
mcopy -s -i "$img@@$((2048 * 512))" "$d"/boot/* ::/
mkfs.ext4 -q -L rootfs -d "$d/root" -E offset=$((67584 * 512)) "$img" 64512k || fail "mkfs.ext4"
site_server "$T/site.conf" address=192.168.20.1/24 "tftp_root=$T/tftp" root=nfs "nfs_root=$T/nfs"
site_pi "$T/site.conf" $PI_KITCHEN "image=$img"
mkdir -p "$T/nfs"
expect_exit 0 "$PINETBOOT" provision "$T/site.conf" --pi kitchen
cat "$T/out"
expect_grep "root tree copied into $T/nfs/kitchen: .* 1 hard links, 2 special files" "$T/out"
r=$T/nfs/kitchen
[[ $(cat "$r/etc/hostname") == pi ]] || fail "hostname"
cmp "$d/root/usr/bin/tool" "$r/usr/bin/tool" || fail "file content"
[[ $(stat -c '%a %u:%g' "$r/usr/bin/tool") == "4755 0:0" ]] || fail "setuid mode: $(stat -c '%a %u:%g' "$r/usr/bin/tool")"
[[ $(stat -c %i "$r/usr/bin/tool") == $(stat -c %i "$r/usr/bin/tool-link") ]] || fail "hard link not kept"
[[ $(readlink "$r/home/pi/name") == ../etc/hostname ]] || fail "symlink"
[[ $(stat -c '%u:%g' "$r/home/pi") == 1000:1000 && $(stat -c %u:%g "$r/home/pi/name") == 1000:1000 ]] || fail "owners"
[[ $(stat -c '%F %t:%T' "$r/dev/null") == "character special file 1:3" ]] || fail "device node: $(stat -c '%F %t:%T' "$r/dev/null")"
[[ -p "$r/dev/fifo" ]] || fail "fifo"
[[ $(stat -c '%a %u:%g' "$r/etc/shadow") == "640 0:42" ]] || fail "shadow mode/group"
[[ $(getfattr --only-values -n user.pinetboot "$r/etc/hostname" 2>/dev/null) == kept ]] || fail "user xattr"
getfattr -n security.capability "$r/usr/bin/ping" >/dev/null 2>&1 || fail "file capability lost"
[[ $(stat -c %Y "$r/etc/hostname") == $(date -d '2020-02-02 02:02:02' +%s) ]] || fail "mtime"
[[ ! -e "$T/nfs/kitchen.pinetboot-image" ]] || fail "scratch image left behind"
dir=$T/tftp/511e57f7
cmp "$d/boot/kernel8.img" "$dir/kernel8.img" || fail "boot files"
expect_grep "root=/dev/nfs nfsroot=192.168.20.1:$T/nfs/kitchen,vers=3" "$dir/cmdline.txt"
# a second provision does not write over a root that is there
expect_exit 1 "$PINETBOOT" provision "$T/site.conf" --pi kitchen
expect_grep "is not empty (expected a new NFS root)" "$T/err"
exit 0
