#!/usr/bin/env bash
# lint --root models the firmware on boot-file trees shaped like each seed's OS (trees.sh):
# the kernel it takes follows arm_64bit / kernel= / the model, the initramfs follows the OS's
# own line or auto_initramfs, and a working tree gets no finding about its kernel or initramfs.
# Then the same trees broken the ways the seeds' users break them are caught: the initramfs
# line names a missing file, the initramfs lacks open-iscsi, a 64-bit config without its kernel.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/trees.sh"
need python3
R=$T/root TFTP=/srv/tftp

# site NAME ROOT PIKEYS — $T/NAME.conf with one Pi "p" (PIKEYS: its keys, one per line)
site() {
  { printf '[server]\ninterface = eth0\naddress = 192.168.20.1/24\ntftp_root = %s\nroot = %s\n' "$TFTP" "$2"
    printf 'iqn_base = iqn.2026-11.lan.example\n'
    [[ $2 == nfs ]] && printf 'nfs_root = /srv/nfs\n'
    printf '\n[pi "p"]\n%s\n' "$3"
    [[ $2 == iscsi ]] && printf 'chap = no\n'
  } >"$T/$1.conf"
}
# check NAME SHAPE DIR — installs NAME's files with apply --root over a fresh tree of SHAPE in
# DIR, then lint --root: no finding names the kernel or the initramfs
check() {
  rm -rf "$R"; seed_tree "$2" "$R$TFTP/$3" || fail "seed_tree $2"
  cp "$R$TFTP/$3/bootcode.bin" "$R$TFTP/" 2>/dev/null
  expect_exit 0 "$PINETBOOT" apply "$T/$1.conf" --root "$R"
  "$PINETBOOT" lint "$T/$1.conf" --root "$R" >"$T/out" 2>&1
  if grep -Eq '\] (kernel|initramfs|auto_initramfs|config.txt|tftp_prefix):' "$T/out"; then cat "$T/out"; fail "$1 ($2): lint calls a working tree broken"; fi
  echo "ok: $1 ($2)"
}

site s000 iscsi $'model = 3B\nserial = 00000000a1b2c3d4'
check s000 raspbian2019 a1b2c3d4
# the user's own initramfs line stays the last one: apply added no line of its own
[[ $(grep -c '^initramfs' "$R$TFTP/a1b2c3d4/config.txt") == 1 ]] || fail "apply added an initramfs line"
site s003 iscsi $'model = 3B\nserial = 0a4553f8\ninitramfs = initrd.img-4.4.27-v7+'
check s003 raspbian2016 0a4553f8
[[ $(grep -c '^initramfs' "$R$TFTP/0a4553f8/config.txt") == 1 ]] || fail "the profile's line was added twice"
site s001 iscsi $'model = 4B\nmac = dc:a6:32:1c:6a:2a\ntftp_prefix = mac'
check s001 ubuntu2404 dc-a6-32-1c-6a-2a
site s001b iscsi $'model = 5\nmac = 2c:cf:67:00:11:22\ntftp_prefix = mac'
check s001b ubuntu2404 2c-cf-67-00-11-22
site s002 iscsi $'model = 4B\nserial = 511e57f7\nkernel = Image.gz\ninitramfs = none'
check s002 shim 511e57f7
site bw iscsi $'model = 5\nserial = b7f44626'
check bw bookworm64 b7f44626
site bw3 iscsi $'model = 3B+\nserial = 3cfe0001'
check bw3 bookworm64 3cfe0001
site s004 nfs $'model = 4B\nserial = 511e57f7'
check s004 buster-nfs 511e57f7

# the faults: the initramfs line names a file that is not there (the firmware stops, stage 5)
seed_tree raspbian2019 "$R$TFTP/a1b2c3d4" >/dev/null; rm "$R$TFTP/a1b2c3d4/initrd.img-4.19.57-v7+"
expect_exit 1 "$PINETBOOT" lint "$T/s000.conf" --root "$R"
expect_grep 'a1b2c3d4/config.txt: \[pi "p"\] initramfs: config.txt names initramfs initrd.img-4.19.57-v7+, which is not there' "$T/out"
# the initramfs of a stock image: no open-iscsi in it (stage 7)
rm -rf "$R$TFTP/a1b2c3d4"; seed_tree raspbian2019 "$R$TFTP/a1b2c3d4" tools-stock
expect_exit 1 "$PINETBOOT" lint "$T/s000.conf" --root "$R"
expect_grep 'initrd.img-4.19.57-v7+: \[pi "p"\] initramfs: the initramfs config.txt loads cannot log in to the iSCSI root' "$T/out"
# a 32-bit tree told arm_64bit=1: kernel8.img is then the only kernel the Pi 3 takes
rm -rf "$R$TFTP/a1b2c3d4"; seed_tree raspbian2019 "$R$TFTP/a1b2c3d4"; echo arm_64bit=1 >>"$R$TFTP/a1b2c3d4/config.txt"
expect_exit 1 "$PINETBOOT" lint "$T/s000.conf" --root "$R"
expect_grep 'a1b2c3d4: \[pi "p"\] kernel: the Pi.s TFTP directory has no kernel8.img, the kernel arm_64bit=1 in config.txt names' "$T/out"
# a Pi 4 tree holding kernel8.img beside kernel7l.img with no arm_64bit line (as 32-bit images
# since 2020 ship): which one starts depends on the age of its start4.elf, so lint says both
rm -rf "$R"; seed_tree buster-nfs "$R$TFTP/511e57f7"; seed_stub "$R$TFTP/511e57f7/kernel8.img"
"$PINETBOOT" lint "$T/s004.conf" --root "$R" >"$T/out" 2>&1
expect_grep '511e57f7: \[pi "p"\] arm_64bit: warning: uncertain which kernel the Pi starts: .*both kernel8.img and kernel7l.img; a Pi 4.s firmware (start4.elf) from before 2023 starts kernel7l.img, later firmware kernel8.img' "$T/out"
for a in 0 1; do
  printf 'arm_64bit=%s\n' "$a" >>"$R$TFTP/511e57f7/config.txt"
  "$PINETBOOT" lint "$T/s004.conf" --root "$R" >"$T/out" 2>&1
  expect_no_grep 'uncertain which kernel' "$T/out"
  sed -i '$d' "$R$TFTP/511e57f7/config.txt"
done
# an iSCSI root with no initramfs at all (the shim tree without initramfs = none) is a warning
site s002x iscsi $'model = 4B\nserial = 511e57f7\nkernel = Image.gz'
rm -rf "$R"; seed_tree shim "$R$TFTP/511e57f7"
expect_exit 0 "$PINETBOOT" apply "$T/s002x.conf" --root "$R"
expect_exit 0 "$PINETBOOT" lint "$T/s002x.conf" --root "$R"
expect_grep 'initramfs: warning: config.txt loads no initramfs with Image.gz' "$T/out"
exit 0
