#!/usr/bin/env bash
# pinetboot check from saved outputs: verdicts, the one action, exit codes, JSON, site checks.
. "$(dirname "$0")/../lib.sh"
P="$PNB_TOP/tests/data/pi"
S="$PNB_TOP/tests/eeprom/site.conf"
c() { expect_exit "$1" "$PINETBOOT" check "${@:2}"; }

# Pi 3B: factory OTP → not ready, the action is the bootstrap card
c 1 --otp "$P/otp-3b-factory.txt" --cpuinfo "$P/cpuinfo-3b.txt"
expect_grep "NOT READY: OTP row 17 is 1020000a" "$T/out"
expect_grep "action:      pinetboot eeprom bootstrap --model 3B -o card/" "$T/out"
c 0 --otp "$P/otp-3b-enabled.txt" --cpuinfo "$P/cpuinfo-3b.txt"
expect_grep "READY: ready to network boot" "$T/out"
expect_grep "Raspberry Pi 3 Model B rev 1.2, 1024 MB, BCM2837, Sony UK" "$T/out"
# the OTP dump alone: row 30 is the revision code, so it names the model
c 0 --otp "$P/otp-3b-enabled.txt"
expect_grep "Raspberry Pi 3 Model B rev 1.2, 1024 MB, BCM2837, Sony UK (revision a02082)" "$T/out"
c 1 --otp "$P/otp-3b-factory.txt"
expect_grep "NOT READY: OTP row 17 is 1020000a" "$T/out"
c 2 --otp "$P/otp-garbage.txt" --cpuinfo "$P/cpuinfo-3b.txt"
expect_grep "no OTP rows found" "$T/out"
c 2 --otp "$P/otp-3b-truncated.txt" --cpuinfo "$P/cpuinfo-3b.txt"
expect_grep "row 28 is missing" "$T/out"
# serial from OTP row 28 must be the cpuinfo serial
c 1 --otp "$P/otp-4b.txt" --cpuinfo "$P/cpuinfo-3b.txt"
expect_grep "serial 5b154510 differs from /proc/cpuinfo's 9ffefdef" "$T/out"
# a board that cannot network boot
c 1 --cpuinfo "$P/cpuinfo-zero.txt"
expect_grep "Zero W" "$T/out"

# Pi 4: factory config has no network in BOOT_ORDER
c 1 --cpuinfo "$P/cpuinfo-4b.txt" --bootconf "$P/bootconf-factory-4.txt" --bootloader-version "$P/blversion-2023.txt"
expect_grep "boot order:  SD card, then USB mass storage, then restart (0xf41)" "$T/out"
expect_grep "never tries the network" "$T/out"
c 1 --cpuinfo "$P/cpuinfo-5.txt" --bootconf "$P/bootconf-5-factory.txt"
expect_grep "SD card, then NVMe, then USB mass storage, then restart" "$T/out"
# too old a bootloader
c 1 --cpuinfo "$P/cpuinfo-4b.txt" --bootconf "$P/bootconf-net-serial.txt" --bootloader-version "$P/blversion-2019.txt"
expect_grep "network boot needs a bootloader from 2019-09-23 or later" "$T/out"
expect_grep "rpi-eeprom-update -a" "$T/out"
# ready, and matching the site profile (TFTP_PREFIX=2 = tftp_prefix mac)
c 0 --cpuinfo "$P/cpuinfo-4b.txt" --bootconf "$P/bootconf-net-mac.txt" --bootloader-version "$P/blversion-2023.txt" \
  --mac dc:a6:32:2e:f8:ed --site "$S" --pi kitchen
# TFTP_PREFIX=0 against tftp_prefix = mac
c 1 --cpuinfo "$P/cpuinfo-4b.txt" --bootconf "$P/bootconf-net-serial.txt" --site "$S" --pi kitchen
expect_grep "site.conf:12: \[pi \"kitchen\"\] tftp_prefix" "$T/out"
expect_grep "TFTP_PREFIX=0 does not match the server layout" "$T/out"
expect_grep "eeprom bootstrap --site $S --pi kitchen" "$T/out"
# another Pi's serial and MAC
c 1 --cpuinfo "$P/cpuinfo-4b.txt" --bootconf "$P/bootconf-net-serial.txt" --mac dc:a6:32:2e:f8:ed --site "$S" --pi hall
expect_grep "set serial = 5b154510 in \[pi \"hall\"\]" "$T/out"
expect_grep "the Pi's MAC is dc:a6:32:2e:f8:ed" "$T/out"
# TFTP_IP that is not the server
printf '[all]\nBOOT_ORDER=0xf21\nTFTP_PREFIX=2\nTFTP_IP=192.168.20.9\n' >"$T/bc.txt"
c 1 --cpuinfo "$P/cpuinfo-4b.txt" --bootconf "$T/bc.txt" --site "$S" --pi kitchen
expect_grep "TFTP_IP=192.168.20.9 is not the boot server (192.168.20.1)" "$T/out"

# JSON
c 1 --json --otp "$P/otp-3b-factory.txt" --cpuinfo "$P/cpuinfo-3b.txt"
python3 - "$T/out" <<'PY' || fail "bad JSON"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["ready"] is False and d["exit"] == 1 and d["model"] == "3B", d
assert d["serial"] == "9ffefdef" and d["otp_row17"] == "1020000a", d
assert "bootstrap" in d["action"], d
assert d["problems"][0]["key"] == "row 17" and d["problems"][0]["line"] == 10, d
PY

# bad usage and unreadable input
c 2 --otp "$T/nope.txt"
c 2 --site "$S"
c 2 --ssh -oProxyCommand=evil
c 2 extra
c 2 --cpuinfo "$P/otp-3b-factory.txt"
expect_grep "not the /proc/cpuinfo of a Raspberry Pi" "$T/out"
exit 0
