#!/usr/bin/env bash
# bench/flash.sh — pinetboot flash against the tools a user would otherwise run, on a 2 GiB
# Pi-OS-like image (FAT32 256 MiB + ext4 with ~700 MiB of real files, rest free) compressed
# the way pi-gen does (xz -6 -T2, multi-block). Follows shared/spec/flashing.md §5.
# Prints each time and the ratios the flashing issue asks for. Needs root (loop devices,
# drop_caches). The image is cached in $PNB_BENCH_DIR (default /var/tmp/pnb-bench-flash):
# building and compressing it takes a few minutes the first time.
set -u
BUILD=${BUILD:-build}
PNB=$PWD/$BUILD/pinetboot
DEC=$PWD/$BUILD/tools/pnb_decode
D=${PNB_BENCH_DIR:-/var/tmp/pnb-bench-flash}
[[ $(id -u) -eq 0 ]] || { echo "bench/flash.sh: needs root (loop devices, drop_caches); skipped"; exit 0; }
for c in xz dd bmaptool sfdisk mkfs.vfat mkfs.ext4 mcopy losetup sha256sum; do
  command -v $c >/dev/null || { echo "bench/flash.sh: $c missing; skipped"; exit 0; }
done
mkdir -p "$D"
export MTOOLS_SKIP_CHECK=1
IMG=$D/pi.img
P2=$((532480 * 512))

