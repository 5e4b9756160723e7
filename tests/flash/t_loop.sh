#!/usr/bin/env bash
# flash into loop devices: used blocks only, clean filesystems, byte-identical over zeros,
# refusals (mounted partition, too small) that leave the device untouched, verify mismatch.
. "$PNB_TOP/tests/lib.sh"
. "$PNB_TOP/tests/flash/mkimg.sh"
need_root
need losetup e2fsck debugfs fsck.vfat mount xz zstd
losetup -f >/dev/null 2>&1 || skip "no free loop device"
mkimg_xz "$T/pi.img"
zstd -q -c "$T/pi.img" >"$T/pi.img.zst"
loops=()
# newloop VAR [losetup options] FILE — sets VAR to the new device and remembers it for cleanup
newloop() { local -n _v=$1; shift; _v=$(losetup -f --show "$@") || fail "losetup $*"; loops+=("$_v"); }
# detach only devices still backed by our files (a number may have been reused by then)
on_exit 'for l in "${loops[@]}"; do losetup -n -O BACK-FILE "$l" 2>/dev/null | grep -q "$T/" && losetup -d "$l"; done'
on_exit 'mountpoint -q "$T/mnt" && umount "$T/mnt"'
written() { echo $(( $(awk '{print $7}' "/sys/block/$(basename "$1")/stat") * 512 )); }

# 1. over old junk: only what the filesystems use is written, and the result is clean
head -c 128M /dev/urandom >"$T/junk.img"
newloop L "$T/junk.img"
before=$(written "$L")
expect_exit 0 "$PINETBOOT" flash --yes "$T/pi.img.xz" "$L"
expect_grep "p1 fat" "$T/out"
expect_grep "p2 ext" "$T/out"
bytes=$(( $(written "$L") - before ))
used=$(( ( $(nonzero_bytes "$T/pi.img") ) ))
echo "wrote $bytes bytes for $used non-zero bytes of image"
(( bytes < 128 * 1024 * 1024 / 2 )) || fail "wrote $bytes bytes: free space was written"
e2fsck -fn "$L?offset=$P2_OFF" >"$T/fsck" 2>&1 || { cat "$T/fsck"; fail "ext4 not clean after flash"; }
fsck.vfat -n --offset 2048 "$L" >"$T/vfsck" 2>&1 || true
debugfs -R "cat /data/random.bin" "$L?offset=$P2_OFF" 2>/dev/null >"$T/rand.dev"
debugfs -R "cat /data/random.bin" "$T/pi.img?offset=$P2_OFF" 2>/dev/null >"$T/rand.img"
cmp "$T/rand.dev" "$T/rand.img" || fail "file content differs on the device"
mtype -i "$L@@$P1_OFF" ::cmdline.txt >"$T/cmd.dev"
mtype -i "$T/pi.img@@$P1_OFF" ::cmdline.txt >"$T/cmd.img"
cmp "$T/cmd.dev" "$T/cmd.img" || fail "FAT file differs"
cmp <(head -c 1M "$T/junk.img") <(head -c 1M "$T/pi.img") || fail "first MiB differs"
losetup -d "$L"

# 2. over zeros: every format gives a byte-identical device
for src in "$T/pi.img" "$T/pi.img.xz" "$T/pi.img.zst"; do
  rm -f "$T/zero.img"; truncate -s 128M "$T/zero.img"
  newloop L "$T/zero.img"
  expect_exit 0 "$PINETBOOT" flash --yes "$src" "$L"
  losetup -d "$L"
  cmp "$T/zero.img" "$T/pi.img" || fail "$src on a loop device is not byte-identical"
done

# 3. a mounted partition (losetup -o + mount) → refused, device untouched
cp "$T/pi.img" "$T/busy.img"
newloop L "$T/busy.img"
newloop P -o "$P2_OFF" "$T/busy.img"
mkdir -p "$T/mnt"; mount -o ro "$P" "$T/mnt" || skip "cannot mount ext4 here"
sum=$(sha256sum <"$T/busy.img")
expect_exit 1 "$PINETBOOT" flash --yes "$T/pi.img.zst" "$L"
expect_grep "refusing $L: mounted: $(basename "$P") on $T/mnt" "$T/err"
[[ $(sha256sum <"$T/busy.img") == "$sum" ]] || fail "refused device was changed"
expect_exit 0 "$PINETBOOT" devices --all --json
expect_grep "\"device\":\"$L\".*\"mounted\":true" "$T/out"
# even with --force, the kernel refuses an exclusive open of the mounted device itself
expect_exit 1 "$PINETBOOT" flash --yes --force "$T/pi.img.zst" "$P"
expect_grep "in use\|not a whole disk" "$T/err"
umount "$T/mnt"

