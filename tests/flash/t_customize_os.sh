#!/usr/bin/env bash
# first-boot customisation follows the image's OS: a Buster-shaped image (boot partition at
# /boot, no userconf-pi) and a Bookworm-shaped one (/boot/firmware), told apart by the
# /etc/os-release in their root filesystems (read with libext2fs, nothing mounted); hostile
# host names and keys are refused before anything is written.
. "$PNB_TOP/tests/lib.sh"
. "$PNB_TOP/tests/flash/mkimg.sh"
need mtype mdir
buster() {
  printf 'PRETTY_NAME="Raspbian GNU/Linux 10 (buster)"\nNAME="Raspbian GNU/Linux"\nVERSION_ID="10"\nID=raspbian\nID_LIKE=debian\n' >"$1/etc/os-release"
  echo 10.13 >"$1/etc/debian_version"
}
bookworm() {
  printf 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nVERSION_ID="12"\nID=debian\n' >"$1/etc/os-release"
  mkdir -p "$1/usr/lib/userconf-pi" && echo '#!/bin/sh' >"$1/usr/lib/userconf-pi/userconf-service"
}
bullseye_dv() { echo 11.7 >"$1/etc/debian_version"; }
mksite "$T/site.conf" "" "hostname = kitchen-pi"
echo "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPinetbootTestKey it's me" >"$T/key.pub"
echo "pw" >"$T/pw"
check() { # IMG BOOTDIR
  local i="$T/$1.card@@$P1_OFF"
  mdir -b -i "$i" ::/ >"$T/dir"
  expect_grep "::/ssh" "$T/dir"
  expect_grep "::/userconf.txt" "$T/dir"
  mtype -i "$i" ::cmdline.txt >"$T/cmd"
  [[ $(wc -l <"$T/cmd") -eq 1 ]] || fail "cmdline.txt is not one line"
  expect_grep " systemd.run=$2/firstrun.sh systemd.run_success_action=reboot systemd.unit=kernel-command-line.target$" "$T/cmd"
  mtype -i "$i" ::firstrun.sh >"$T/fr"
  expect_grep "^BOOT='$2'$" "$T/fr"
  expect_grep "^NEW='kitchen-pi'$" "$T/fr"
  # the key's own quote stays inside one quoted word
  expect_grep "^KEY='ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPinetbootTestKey it'\\\\''s me'$" "$T/fr"
  bash -n "$T/fr" || fail "firstrun.sh is not valid bash"
}
for os in buster bookworm bullseye_dv; do
  mkimg "$T/$os.img" $os
  expect_exit 0 "$PINETBOOT" flash "$T/$os.img" "$T/$os.card" --customize "$T/site.conf" --pi kitchen \
    --ssh-key "$T/key.pub" --user pi --password-file "$T/pw"
  cp "$T/err" "$T/$os.err"
done
check buster /boot
expect_grep "Raspbian GNU/Linux 10 (buster): boot partition at /boot" "$T/buster.err"
expect_grep "no userconf-pi in this image" "$T/buster.err"
check bookworm /boot/firmware
expect_grep "Debian GNU/Linux 12 (bookworm): boot partition at /boot/firmware" "$T/bookworm.err"
expect_no_grep "userconf-pi" "$T/bookworm.err"
check bullseye_dv /boot
expect_grep "Debian 11: boot partition at /boot" "$T/bullseye_dv.err"
# hostile values: the profile refuses the host name, customize the key
sed -i "s/^hostname = .*/hostname = a'b;reboot/" "$T/site.conf"
expect_exit 2 "$PINETBOOT" flash "$T/bookworm.img" "$T/bad.card" --customize "$T/site.conf" --pi kitchen
expect_grep "is not a host name" "$T/err"
echo "not a key \$(reboot)" >"$T/bad.pub"
expect_exit 1 "$PINETBOOT" flash "$T/bookworm.img" "$T/bad2.card" --ssh-key "$T/bad.pub"
expect_grep "not one ssh-" "$T/err"
exit 0
