#!/usr/bin/env bash
# Rules 3-5 for the writers of disks: provision copies the boot files through no link planted in
# the Pi's TFTP directory (H5), re-running it over a backing that holds a root needs --force
# (H4), a linked or hard-linked backing or flash target is refused unless forced, a flash over
# a file holding data wants --yes (L5); the sentinel tree they point at never changes.
. "$PNB_TOP/tests/lib.sh"
. "$PNB_TOP/tests/flash/mkimg.sh"
. "$(dirname "$0")/lib_hostile.sh"
need sfdisk mkfs.vfat mkfs.ext4 mcopy e2fsck resize2fs
sentinel_make "$T/sentinel"
cases=0
ok() { cases=$((cases + 1)); }
mkimg "$T/pi.img"
mksite "$T/site.conf" "tftp_root = $T/tftp" "image = $T/pi.img
backing = $T/iscsi/kitchen.img
chap = no"
mkdir -p "$T/iscsi" "$T/tftp/511e57f7"
# H5: links planted in the TFTP directory point at the sentinels
ln -s "$T/sentinel/shadow" "$T/tftp/511e57f7/cmdline.txt"
ln -s "$T/sentinel/victim" "$T/tftp/511e57f7/kernel8.img"
ln -s "$T/sentinel/sub/fstab" "$T/tftp/511e57f7/config.txt"
expect_exit 0 "$PINETBOOT" provision "$T/site.conf" --pi kitchen
sentinel_check "$T/sentinel"
for f in cmdline.txt kernel8.img config.txt; do
	[[ -f $T/tftp/511e57f7/$f && ! -L $T/tftp/511e57f7/$f ]] || fail "$f is not a file of its own"
	ok
done
ls -a "$T/tftp" | grep -q pinetboot- && fail "a staging directory was left behind"
# H4: a second run over the root it wrote wants --force
sum=$(sha256sum <"$T/iscsi/kitchen.img")
expect_exit 1 "$PINETBOOT" provision "$T/site.conf" --pi kitchen
expect_grep "refusing $T/iscsi/kitchen.img: a file holding .* bytes, which provision would replace (--force overwrites it)" "$T/err"
[[ $(sha256sum <"$T/iscsi/kitchen.img") == "$sum" ]] || fail "the refused provision changed the backing"; ok
expect_exit 0 "$PINETBOOT" provision "$T/site.conf" --pi kitchen --force; ok
# a linked or hard-linked backing is refused even with data elsewhere
ln -s "$T/sentinel/victim" "$T/iscsi/link.img"
sed "s|^backing = .*|backing = $T/iscsi/link.img|" "$T/site.conf" >"$T/link.conf"
expect_exit 1 "$PINETBOOT" provision "$T/link.conf" --pi kitchen
expect_grep "a symbolic link to" "$T/err"; ok
ln "$T/sentinel/victim" "$T/iscsi/hard.img" 2>/dev/null && {
	sed "s|^backing = .*|backing = $T/iscsi/hard.img|" "$T/site.conf" >"$T/hard.conf"
	expect_exit 1 "$PINETBOOT" provision "$T/hard.conf" --pi kitchen
	expect_grep "hard links" "$T/err"; ok
	rm "$T/iscsi/hard.img"
}
sentinel_check "$T/sentinel"

# L5: flash onto a link, a hard link, or a file holding data
ln -s "$T/sentinel/victim" "$T/sym.img"
expect_exit 1 "$PINETBOOT" flash "$T/pi.img" "$T/sym.img"
expect_grep "symbolic link" "$T/err"; ok
ln "$T/sentinel/shadow" "$T/hl.img"
expect_exit 1 "$PINETBOOT" flash "$T/pi.img" "$T/hl.img"
expect_grep "hard links" "$T/err"; ok
rm "$T/hl.img"
echo data >"$T/data.img"
expect_exit 1 "$PINETBOOT" flash "$T/pi.img" "$T/data.img"
expect_grep "pass --yes to overwrite it" "$T/err"
[[ $(cat "$T/data.img") == data ]] || fail "flash overwrote a file without --yes"; ok
expect_exit 0 "$PINETBOOT" flash --yes "$T/pi.img" "$T/data.img"; ok
# L6: a raw image cut short is an error, not "verified"
head -c 100M "$T/pi.img" >"$T/cut.img"
expect_exit 1 "$PINETBOOT" flash "$T/cut.img" "$T/cut-out.img"
expect_grep "the image is cut short: partition 2 ends at 128 MiB but the image holds 100 MiB" "$T/err"; ok
# L13: --user and --config are one field and one line
echo secret >"$T/pw"
expect_exit 2 "$PINETBOOT" flash --yes "$T/pi.img" "$T/c.img" --user $'pi:$6$salt$hash\nroot' --password-file "$T/pw"
expect_grep "is not a user name" "$T/err"; ok
expect_exit 2 "$PINETBOOT" flash --yes "$T/pi.img" "$T/c.img" --config $'dtoverlay=x\nstart_file=evil.elf'
expect_grep "holds a line break" "$T/err"; ok
[[ -e $T/c.img ]] && fail "a refused flash wrote its target"
# L16: flash DIR puts no link target (and no FIFO) on the card
mkdir -p "$T/d" && echo hello >"$T/d/config.txt"
ln -s "$T/sentinel/shadow" "$T/d/looks-innocent.txt"
"$PINETBOOT" flash --yes "$T/d" "$T/card.img" >"$T/out" 2>&1 && fail "flash DIR took a symbolic link"
expect_grep "looks-innocent.txt: a symbolic link is in the way" "$T/out"; ok
rm "$T/d/looks-innocent.txt" && mkfifo "$T/d/fifo"
timeout 20 "$PINETBOOT" flash --yes "$T/d" "$T/card.img" >"$T/out" 2>&1
rc=$?
[[ $rc -ne 0 && $rc -ne 124 ]] || fail "flash DIR with a FIFO hung or went through (exit $rc)"
expect_grep "fifo: not a regular file" "$T/out"; ok
sentinel_check "$T/sentinel"
echo "$cases cases held"
