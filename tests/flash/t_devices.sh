#!/usr/bin/env bash
# `pinetboot devices` over umockdev descriptions: text and JSON, unsafe drives explained.
# asan: skip (the umockdev preload cannot come before the ASan runtime)
. "$PNB_TOP/tests/lib.sh"
need umockdev-run
d="$PNB_TOP/tests/data"
export PNB_MOUNTINFO="$d/drives.mountinfo" PNB_SWAPS="$d/drives.swaps"
run() { umockdev-run -d "$d/drives.umockdev" -d "$d/drives-more.umockdev" -- "$PINETBOOT" "$@"; }
expect_exit 0 run devices
expect_grep "^/dev/sdb .*usb .*Generic STORAGE DEVICE .*safe" "$T/out"
expect_grep "^/dev/sdc .*mounted: sdc1 on /media/user/STICK ONE" "$T/out"
expect_grep "^/dev/mmcblk0 .*mmc .*read-only" "$T/out"
expect_grep "^/dev/nvme0n1 .*nvme .*safe" "$T/out"
expect_no_grep "^/dev/sda " "$T/out"
expect_exit 0 run devices --all
expect_grep "^/dev/sda .*ata .*system disk: dm-0 holds /" "$T/out"
expect_exit 0 run devices --all --json
python3 - "$T/out" <<'PY' || fail "devices --json is not one JSON object per line"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
by = {r["device"]: r for r in rows}
assert by["/dev/sda"]["class"] == "system" and by["/dev/sda"]["holders"] == ["dm-0"]
assert by["/dev/sdc"]["class"] == "mounted" and by["/dev/sdc"]["partitions"] == ["sdc1"]
assert by["/dev/mmcblk0"]["class"] == "read-only" and by["/dev/mmcblk0"]["serial"] == "0x1a2b3c4d"
assert by["/dev/sdb"]["class"] == "safe" and by["/dev/sdb"]["removable"] is True
assert by["/dev/nvme0n1"]["bus"] == "nvme"
PY
expect_exit 2 "$PINETBOOT" devices --bogus
expect_exit 2 "$PINETBOOT" devices extra
