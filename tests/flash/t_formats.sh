#!/usr/bin/env bash
# flash into regular files from every source format: byte-identical, sparse, checksums,
# truncated and corrupt archives.
. "$PNB_TOP/tests/lib.sh"
. "$PNB_TOP/tests/flash/mkimg.sh"
need xz gzip zstd bzip2 zip python3
mkimg "$T/pi.img"
compress_all "$T/pi.img"
nz=$(nonzero_bytes "$T/pi.img")
for ext in "" .xz .gz .zst .bz2 .zip; do
  src="$T/pi.img$ext"
  expect_exit 0 "$PINETBOOT" flash "$src" "$T/out$ext.img"
  cmp "$T/pi.img" "$T/out$ext.img" || fail "flash of $src is not byte-identical"
  alloc=$(( $(stat -c %b "$T/out$ext.img") * $(stat -c %B "$T/out$ext.img") ))
  # thin: about as much as the non-zero data (plus filesystem allocation slack)
  (( alloc <= nz + 1024 * 1024 )) || fail "$src: allocated $alloc bytes for $nz non-zero bytes"
  expect_grep "verified" "$T/out"
done
# the multi-threaded xz decoder is used for a multi-block file
expect_exit 0 "$PINETBOOT" flash --yes "$T/pi.img.xz" "$T/o.img"
expect_grep "xz, .*2 decoder threads\|xz, .*[2-9] decoder threads" "$T/out"
# SHA-256: --sha256, the sidecar, and a mismatch (which leaves no partition table)
sum=$(sha256sum "$T/pi.img.xz" | cut -d' ' -f1)
expect_exit 0 "$PINETBOOT" flash --yes --sha256 "$sum" "$T/pi.img.xz" "$T/o.img"
expect_grep "SHA-256 matches" "$T/out"
echo "$sum  pi.img.xz" >"$T/pi.img.xz.sha256"
expect_exit 0 "$PINETBOOT" flash --yes "$T/pi.img.xz" "$T/o.img"
expect_grep "SHA-256 matches its .sha256 file" "$T/out"
echo "$(echo "$sum" | tr 0-9a-f 1-9a-f0)  pi.img.xz" >"$T/pi.img.xz.sha256"
expect_exit 1 "$PINETBOOT" flash --yes "$T/pi.img.xz" "$T/o.img"
expect_grep "SHA-256 is $sum, expected" "$T/err"
expect_grep "holds no partitions" "$T/err"
[[ $(head -c 512 "$T/o.img" | tr -d '\0' | wc -c) -eq 0 ]] || fail "partition table written despite a checksum mismatch"
rm -f "$T/pi.img.xz.sha256"
expect_exit 2 "$PINETBOOT" flash --yes --sha256 nothex "$T/pi.img.xz" "$T/o.img"
# a truncated .xz: a clear error, and the file has no partition table
head -c $(( $(stat -c %s "$T/pi.img.xz") / 2 )) "$T/pi.img.xz" >"$T/cut.img.xz"
expect_exit 1 "$PINETBOOT" flash --yes "$T/cut.img.xz" "$T/o.img"
expect_grep "truncated .xz" "$T/err"
expect_grep "no partition table" "$T/err"
head -c $(( $(stat -c %s "$T/pi.img.zst") / 2 )) "$T/pi.img.zst" >"$T/cut.img.zst"
expect_exit 1 "$PINETBOOT" flash --yes "$T/cut.img.zst" "$T/o.img"
expect_grep "truncated .zst" "$T/err"
head -c $(( $(stat -c %s "$T/pi.img.gz") / 2 )) "$T/pi.img.gz" >"$T/cut.img.gz"
expect_exit 1 "$PINETBOOT" flash --yes "$T/cut.img.gz" "$T/o.img"
expect_grep "truncated .gz" "$T/err"
# a corrupt .xz (a byte in the middle inverted: writing a constant left it as it was whenever
# the byte already had that value)
cp "$T/pi.img.xz" "$T/bad.img.xz"
mid=$(( $(stat -c %s "$T/bad.img.xz") / 2 ))
byte=$(od -An -tu1 -j "$mid" -N1 "$T/bad.img.xz")
printf "\\$(printf '%03o' $(( byte ^ 255 )))" | dd of="$T/bad.img.xz" bs=1 seek="$mid" conv=notrunc status=none
cmp -s "$T/pi.img.xz" "$T/bad.img.xz" && fail "the corrupt .xz is not corrupt"
expect_exit 1 "$PINETBOOT" flash --yes "$T/bad.img.xz" "$T/o.img"
expect_grep "corrupt .xz\|truncated .xz" "$T/err"
# a zip without an .img
echo hi >"$T/readme.txt"; (cd "$T" && zip -q noimg.zip readme.txt)
expect_exit 2 "$PINETBOOT" flash --yes "$T/noimg.zip" "$T/o.img"
expect_grep "without an .img member" "$T/err"
# verification catches a byte changed between write and read-back
PNB_TEST_FLIP_BYTE=$((P2_OFF + 8192)) expect_exit 1 "$PINETBOOT" flash --yes "$T/pi.img.zst" "$T/o.img"
expect_grep "verification failed: 1 of" "$T/err"
# usage errors
expect_exit 2 "$PINETBOOT" flash "$T/pi.img"
expect_exit 2 "$PINETBOOT" flash --yes --bogus "$T/pi.img" "$T/o.img"
expect_exit 2 "$PINETBOOT" flash --yes "$T/missing.img" "$T/o.img"
expect_exit 1 "$PINETBOOT" flash "$T/pi.img" /dev/pnb-no-such-device
expect_grep "no such device" "$T/err"
[[ ! -e /dev/pnb-no-such-device ]] || fail "created a file under /dev"
expect_exit 0 "$PINETBOOT" flash --help
expect_grep "Usage: pinetboot flash" "$T/out"
# on a terminal: one redrawn progress line with bytes, rate and ETA
if command -v script >/dev/null; then
  script -qec "$PINETBOOT flash $T/pi.img.xz $T/tty.img" /dev/null >"$T/tty.out" 2>&1
  expect_grep "writing .* MiB / 128.0 MiB .*MiB/s" "$T/tty.out"
  expect_grep "verifying" "$T/tty.out"
  script -qec "$PINETBOOT flash --yes $T/pi.img.bz2 $T/tty.img" /dev/null >"$T/tty.out" 2>&1
  expect_grep "writing .* MiB ([0-9]*% of the source) .*MiB/s  ETA [0-9]*:[0-9][0-9]" "$T/tty.out"
fi
# the image itself as the target: refused, image intact
cp "$T/pi.img.xz" "$T/self.img.xz"
expect_exit 1 "$PINETBOOT" flash "$T/self.img.xz" "$T/self.img.xz"
expect_grep "is the image itself" "$T/err"
cmp "$T/self.img.xz" "$T/pi.img.xz" || fail "image destroyed"
