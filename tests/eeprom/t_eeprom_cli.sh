#!/usr/bin/env bash
# pinetboot eeprom show/set/bootstrap on the real release images: byte-exact round trips,
# the .sig against sha256sum, refusals, and the bootstrap card files.
. "$(dirname "$0")/../lib.sh"
D="$PNB_TOP/tests/data/eeprom"
I4="$D/firmware-2711/pieeprom-2026-05-17.bin"
I5="$D/firmware-2712/pieeprom-2026-05-26.bin"
[[ -f "$I4" && -f "$I5" ]] || skip "no EEPROM test images in $D"
need sha256sum cmp

# show
expect_exit 0 "$PINETBOOT" eeprom show "$I4"
expect_grep "BUILD_TIMESTAMP=1779045198" "$T/out"
expect_grep "0x072e00  55aaf11f  file            95  bootconf.txt" "$T/out"
expect_exit 0 "$PINETBOOT" eeprom show --json "$I5"
expect_grep '"ab":true' "$T/out"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["family"]=="2712" and d["sections"][-2]["kind"]=="pad", d["sections"][-2]' "$T/out" || fail "show --json"
expect_grep '"bootconf":"\[all\]\\nBOOT_UART=1\\nBOOT_ORDER=0xf461' "$T/out"

for img in "$I4" "$I5"; do
  "$PINETBOOT" eeprom show --config "$img" >"$T/orig.txt" || fail "show --config"
  # same config back: the same image
  expect_exit 0 "$PINETBOOT" eeprom set "$img" --config "$T/orig.txt" -o "$T/same.bin"
  cmp "$img" "$T/same.bin" || fail "re-applying the config changed $img"
  # KEY=VALUE edit → extract gives the new config; the result walks cleanly
  expect_exit 0 "$PINETBOOT" eeprom set "$img" BOOT_ORDER=0xf21 TFTP_PREFIX=2 \
    --timestamp 1700000000 --sig "$T/new.sig" -o "$T/new.bin"
  "$PINETBOOT" eeprom show --config "$T/new.bin" >"$T/new.txt"
  grep -qx "BOOT_ORDER=0xf21" "$T/new.txt" || fail "BOOT_ORDER not set"
  grep -qx "TFTP_PREFIX=2" "$T/new.txt" || fail "TFTP_PREFIX not set"
  expect_exit 0 "$PINETBOOT" eeprom show "$T/new.bin"
  expect_grep "update ts:   1700000000 (2023-11-14)" "$T/out"
  # .sig line 1 is sha256sum of the image; then ts and target-soc
  [[ "$(head -n1 "$T/new.sig")" == "$(sha256sum "$T/new.bin" | cut -d' ' -f1)" ]] || fail ".sig hash"
  [[ "$(sed -n 2p "$T/new.sig")" == "ts: 1700000000" ]] || fail ".sig ts line"
  grep -q '^target-soc: 271[12]$' "$T/new.sig" || fail ".sig target-soc"
  # --config with the edited text gives byte-identical output (same inputs, same bytes)
  expect_exit 0 "$PINETBOOT" eeprom set "$img" --config "$T/new.txt" --timestamp 1700000000 -o "$T/again.bin"
  cmp "$T/new.bin" "$T/again.bin" || fail "--config and KEY=VALUE disagree"
  # and back to the original config: only the timestamp differs from the release image
  expect_exit 0 "$PINETBOOT" eeprom set "$T/new.bin" --config "$T/orig.txt" -o "$T/back.bin"
  n=$(cmp -l "$img" "$T/back.bin" | wc -l)
  [[ $n -le 16 ]] || fail "round trip left $n changed bytes"
done

