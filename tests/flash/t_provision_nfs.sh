#!/usr/bin/env bash
# provision with root = nfs: the image's root filesystem copied into the Pi's nfs_path with
# libext2fs, nothing mounted — owners, modes (setuid), timestamps, symlinks, hard links, a
# device node, a FIFO and extended attributes (user and file capability) kept; the boot
# partition into the TFTP directory with an NFS cmdline.txt; a non-empty nfs_path refused.
# The copy is made the Pi's own: host name (/etc/hostname, the 127.0.1.1 line of /etc/hosts)
# from the profile, the image's ssh host keys removed and regenerate_ssh_host_keys enabled.
. "$PNB_TOP/tests/lib.sh"
. "$PNB_TOP/tests/flash/mkimg.sh"
need_root
need sfdisk mkfs.vfat mkfs.ext4 mcopy setfattr getfattr
d=$T/src
mkdir -p "$d/boot" "$d/root/etc" "$d/root/usr/bin" "$d/root/dev" "$d/root/home/pi"
echo "console=tty1 root=PARTUUID=5e3da3da-02 rootwait" >"$d/boot/cmdline.txt"
printf 'arm_64bit=1\n' >"$d/boot/config.txt"
head -c 50000 /dev/urandom >"$d/boot/kernel8.img"
echo raspberrypi >"$d/root/etc/hostname"
echo hello >"$d/root/etc/motd"
printf '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost\n\n127.0.1.1\traspberrypi\n' >"$d/root/etc/hosts"
mkdir -p "$d/root/etc/ssh" "$d/root/usr/lib/systemd/system"
for k in ed25519 rsa; do echo key >"$d/root/etc/ssh/ssh_host_${k}_key"; echo pub >"$d/root/etc/ssh/ssh_host_${k}_key.pub"; done
echo "# sshd" >"$d/root/etc/ssh/sshd_config"
printf '[Unit]\nBefore=ssh.service\n[Service]\nType=oneshot\nExecStart=/usr/bin/ssh-keygen -A\n[Install]\nWantedBy=multi-user.target\n' >"$d/root/usr/lib/systemd/system/regenerate_ssh_host_keys.service"
head -c 300000 /dev/urandom >"$d/root/usr/bin/tool"
chmod 4755 "$d/root/usr/bin/tool"
ln "$d/root/usr/bin/tool" "$d/root/usr/bin/tool-link"
ln -s ../etc/motd "$d/root/home/pi/name"
chown -R 1000:1000 "$d/root/home/pi"
mknod "$d/root/dev/null" c 1 3
mkfifo "$d/root/dev/fifo"
echo secret >"$d/root/etc/shadow"; chmod 640 "$d/root/etc/shadow"; chown 0:42 "$d/root/etc/shadow"
head -c 20 /dev/urandom >"$d/root/usr/bin/ping"; chmod 755 "$d/root/usr/bin/ping"
setfattr -n user.pinetboot -v kept "$d/root/etc/motd" || skip "no user xattrs here"
setfattr -n security.capability -v 0sAQAAAgAgAAAAAAAAAAAAAAAAAAA= "$d/root/usr/bin/ping" || skip "cannot set file capabilities"
touch -d '2020-02-02 02:02:02' "$d/root/etc/motd"
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
[[ $(cat "$r/etc/hostname") == kitchen ]] || fail "hostname: $(cat "$r/etc/hostname")"
expect_grep "^127.0.1.1	kitchen$" "$r/etc/hosts"
expect_grep "^::1		localhost ip6-localhost$" "$r/etc/hosts"
expect_no_grep raspberrypi "$r/etc/hosts"
[[ -z $(ls "$r/etc/ssh" | grep ssh_host_) && -f "$r/etc/ssh/sshd_config" ]] || fail "ssh host keys: $(ls "$r/etc/ssh")"
[[ $(readlink "$r/etc/systemd/system/multi-user.target.wants/regenerate_ssh_host_keys.service") == /usr/lib/systemd/system/regenerate_ssh_host_keys.service ]] || fail "regenerate_ssh_host_keys not enabled"
expect_grep "host name kitchen; 4 ssh host key files removed (regenerate_ssh_host_keys makes the Pi's own at first boot)" "$T/out"
cmp "$d/root/usr/bin/tool" "$r/usr/bin/tool" || fail "file content"
[[ $(stat -c '%a %u:%g' "$r/usr/bin/tool") == "4755 0:0" ]] || fail "setuid mode: $(stat -c '%a %u:%g' "$r/usr/bin/tool")"
[[ $(stat -c %i "$r/usr/bin/tool") == $(stat -c %i "$r/usr/bin/tool-link") ]] || fail "hard link not kept"
[[ $(readlink "$r/home/pi/name") == ../etc/motd ]] || fail "symlink"
[[ $(stat -c '%u:%g' "$r/home/pi") == 1000:1000 && $(stat -c %u:%g "$r/home/pi/name") == 1000:1000 ]] || fail "owners"
[[ $(stat -c '%F %t:%T' "$r/dev/null") == "character special file 1:3" ]] || fail "device node: $(stat -c '%F %t:%T' "$r/dev/null")"
[[ -p "$r/dev/fifo" ]] || fail "fifo"
[[ $(stat -c '%a %u:%g' "$r/etc/shadow") == "640 0:42" ]] || fail "shadow mode/group"
[[ $(getfattr --only-values -n user.pinetboot "$r/etc/motd" 2>/dev/null) == kept ]] || fail "user xattr"
getfattr -n security.capability "$r/usr/bin/ping" >/dev/null 2>&1 || fail "file capability lost"
[[ $(stat -c %Y "$r/etc/motd") == $(date -d '2020-02-02 02:02:02' +%s) ]] || fail "mtime"
[[ ! -e "$T/nfs/kitchen.pinetboot-image" ]] || fail "scratch image left behind"
dir=$T/tftp/511e57f7
cmp "$d/boot/kernel8.img" "$dir/kernel8.img" || fail "boot files"
expect_grep "root=/dev/nfs nfsroot=192.168.20.1:$T/nfs/kitchen,vers=3" "$dir/cmdline.txt"
# a hostile image: /etc/hostname and /etc/hosts links out of the tree are replaced, never
# written through; without regenerate_ssh_host_keys the keys stay (sshd would have none)
rm -rf "$d/root/usr/lib/systemd" "$d/root/etc/hostname" "$d/root/etc/hosts"
echo victim >"$T/victim"
ln -s "$T/victim" "$d/root/etc/hostname"; ln -s "$T/victim" "$d/root/etc/hosts"
mkfs.ext4 -q -F -L rootfs -d "$d/root" -E offset=$((67584 * 512)) "$img" 64512k || fail "mkfs.ext4"
site_pi "$T/site.conf" pantry 4B 1a2b3c4d dc:a6:32:00:00:02 "image=$img"
expect_exit 0 "$PINETBOOT" provision "$T/site.conf" --pi pantry
[[ $(cat "$T/victim") == victim ]] || fail "written through a link: $(cat "$T/victim")"
[[ ! -L "$T/nfs/pantry/etc/hostname" && $(cat "$T/nfs/pantry/etc/hostname") == pantry ]] || fail "pantry hostname"
expect_grep "^127.0.1.1	pantry$" "$T/nfs/pantry/etc/hosts"
[[ -f "$T/nfs/pantry/etc/ssh/ssh_host_rsa_key" ]] || fail "keys removed without a service to make new ones"
expect_grep "ssh host keys kept (no regenerate_ssh_host_keys" "$T/out"
# a second provision does not write over a root that is there
expect_exit 1 "$PINETBOOT" provision "$T/site.conf" --pi kitchen
expect_grep "is not empty (expected a new NFS root)" "$T/err"
exit 0