# 4. too small: refused before writing
head -c 64M /dev/urandom >"$T/small.img"
sum=$(sha256sum <"$T/small.img")
newloop L "$T/small.img"
expect_exit 1 "$PINETBOOT" flash --yes "$T/pi.img.xz" "$L"
expect_grep "too small" "$T/err"
expect_exit 1 "$PINETBOOT" flash --yes --force "$T/pi.img.xz" "$L"
expect_grep "too small\|larger than" "$T/err"
losetup -d "$L"
[[ $(sha256sum <"$T/small.img") == "$sum" ]] || fail "too-small device was changed"

# 5. read-only device: refused
truncate -s 128M "$T/ro.img"
newloop L -r "$T/ro.img"
expect_exit 1 "$PINETBOOT" flash --yes "$T/pi.img.xz" "$L"
expect_grep "read-only" "$T/err"

# 6. corrupted between write and verify → reported with the offset
truncate -s 128M "$T/flip.img"
newloop L "$T/flip.img"
PNB_TEST_FLIP_BYTE=$((P2_OFF + 4096)) expect_exit 1 "$PINETBOOT" flash --yes "$T/pi.img.xz" "$L"
expect_grep "verification failed" "$T/err"
expect_grep "cannot be trusted" "$T/err"

# 7. no terminal and no --yes: refuses rather than guessing
expect_exit 1 setsid "$PINETBOOT" flash "$T/pi.img.xz" "$L" </dev/null
expect_grep "pass --yes\|not confirmed" "$T/err"

# 8. a full filesystem under a file target: ENOSPC named, and what is left
mkdir -p "$T/tiny"
mount -t tmpfs -o size=1M pnb-tiny "$T/tiny" || skip "cannot mount a tmpfs"
on_exit 'mountpoint -q "$T/tiny" && umount "$T/tiny"'
expect_exit 1 "$PINETBOOT" flash "$T/pi.img.zst" "$T/tiny/backing.img"
expect_grep "no space left on the target" "$T/err"
expect_grep "file is incomplete and has no partition table" "$T/err"

# 9. customising a flashed device (mtools on the device at the partition offset)
truncate -s 128M "$T/cust.img"
newloop L "$T/cust.img"
expect_exit 0 "$PINETBOOT" flash --yes --config program_usb_boot_mode=1 "$T/pi.img.zst" "$L"
mtype -i "$L@@$P1_OFF" ::config.txt >"$T/cfg"
expect_grep "^program_usb_boot_mode=1$" "$T/cfg"

# 10. devices --watch: a loop device set up and taken down shows as + and -
truncate -s 16M "$T/hot.img"
# (each step waits for the one before: under ASan on a loaded machine the watcher may start late)
"$PINETBOOT" devices --all --watch --seconds 120 >"$T/watch.out" 2>&1 &
wpid=$!
on_exit "kill $wpid 2>/dev/null"
# (the udev monitor listens before the list is made: no pause is needed once it is printed)
wait_grep "^DEVICE " "$T/watch.out" 30 "$wpid" || { cat "$T/watch.out"; fail "devices --watch did not start"; }
newloop H "$T/hot.img"
wait_grep "^+ $H " "$T/watch.out" 30 "$wpid"
losetup -d "$H"
wait_grep "^- $H$" "$T/watch.out" 30 "$wpid"
kill $wpid 2>/dev/null; wait $wpid
expect_grep "^+ $H .*loop .*safe" "$T/watch.out"
expect_grep "^- $H$" "$T/watch.out"

# 11. devices --watch: a drive that comes right after the list is printed is reported once
# (the test gate holds the watcher there until the loop device exists; it used to open its
# udev monitor only then and never saw the drive)
PNB_TEST_WATCH_GATE="$T/gate" "$PINETBOOT" devices --all --watch --seconds 120 >"$T/race.out" 2>&1 &
wpid=$!
on_exit "kill $wpid 2>/dev/null"
wait_grep "^DEVICE " "$T/race.out" 30 "$wpid" || { cat "$T/race.out"; fail "devices --watch did not start"; }
newloop R "$T/hot.img"
touch "$T/gate"
wait_grep "^+ $R " "$T/race.out" 30 "$wpid" || { cat "$T/race.out"; fail "$R set up after the list was never reported"; }
losetup -d "$R"
wait_grep "^- $R$" "$T/race.out" 30 "$wpid" || { cat "$T/race.out"; fail "$R taken down was not reported"; }
kill $wpid 2>/dev/null; wait $wpid
# its first two +/- lines: added once, then gone (later ones may be another test reusing it)
seq=$(grep -E "^[-+] $R( |$)" "$T/race.out" | head -2 | cut -c1 | tr -d '\n')
[[ $seq == "+-" ]] || { cat "$T/race.out"; fail "$R reported as '$seq', not once added then gone"; }
