#!/usr/bin/env bash
# pinetboot check on the machine itself: vcgencmd found on the PATH (a fake printing a Pi 4's
# recorded outputs) is read; without it the check says so and goes on. This machine's own
# /proc/cpuinfo is not a Pi's, so the verdict is "bad input" (exit 2) unless it is a Pi.
. "$(dirname "$0")/../lib.sh"
grep -q '^Revision' /proc/cpuinfo && skip "this machine is a Raspberry Pi"
P="$PNB_TOP/tests/data/pi"
mkdir -p "$T/bin"
cat >"$T/bin/vcgencmd" <<SH
#!/bin/sh
case "\$1" in
  otp_dump) exec cat "$P/otp-4b.txt" ;;
  bootloader_version) exec cat "$P/blversion-2023.txt" ;;
  bootloader_config) exec cat "$P/bootconf-net-mac.txt" ;;
esac
exit 1
SH
chmod +x "$T/bin/vcgencmd"
PATH="$T/bin:$PATH" expect_exit 2 "$PINETBOOT" check
expect_grep "boot order:  SD card, then network, then restart (0xf21)" "$T/out"
expect_grep "bootloader:  2023-01-11 (8ba17717), network boot capable" "$T/out"
expect_grep "/proc/cpuinfo: no 'Revision' line" "$T/out"
PATH="/usr/bin:/bin" expect_exit 2 "$PINETBOOT" check --json
expect_grep '"message":"vcgencmd otp_dump: vcgencmd is not installed here"' "$T/out"

# A Pi 4 without vcgencmd (a fake /proc and /sys under PINETBOOT_SYSROOT): the config comes
# from the blconfig nvmem device and the version from the device tree, as rpi-eeprom-config does.
R="$T/root"
mkdir -p "$R/proc/device-tree/chosen/bootloader" "$R/sys/class/net/eth0" \
  "$R/sys/firmware/devicetree/base/aliases" "$R/sys/firmware/devicetree/base/reserved-memory/nvram@0" \
  "$R/sys/bus/nvmem/devices/rmem0" "$R/sys/bus/nvmem/devices/rmem1"
cp "$P/cpuinfo-4b.txt" "$R/proc/cpuinfo"
echo dc:a6:32:2e:f8:ed >"$R/sys/class/net/eth0/address"
printf '/reserved-memory/nvram@0\0' >"$R/sys/firmware/devicetree/base/aliases/blconfig"
ln -s "$R/sys/firmware/devicetree/base/reserved-memory/nvram@0" "$R/sys/bus/nvmem/devices/rmem0/of_node"
ln -s "$R/sys/firmware/devicetree/base/reserved-memory" "$R/sys/bus/nvmem/devices/rmem1/of_node"
{ cat "$P/bootconf-net-mac.txt"; head -c 64 /dev/zero; } >"$R/sys/bus/nvmem/devices/rmem0/nvmem"
echo "not this one" >"$R/sys/bus/nvmem/devices/rmem1/nvmem"
printf '\x63\xbe\xe8\xa4' >"$R/proc/device-tree/chosen/bootloader/build-timestamp"   # 1673455780
PATH="/usr/bin:/bin" PINETBOOT_SYSROOT="$R" expect_exit 0 "$PINETBOOT" check --site "$PNB_TOP/tests/eeprom/site.conf" --pi kitchen
expect_grep "boot order:  SD card, then network, then restart (0xf21)" "$T/out"
expect_grep "bootloader:  2023-01-11" "$T/out"
expect_grep "MAC:         dc:a6:32:2e:f8:ed" "$T/out"
expect_grep "note: vcgencmd otp_dump: vcgencmd is not installed here" "$T/out"
expect_grep "READY: ready to network boot" "$T/out"
exit 0
