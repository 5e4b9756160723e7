#!/usr/bin/env bash
# The wizard's Pi readiness step: per Pi the model, serial, MAC, bootloader and verdict from the
# outputs `pinetboot check --save` keeps in pis/NAME/; the one action; Enter asks where and writes
# the bootstrap card (Pi 3: config.txt; Pi 4: recovery.bin + pieeprom.upd + pieeprom.sig) into
# cards/NAME beside the profile by default, never inside the export directory, so an export
# keeps it. The step's mark is right before a visit, and the details wrap at 80x24. The server's
# side shows too: kitchen's TFTP directory (under --root) holds a stock initramfs that cannot log
# in to iSCSI, and its details say so as Review does (one core check, lint_initramfs).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-tmux.sh"
P="$PNB_TOP/tests/data/pi"
D="$PNB_TOP/tests/data/eeprom"
cp "$PNB_TOP/tests/eeprom/site.conf" "$T/site.conf"
mkdir -p "$T/pis/kitchen" "$T/pis/garage"
cp "$P/cpuinfo-4b.txt" "$T/pis/kitchen/cpuinfo"
cp "$P/bootconf-net-mac.txt" "$T/pis/kitchen/bootloader_config"
cp "$P/blversion-2023.txt" "$T/pis/kitchen/bootloader_version"
echo dc:a6:32:2e:f8:ed >"$T/pis/kitchen/mac"
cp "$P/cpuinfo-3b.txt" "$T/pis/garage/cpuinfo"
cp "$P/otp-3b-factory.txt" "$T/pis/garage/otp_dump"

K="$T/root/srv/tftp/dc-a6-32-2e-f8-ed"
mkdir -p "$K"
touch "$K/kernel8.img"
printf '[all]\ninitramfs initramfs8 followkernel\n' >"$K/config.txt"
python3 "$PNB_TOP/tests/lab/mkinitramfs.py" "$K/initramfs8" tools-stock gzip || fail "mkinitramfs"

tmux_start 80x24 env PINETBOOT_FIRMWARE_DIR="$D" "$PINETBOOT" wizard site.conf -o out -r "$T/root"
tmux_wait "1 Site"
tmux_wait "6 Ready!"   # NOT READY facts: the mark is there before the step is visited
tmux_keys Tab Tab Tab Tab Tab
tmux_wait "Pi readiness: can each Pi boot from the network"
for s in "kitchen    4B    5b154510 dc:a6:32:2e:f8:ed 2023-01-11 READY" \
         "hall       4B" "not checked" \
         "garage     3B    9ffefdef b8:27:eb:fe:fd:ef -          NOT READY" \
         "kitchen: 4B rev 1.4, 4096 MB, BCM2711, Sony UK" \
         "Boot order: SD card, then network, then restart (0xf21), TFTP_PREFIX=2" \
         "READY: ready to network boot"; do
  tmux_wait "$s" 3
done
# kitchen's initramfs, in full with v (the line Review shows)
tmux_keys v
tmux_wait 'neither iscsistart' 3    # (short words: the path before them varies)
tmux_wait 'stops at stage 7' 3
tmux_keys Escape
tmux_wait "Boot order: SD card"
# hall: nothing read yet → the check to run
tmux_keys Down
tmux_wait "Action: pinetboot check --ssh USER@HOST --site site.conf --pi hall --save"
# garage: factory OTP → the bootstrap card; Enter writes it
tmux_keys Down
tmux_wait "NOT READY: OTP row 17 is 1020000a"
tmux_wait "Action: pinetboot eeprom bootstrap --site site.conf --pi garage -o card/"
# the fix is wrapped, not cut at the edge
tmux_wait "enabled (bit 29 clear; 0x3020000a when enabled)"
# inside the export directory: refused (an export would replace it)
tmux_keys Enter
tmux_wait "Write the bootstrap card"
tmux_keys C-u; tmux_type "out/card-garage"; tmux_keys Enter
tmux_wait "inside the export directory out"
[[ ! -e "$T/out/card-garage" ]] || fail "a card was written into the export directory"
tmux_keys Enter
tmux_wait "Write the bootstrap card"
tmux_wait "cards/garage"
tmux_keys Enter
tmux_wait "bootstrap card files for a Raspberry Pi 3 Model B are in cards/garage"
tmux_wait "7 (Flash) writes this card"
grep -qx "program_usb_boot_mode=1" "$T/cards/garage/config.txt" || fail "no config.txt line"
# kitchen: a Pi 4 card from the firmware directory (the shared test images)
if [[ ! -f "$D/firmware-2711/pieeprom-2026-05-17.bin" ]]; then
  tmux_keys q; tmux_wait_exit >/dev/null; skip "no EEPROM test images in $D"
fi
tmux_keys Home Enter
tmux_wait "cards/kitchen"
tmux_keys Enter
tmux_wait "are in cards/kitchen"
for f in recovery.bin pieeprom.upd pieeprom.sig README.txt; do
  [[ -s "$T/cards/kitchen/$f" ]] || fail "no $f in the Pi 4 card"
done
"$PINETBOOT" eeprom show --config "$T/cards/kitchen/pieeprom.upd" | grep -qx "TFTP_PREFIX=2" || fail "card TFTP_PREFIX"
[[ "$(head -n1 "$T/cards/kitchen/pieeprom.sig")" == "$(sha256sum "$T/cards/kitchen/pieeprom.upd" | cut -d' ' -f1)" ]] || fail "card .sig"
# an export (step 5) leaves the cards alone
tmux_keys 5
tmux_wait "Export: save the profile"
tmux_keys Down Down Enter
tmux_wait "exported"
[[ -s "$T/cards/kitchen/pieeprom.upd" && -s "$T/cards/garage/config.txt" ]] || fail "export touched a card"
tmux_keys q
[[ $(tmux_wait_exit) == 0 ]] || fail "wizard exit status"
exit 0
