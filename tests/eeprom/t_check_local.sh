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
exit 0
