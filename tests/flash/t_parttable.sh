#!/usr/bin/env bash
# core/parttable against the real partitioner: MBR and GPT images written by sfdisk (with
# mkfs.vfat / mkfs.ext4 inside) read back partition for partition, a GPT whose primary header
# was damaged read from its backup (as sfdisk itself does), and both copies damaged.
. "$(dirname "$0")/../lib.sh"
need sfdisk mkfs.vfat mkfs.ext4
tool=$(dirname "$PINETBOOT")/tools/pnb_parttable
[[ -x "$tool" ]] || fail "$tool not built"

# sfdisk -d lines reduced to what pnb_parttable prints: "N : start=S, size=S, type=T|uuid=U"
sfdisk_parts() {
  sfdisk -d "$1" 2>/dev/null | sed -nE \
    -e 's/^label: (.*)/label: \1/p' -e 's/^label-id: (.*)/label-id: \1/p' \
    -e 's/^[^ ]*[^0-9]([0-9]+) : start= *([0-9]+), size= *([0-9]+), type=([0-9a-f]+)(,.*)?$/\1 : start=\2, size=\3, type=\4/p' \
    -e 's/^[^ ]*[^0-9]([0-9]+) : start= *([0-9]+), size= *([0-9]+), type=[^,]*, uuid=([0-9A-F-]+).*/\1 : start=\2, size=\3, uuid=\4/p'
}
ours() { "$tool" "$1" | sed -e 's/ fs=.*//' -e '/^error:/d'; }

img=$T/dos.img
truncate -s 40M "$img"
printf 'label: dos\nlabel-id: 0x1234abcd\nstart=2048, size=16384, type=c\nstart=18432, size=40960, type=83\nstart=59392, size=8192, type=5\n' | sfdisk -q "$img"
mkfs.vfat -n BOOT --offset 2048 "$img" $((16384 / 2)) >/dev/null
mkfs.ext4 -q -F -E offset=$((18432 * 512)) "$img" $((40960 / 2))k >/dev/null
diff <(sfdisk_parts "$img") <(ours "$img") || fail "MBR read differs from sfdisk -d"
"$tool" "$img" >"$T/dos.out"
expect_grep '^1 : .* fs=fat$' "$T/dos.out"
expect_grep '^2 : .* fs=ext$' "$T/dos.out"
expect_grep '^3 : .*type=5 fs=unknown$' "$T/dos.out"

img=$T/gpt.img
truncate -s 40M "$img"
printf 'label: gpt\nstart=2048, size=16384, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B\nstart=18432, size=40960, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4\n' | sfdisk -q "$img"
mkfs.ext4 -q -F -E offset=$((18432 * 512)) "$img" $((40960 / 2))k >/dev/null
diff <(sfdisk_parts "$img") <(ours "$img") || fail "GPT read differs from sfdisk -d"
expect_exit 0 "$tool" "$img"
expect_no_grep '^error:' "$T/out"

# damage the primary header's disk GUID: its CRC fails, the backup is read (sfdisk agrees)
cp "$img" "$T/ref.img"
printf '\xff' | dd of="$img" bs=1 seek=$((512 + 60)) conv=notrunc status=none
expect_exit 0 "$tool" "$img"
expect_grep 'LBA 1 fails its CRC; the backup GPT at LBA 81919 is used' "$T/out"
diff <(sfdisk_parts "$T/ref.img") <(ours "$img") || fail "the backup GPT read differs"
# and the backup too: no table, said why
dd if=/dev/zero of="$img" bs=512 seek=81919 count=1 conv=notrunc status=none
expect_exit 0 "$tool" "$img"
expect_grep '^label: none' "$T/out"
expect_grep 'no usable GPT: the GPT header at LBA 1 fails its CRC' "$T/out"
echo "ok"