build_image() {
  echo "building the 2 GiB test image in $D (once)…"
  rm -rf "$D/root" "$D/boot"; mkdir -p "$D/root/data" "$D/boot"
  head -c 250M /dev/urandom >"$D/root/data/random.bin"
  # ~300 MiB of libraries and ~130 MiB of docs: real, compressible files
  mkdir -p "$D/root/usr/lib"
  (cd /usr/lib/x86_64-linux-gnu && find . -type f -size +16k -printf '%s\t%p\n' | \
    awk -F'\t' '{t += $1; if (t > 300 * 1048576) exit; print $2}' | \
    xargs -d '\n' cp --parents -t "$D/root/usr/lib")
  cp -a /usr/share/doc "$D/root/usr/doc" 2>/dev/null
  head -c 24M /dev/urandom >"$D/boot/kernel8.img"
  head -c 8M /dev/urandom >"$D/boot/initramfs8"
  echo "console=serial0,115200 console=tty1 root=PARTUUID=12345678-02 rootfstype=ext4 rootwait" >"$D/boot/cmdline.txt"
  rm -f "$IMG"; truncate -s 2G "$IMG"
  printf 'label: dos\nlabel-id: 0x12345678\nstart=8192, size=524288, type=c\nstart=532480, size=3661824, type=83\n' | sfdisk -q "$IMG"
  mkfs.vfat -F 32 -s 4 --offset 8192 -n bootfs "$IMG" 262144 >/dev/null 2>&1
  mcopy -s -i "$IMG@@4M" "$D"/boot/* ::/ || { echo "mcopy into the FAT failed"; exit 1; }
  mkfs.ext4 -q -L rootfs -d "$D/root" -E offset=$P2 "$IMG" $(( 3661824 / 2 ))k
  rm -rf "$D/root" "$D/boot"
  echo "compressing like pi-gen: xz -6 -T2 (multi-block)…"
  xz -6 -T2 -c "$IMG" >"$IMG.xz.tmp" && mv "$IMG.xz.tmp" "$IMG.xz"
  bmaptool create "$IMG" >"$IMG.bmap" 2>/dev/null
}
# the cache is keyed on this script's image recipe
stamp=$(sed -n '/^build_image()/,/^}/p' "$0" | sha256sum | cut -c1-16)
[[ -s "$IMG.xz" && -s "$IMG.bmap" && -s "$IMG" && -f "$D/recipe.$stamp" ]] || { build_image; rm -f "$D"/recipe.*; touch "$D/recipe.$stamp"; }

drop() { sync; echo 3 >/proc/sys/vm/drop_caches; }
now() { date +%s.%N; }
secs() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$1" "$2"; }
ratio() { python3 -c "import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); print(f'{a/b:.2f}')" "$1" "$2"; }
timeit() { # timeit VAR cmd… — wall seconds into VAR, cache dropped first
  local -n _t=$1; shift; drop; local a b; a=$(now); "$@" >/dev/null 2>"$D/last.err" || { cat "$D/last.err"; echo "FAILED: $*"; }; b=$(now); _t=$(secs "$a" "$b")
}
OUT=$D/out.img
mapped=$(( $(sed -n 's:.*<MappedBlocksCount> *\([0-9]*\).*:\1:p' "$IMG.bmap") * 4096 ))
echo "image: $(du -m --apparent-size "$IMG" | cut -f1) MiB apparent, $(( mapped >> 20 )) MiB mapped by bmaptool, $(du -m "$IMG.xz" | cut -f1) MiB .xz"

rm -f "$OUT"; timeit t_dd   sh -c "xz -dc '$IMG.xz' | dd of='$OUT' bs=4M iflag=fullblock conv=fsync status=none"
rm -f "$OUT"; timeit t_bmap bmaptool -q copy --bmap "$IMG.bmap" "$IMG.xz" "$OUT"
rm -f "$OUT"; timeit t_sparse sh -c "xz -T2 -dc '$IMG.xz' | dd of='$OUT' bs=4M iflag=fullblock conv=sparse,fsync status=none"
timeit t_dec "$DEC" "$IMG.xz"
rm -f "$OUT"; timeit t_pnb "$PNB" flash "$IMG.xz" "$OUT"
cmp -s "$IMG" "$OUT" && same=identical || same=DIFFERENT
alloc=$(( $(stat -c %b "$OUT") * 512 >> 20 ))
rm -f "$OUT"; timeit t_pnbnv "$PNB" flash --no-verify "$IMG.xz" "$OUT"

# block device: a loop device over a fresh sparse 2 GiB file
rm -f "$D/loop.img"; truncate -s 2G "$D/loop.img"
L=$(losetup -f --show "$D/loop.img"); trap 'losetup -d "$L"' EXIT
st() { echo $(( $(awk '{print $7}' "/sys/block/$(basename "$L")/stat") * 512 )); }
# the issue's baseline (what a user types: single-threaded xz), then the stronger -T2 variant
w0=$(st); timeit t_lddd sh -c "xz -dc '$IMG.xz' | dd of='$L' bs=4M iflag=fullblock oflag=direct status=none"
w_dd=$(( $(st) - w0 ))
timeit t_lddd2 sh -c "xz -T2 -dc '$IMG.xz' | dd of='$L' bs=4M iflag=fullblock oflag=direct status=none"
w0=$(st); timeit t_lpnb "$PNB" flash --yes "$IMG.xz" "$L"
w_pnb=$(( $(st) - w0 ))
"$PNB" flash --yes "$IMG.xz" "$L" >"$D/pnb-loop.out" 2>&1
vrate=$(sed -n 's/.*read back .* (\([0-9]*\) MiB\/s).*/\1/p' "$D/pnb-loop.out")
vbytes=$(sed -n 's/.*read back \([0-9.]* [MG]iB\) in.*/\1/p' "$D/pnb-loop.out")
# the same conditions as pinetboot's read-back: right after a write, caches not dropped
ddr=$(dd if="$L" of=/dev/null bs=4M iflag=direct 2>&1 | sed -n 's/.*, \([0-9.]* [MG]B\/s\)$/\1/p')

# source SHA-256: libcrypto (while reading) vs coreutils
cat "$IMG" >/dev/null
a=$(now); "$DEC" "$IMG" >/dev/null; b=$(now); t_sha=$(secs "$a" "$b")
a=$(now); sha256sum "$IMG" >/dev/null; b=$(now); t_shasum=$(secs "$a" "$b")

cat <<REPORT

== to a regular file (2 GiB image from .xz; page cache dropped before each run)
xz -dc | dd bs=4M conv=fsync             $t_dd s
bmaptool copy (bmap)                     $t_bmap s
xz -T2 -dc | dd conv=sparse,fsync        $t_sparse s
liblzma threaded decode only             $t_dec s
pinetboot flash (with verify)            $t_pnb s   ($same, ${alloc} MiB allocated)
pinetboot flash --no-verify              $t_pnbnv s
  speed-up vs xz|dd        $(ratio "$t_dd" "$t_pnb")x   (goal >= 2.5)
  speed-up vs bmaptool     $(ratio "$t_bmap" "$t_pnb")x   (goal >= 2)
  vs decode-only           $(ratio "$t_pnb" "$t_dec")x   (goal <= 1.3)

== to a loop device
xz -dc | dd bs=4M oflag=direct          $t_lddd s, $(( w_dd >> 20 )) MiB written
xz -T2 -dc | dd bs=4M oflag=direct       $t_lddd2 s
pinetboot flash (with verify)            $t_lpnb s, $(( w_pnb >> 20 )) MiB written
  speed-up vs xz|dd oflag=direct      $(ratio "$t_lddd" "$t_lpnb")x   (goal >= 2)
  speed-up vs xz -T2|dd oflag=direct  $(ratio "$t_lddd2" "$t_lpnb")x
  written / bmap-mapped         $(ratio "$w_pnb" "$mapped")   (goal <= 1.1)
  verification read-back        $vbytes at $vrate MiB/s; dd iflag=direct reads $ddr

== source SHA-256 of the 2 GiB raw image (in page cache)
libcrypto (pnb_decode)   $t_sha s
coreutils sha256sum      $t_shasum s     ratio $(ratio "$t_shasum" "$t_sha")x
REPORT
