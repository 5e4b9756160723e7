#!/usr/bin/env bash
# The wizard's Flash step: safe by default (loop devices and the system disk hidden until v
# shows them; a hidden or unsafe drive is written only after its device name is typed: a wrong
# name writes nothing), the drive list follows hotplug (a loop device appears live when it is
# set up), and a real write with progress to a loop device, checked byte for byte.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-tmux.sh"
. "$PNB_TOP/tests/flash/mkimg.sh"
need_root
need losetup xz
losetup -f >/dev/null 2>&1 || skip "no free loop device"
mkimg_xz "$T/pi.img"
mksite "$T/site.conf" "" "image = $T/pi.img.xz"
# to_flash_step — Tab until the Flash step shows
to_flash_step() {
  tmux_wait "1 Site"
  for ((i = 0; i < 8; i++)); do
    tmux_screen | grep -qF "Flash: write an image or a bootstrap card" && break
    tmux_key_moved Tab
  done
  tmux_wait "Flash: write an image or a bootstrap card"
}
# select_drive DEV — moves the selection to DEV's row
select_drive() {
  for ((i = 0; i < 40; i++)); do
    tmux_screen | grep -q "> $1 " && return 0
    tmux_key_moved Down || break
  done
  tmux_dump; fail "cannot select $1"
}
truncate -s 128M "$T/card.img"
tmux_start 120x30 "$PINETBOOT" wizard site.conf
to_flash_step
tmux_wait "Source: image of kitchen: $T/pi.img.xz"
# the card appears while the step is shown (udev monitor, or kernel uevents without udevd);
# a loop device is hidden until v shows every drive
L=$(losetup -f --show "$T/card.img") || fail "losetup"
on_exit "losetup -n -O BACK-FILE $L 2>/dev/null | grep -q '$T/' && losetup -d $L"
tmux_wait "more hidden (system disks, loop devices"
tmux_expect_no "$L "
tmux_keys v
tmux_wait "$L "
select_drive "$L"
tmux_wait "Enter write"        # the footer says what Enter does here
tmux_expect_no "Enter edit"
tmux_keys Enter
tmux_wait "$L is UNSAFE"
tmux_type "sda"; tmux_keys Enter
tmux_wait "nothing written: \"sda\" is not $L"
tmux_keys Enter
tmux_wait "$L is UNSAFE"
tmux_type "$L"; tmux_keys Enter
tmux_wait "written (" 60
tmux_wait "verified"
tmux_dump
cmp "$T/card.img" "$T/pi.img" || fail "card differs from the image"
# an unsafe drive (the system disk) needs the override; Esc leaves it untouched
for ((i = 0; i < 40; i++)); do
  tmux_screen | grep -q "> .*system disk" && break
  tmux_key_moved Up || break
done
if tmux_screen | grep -q "> .*system disk"; then
  tmux_keys Enter
  tmux_wait "UNSAFE"
  tmux_wait "anything else writes nothing"
  tmux_dump
  tmux_keys Escape
  tmux_wait_gone "UNSAFE"
fi
# a bootstrap card directory (cards/NAME beside the profile, as Readiness writes it) is a
# source too: chosen on the Source row, made into a FAT32 card, written and verified
tmux_keys q
tmux_wait_exit >/dev/null
mkdir -p "$T/cards/garage"
echo "program_usb_boot_mode=1" >"$T/cards/garage/config.txt"
rm -f "$T/wizard.rc"
tmux_start 120x30 "$PINETBOOT" wizard site.conf
to_flash_step
tmux_keys v
tmux_wait "$L "
tmux_keys Home Enter
tmux_wait "Write what?"
tmux_wait "bootstrap card cards/garage"
tmux_keys End Enter
tmux_wait "Source: bootstrap card cards/garage"
select_drive "$L"
tmux_keys Enter
tmux_wait "$L is UNSAFE"
tmux_type "$L"; tmux_keys Enter
tmux_wait "written (" 60
if command -v mtype >/dev/null; then
  mtype -i "$T/card.img@@4M" ::config.txt | grep -q program_usb_boot_mode=1 || fail "the card's config.txt is not on the drive"
fi
tmux_keys q

# a slow card: the progress bar moves, q does not quit mid-write, Esc cancels and says what
# state the card is in
tmux_start 120x30 env PNB_TEST_SLOW_WRITE=300 "$PINETBOOT" wizard site.conf
to_flash_step
tmux_keys v
tmux_wait "$L "
select_drive "$L"
tmux_keys Enter
tmux_wait "$L is UNSAFE"
tmux_type "$L"; tmux_keys Enter
tmux_wait "writing   [#"
tmux_wait "(Esc cancels)"
tmux_keys q
tmux_wait "a write is running"
tmux_dump
tmux_keys Escape
tmux_wait "cancelled" 20
tmux_wait "no partition table"
[[ $(head -c 512 "$T/card.img" | tr -d '\0' | wc -c) -eq 0 ]] || fail "partition table left after a cancel"
tmux_keys q