# refusals: wrong size, too large, bad values, unknown key, missing -o
head -c 1000 "$I4" >"$T/short.bin"
expect_exit 2 "$PINETBOOT" eeprom show "$T/short.bin"
expect_grep "524288 (Pi 4 family) or 2097152" "$T/err"
head -c 4077 /dev/zero | tr '\0' '#' >"$T/big.txt"
expect_exit 1 "$PINETBOOT" eeprom set "$I4" --config "$T/big.txt" -o "$T/x.bin"
expect_grep "at most 4076" "$T/err"
[[ ! -e "$T/x.bin" ]] || fail "an output was written for a refused config"
expect_exit 2 "$PINETBOOT" eeprom set "$I4" TFTP_PREFIX=9 -o "$T/x.bin"
expect_grep "TFTP_PREFIX: 9 is out of range (0 to 2)" "$T/err"
expect_exit 2 "$PINETBOOT" eeprom set "$I4" TFTP_PERFIX=1 -o "$T/x.bin"
expect_grep "unknown key" "$T/err"
expect_exit 2 "$PINETBOOT" eeprom set "$I4" BOOT_ORDER=0xf21
expect_exit 2 "$PINETBOOT" eeprom frob
expect_exit 2 "$PINETBOOT" eeprom set "$I4" --timestamp soon BOOT_ORDER=0xf21 -o "$T/x.bin"

# bootstrap: Pi 4 from the site profile (TFTP_PREFIX=2 for tftp_prefix = mac)
export PINETBOOT_FIRMWARE_DIR="$D"
expect_exit 0 "$PINETBOOT" eeprom bootstrap --site "$PNB_TOP/tests/eeprom/site.conf" --pi kitchen \
  --timestamp 1700000001 -o "$T/card4"
for f in recovery.bin pieeprom.upd pieeprom.sig README.txt; do [[ -s "$T/card4/$f" ]] || fail "no $f"; done
cmp "$T/card4/recovery.bin" "$D/firmware-2711/recovery.bin" || fail "recovery.bin differs"
"$PINETBOOT" eeprom show --config "$T/card4/pieeprom.upd" >"$T/c4.txt"
grep -qx "BOOT_ORDER=0xf21" "$T/c4.txt" || fail "bootstrap BOOT_ORDER"
grep -qx "TFTP_PREFIX=2" "$T/c4.txt" || fail "bootstrap TFTP_PREFIX"
[[ "$(head -n1 "$T/card4/pieeprom.sig")" == "$(sha256sum "$T/card4/pieeprom.upd" | cut -d' ' -f1)" ]] || fail "bootstrap .sig"
expect_grep "ts: 1700000001" "$T/card4/pieeprom.sig"
# Pi 5 with an image given explicitly; a Pi 4 image for a Pi 5 is refused
expect_exit 0 "$PINETBOOT" eeprom bootstrap --model 5 --eeprom "$I5" -o "$T/card5"
expect_grep "target-soc: 2712" "$T/card5/pieeprom.sig"
expect_exit 2 "$PINETBOOT" eeprom bootstrap --model 5 --eeprom "$I4" -o "$T/card5b"
expect_grep "BCM2711 image" "$T/err"
# Pi 3: program_usb_boot_mode=1 and the note to remove it
expect_exit 0 "$PINETBOOT" eeprom bootstrap --model 3B -o "$T/card3"
expect_grep "^program_usb_boot_mode=1$" "$T/card3/config.txt"
expect_grep "Remove the line" "$T/card3/README.txt"
expect_grep "^Network boot bootstrap for a Raspberry Pi 3 Model B$" "$T/card3/README.txt"
expect_exit 0 "$PINETBOOT" eeprom bootstrap --model 3B+ -o "$T/card3p"
expect_grep "from the factory" "$T/out"
expect_exit 1 "$PINETBOOT" eeprom bootstrap --model 3A+ -o "$T/card3a"
expect_exit 2 "$PINETBOOT" eeprom bootstrap --model 4B --site "$PNB_TOP/tests/eeprom/site.conf" --pi garage -o "$T/x"
PINETBOOT_FIRMWARE_DIR="$T/none" expect_exit 2 "$PINETBOOT" eeprom bootstrap --model 4B -o "$T/x"
expect_grep "with --eeprom FILE" "$T/err"
exit 0
