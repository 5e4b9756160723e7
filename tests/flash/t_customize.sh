#!/usr/bin/env bash
# boot-partition customisation read back with mtools; a directory flashed as a FAT32 card.
. "$PNB_TOP/tests/lib.sh"
. "$PNB_TOP/tests/flash/mkimg.sh"
need mtype mdir
mkimg "$T/pi.img"
cat >"$T/site.conf" <<CONF
[server]
interface = eth0
address = 192.168.20.1/24
iqn_base = iqn.2026-11.lan.example

[pi "kitchen"]
model = 4B
serial = 511e57f7
mac = dc:a6:32:1c:6a:2a
root_uuid = 0b1c2d3e-aaaa-bbbb-cccc-123456789abc
hostname = kitchen-pi
CONF
echo "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPinetbootTestKey test@pinetboot" >"$T/key.pub"
echo "s3cret pass" >"$T/pw"
expect_exit 0 "$PINETBOOT" flash "$T/pi.img" "$T/card.img" --customize "$T/site.conf" --pi kitchen \
  --ssh-key "$T/key.pub" --user pi --password-file "$T/pw" --config program_usb_boot_mode=1
expect_grep "customised" "$T/err"
i="$T/card.img@@$P1_OFF"
mdir -b -i "$i" ::/ >"$T/dir"
expect_grep "::/ssh" "$T/dir"
expect_grep "::/userconf.txt" "$T/dir"
expect_grep "::/firstrun.sh" "$T/dir"
mtype -i "$i" ::userconf.txt >"$T/uc"
expect_grep '^pi:\$6\$' "$T/uc"
# the hash really is of the password
python3 - "$T/uc" <<'PY' || fail "userconf.txt hash does not match the password"
import sys, crypt
u, h = open(sys.argv[1]).read().strip().split(':', 1)
sys.exit(0 if crypt.crypt('s3cret pass', h) == h else 1)
PY
mtype -i "$i" ::config.txt >"$T/cfg"
expect_grep "^program_usb_boot_mode=1$" "$T/cfg"
expect_grep "^arm_boost=1$" "$T/cfg"
mtype -i "$i" ::cmdline.txt >"$T/cmd"
[[ $(wc -l <"$T/cmd") -eq 1 ]] || fail "cmdline.txt is not one line"
expect_grep "root=UUID=0b1c2d3e-aaaa-bbbb-cccc-123456789abc" "$T/cmd"
expect_grep "ISCSI_TARGET_NAME=iqn.2026-11.lan.example:root-kitchen" "$T/cmd"
expect_grep "ISCSI_TARGET_IP=192.168.20.1" "$T/cmd"
expect_grep "console=tty1" "$T/cmd"
expect_grep "systemd.run=/boot/firmware/firstrun.sh" "$T/cmd"
expect_no_grep "PARTUUID=5e3da3da-02" "$T/cmd"
expect_no_grep "init=/usr/lib/raspberrypi-sys-mods/firstboot" "$T/cmd"
mtype -i "$i" ::firstrun.sh >"$T/fr"
expect_grep "NEW='kitchen-pi'" "$T/fr"
expect_grep "PinetbootTestKey" "$T/fr"
# a second customisation does not add config.txt lines twice
expect_exit 0 "$PINETBOOT" flash "$T/pi.img" "$T/card2.img" --config program_usb_boot_mode=1
mtype -i "$T/card2.img@@$P1_OFF" ::config.txt >"$T/cfg2"
[[ $(grep -c program_usb_boot_mode "$T/cfg2") -eq 1 ]] || fail "config line duplicated"
expect_exit 2 "$PINETBOOT" flash "$T/pi.img" "$T/c.img" --customize "$T/site.conf"
expect_exit 2 "$PINETBOOT" flash "$T/pi.img" "$T/c.img" --customize "$T/site.conf" --pi nosuch
expect_grep 'no \[pi "nosuch"\]' "$T/err"

# a directory becomes a FAT32 card with exactly its files
mkdir -p "$T/cardsrc/sub"
echo "program_usb_boot_mode=1" >"$T/cardsrc/config.txt"
head -c 100000 /dev/urandom >"$T/cardsrc/bootcode.bin"
echo nested >"$T/cardsrc/sub/file.txt"
expect_exit 0 "$PINETBOOT" flash "$T/cardsrc" "$T/dircard.img"
mdir -/ -b -i "$T/dircard.img@@4M" ::/ | sort >"$T/list"
printf '::/bootcode.bin\n::/config.txt\n::/sub/\n::/sub/file.txt\n' | sort >"$T/want"
diff "$T/want" "$T/list" || fail "card holds other files than the directory"
mtype -i "$T/dircard.img@@4M" ::bootcode.bin | cmp - "$T/cardsrc/bootcode.bin" || fail "bootcode.bin differs"
minfo -i "$T/dircard.img@@4M" :: | grep -q 'disk type="FAT32' || fail "not FAT32"
