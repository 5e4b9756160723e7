#!/usr/bin/env bash
# bench/flash.sh — pinetboot flash against the tools a user would otherwise run, on a 2 GiB
# Pi-OS-like image (FAT32 256 MiB + ext4 with ~700 MiB of real files, rest free) compressed
# the way pi-gen does (xz -6 -T2, multi-block). Follows shared/spec/flashing.md §5.
# Prints each time and the ratios the flashing issue asks for. Needs root (loop devices,
# drop_caches). The image is cached in $PNB_BENCH_DIR (default /var/tmp/pnb-bench-flash):
# building and compressing it takes a few minutes the first time. PNB_BENCH_REPS=N (default 3)
# rounds; the best time of each command is kept, since the machine may be shared.
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
timeit() { # timeit VAR cmd… — wall seconds into VAR, cache dropped first; stdout in $D/last.out
  local -n _t=$1; shift; drop; local a b; a=$(now); "$@" >"$D/last.out" 2>"$D/last.err" || { cat "$D/last.err"; echo "FAILED: $*"; }; b=$(now); _t=$(secs "$a" "$b")
}
# The machine may be shared: every measurement is repeated PNB_BENCH_REPS times, each round
# running pinetboot and its baselines back to back, and the best (smallest) time of each is kept.
REPS=${PNB_BENCH_REPS:-3}
declare -A B
keep() { # keep NAME SECONDS — the best so far
  if [[ -z ${B[$1]:-} ]] || python3 -c "import sys; sys.exit(float(sys.argv[1]) >= float(sys.argv[2]))" "$2" "${B[$1]}"; then B[$1]=$2; fi
}
OUT=$D/out.img
mapped=$(( $(sed -n 's:.*<MappedBlocksCount> *\([0-9]*\).*:\1:p' "$IMG.bmap") * 4096 ))
echo "image: $(du -m --apparent-size "$IMG" | cut -f1) MiB apparent, $(( mapped >> 20 )) MiB mapped by bmaptool, $(du -m "$IMG.xz" | cut -f1) MiB .xz; best of $REPS rounds"

# block device: a loop device over a 2 GiB file, written once in full so that every run meets
# the same allocated "medium" (a sparse file would make the first writer pay for allocating it)
rm -f "$D/loop.img"; dd if=/dev/zero of="$D/loop.img" bs=4M count=512 conv=fsync status=none
L=$(losetup -f --show "$D/loop.img") || { echo "bench/flash.sh: no loop device; skipped"; exit 0; }
trap 'losetup -d "$L"; rm -f "$D/loop.img"' EXIT
st() { echo $(( $(awk '{print $7}' "/sys/block/$(basename "$L")/stat") * 512 )); }
lsync() { python3 -c "import os,sys; fd=os.open(sys.argv[1], os.O_RDONLY); os.fsync(fd)" "$L"; }

same=unchecked; alloc=0; w_dd=0; w_pnb=0
for ((r = 1; r <= REPS; r++)); do
  # to a regular file
  rm -f "$OUT"; timeit t sh -c "xz -dc '$IMG.xz' | dd of='$OUT' bs=4M iflag=fullblock conv=fsync status=none"; keep dd "$t"
  rm -f "$OUT"; timeit t bmaptool -q copy --bmap "$IMG.bmap" "$IMG.xz" "$OUT"; keep bmap "$t"
  rm -f "$OUT"; timeit t sh -c "xz -T2 -dc '$IMG.xz' | dd of='$OUT' bs=4M iflag=fullblock conv=sparse,fsync status=none"; keep sparse "$t"
  timeit t "$DEC" "$IMG.xz"; keep dec "$t"
  rm -f "$OUT"; timeit t "$PNB" flash "$IMG.xz" "$OUT"; keep pnb "$t"; f_pnb=$t
  if (( r == 1 )); then
    cmp -s "$IMG" "$OUT" && same=identical || same=DIFFERENT
    alloc=$(( $(stat -c %b "$OUT") * 512 >> 20 ))
  fi
  rm -f "$OUT"; timeit t "$PNB" flash --no-verify "$IMG.xz" "$OUT"; keep pnbnv "$t"; f_pnbnv=$t
  # to the loop device: the issue's baseline (what a user types: single-threaded xz), the -T2
  # variant, then pinetboot with and without its read-back
  w0=$(st); timeit t sh -c "xz -dc '$IMG.xz' | dd of='$L' bs=4M iflag=fullblock oflag=direct status=none"; keep lddd "$t"; l_dd=$t
  w_dd=$(( $(st) - w0 ))
  # oflag=direct on a loop device over a file reaches only the file's page cache: what a flush
  # then costs (pinetboot's times include its own flushes)
  a=$(now); lsync; b=$(now); keep ldflush "$(secs "$a" "$b")"
  timeit t sh -c "xz -T2 -dc '$IMG.xz' | dd of='$L' bs=4M iflag=fullblock oflag=direct status=none"; keep lddd2 "$t"
  w0=$(st); timeit t "$PNB" flash --yes "$IMG.xz" "$L"; keep lpnb "$t"; l_pnb=$t
  w_pnb=$(( $(st) - w0 ))
  cp "$D/last.out" "$D/pnb-loop.out"
  # read-back rate (a 0.1-0.2 s phase, so noisy: best of the rounds) against dd reading the whole
  # device under the same conditions as pinetboot's read-back, which reads what it has just
  # written: the loop's backing file in the page cache (O_DIRECT bypasses only the loop's cache)
  v=$(sed -n 's/.*read back .* (\([0-9]*\) MiB\/s).*/\1/p' "$D/last.out"); [[ -n "$v" ]] && keep vrate "-$v"
  cat "$D/loop.img" >/dev/null
  d=$(dd if="$L" of=/dev/null bs=4M iflag=direct 2>&1 | sed -n 's/^\([0-9]*\) bytes.*copied, \([0-9.]*\) s.*/\1 \2/p')
  [[ -n "$d" ]] && keep ddr "-$(python3 -c 'import sys; print(int(int(sys.argv[1]) / float(sys.argv[2]) / 1048576))' $d)"
  timeit t "$PNB" flash --yes --no-verify "$IMG.xz" "$L"; keep lpnbnv "$t"; l_pnbnv=$t
  rr=$(ratio "$l_dd" "$l_pnb"); rn=$(ratio "$l_dd" "$l_pnbnv")
  keep rr "-$rr"; keep rn "-$rn" # the best round's ratio (kept negated: keep keeps the smallest)
  echo "round $r: file: pinetboot $f_pnb s (--no-verify $f_pnbnv s); loop: xz -dc|dd $l_dd s, pinetboot $l_pnb s (--no-verify $l_pnbnv s): ${rr}x (${rn}x)"
done
vrate=${B[vrate]#-}; ddr=${B[ddr]#-}
vbytes=$(sed -n 's/.*read back \([0-9.]* [MG]iB\) in.*/\1/p' "$D/pnb-loop.out")
vsecs=$(sed -n 's/.*read back .* in \([0-9.]*\) s.*/\1/p' "$D/pnb-loop.out")

# source SHA-256: libcrypto (while reading) vs coreutils
cat "$IMG" >/dev/null
a=$(now); "$DEC" "$IMG" >/dev/null; b=$(now); t_sha=$(secs "$a" "$b")
a=$(now); sha256sum "$IMG" >/dev/null; b=$(now); t_shasum=$(secs "$a" "$b")

cat <<REPORT

== to a regular file (2 GiB image from .xz; page cache dropped before each run; best of $REPS)
xz -dc | dd bs=4M conv=fsync             ${B[dd]} s
bmaptool copy (bmap)                     ${B[bmap]} s
xz -T2 -dc | dd conv=sparse,fsync        ${B[sparse]} s
liblzma threaded decode only             ${B[dec]} s
pinetboot flash (with verify)            ${B[pnb]} s   ($same, ${alloc} MiB allocated)
pinetboot flash --no-verify              ${B[pnbnv]} s
  speed-up vs xz|dd        $(ratio "${B[dd]}" "${B[pnb]}")x   (goal >= 2.5)
  speed-up vs bmaptool     $(ratio "${B[bmap]}" "${B[pnb]}")x   (goal >= 2)
  vs decode-only           $(ratio "${B[pnb]}" "${B[dec]}")x   (goal <= 1.3; --no-verify $(ratio "${B[pnbnv]}" "${B[dec]}")x)

== to a loop device (over a 2 GiB file on this machine's disk, written once in full; best of $REPS)
xz -dc | dd bs=4M oflag=direct          ${B[lddd]} s, $(( w_dd >> 20 )) MiB written (+ ${B[ldflush]} s to flush the loop's backing file afterwards)
xz -T2 -dc | dd bs=4M oflag=direct       ${B[lddd2]} s
pinetboot flash (with verify)            ${B[lpnb]} s, $(( w_pnb >> 20 )) MiB written, of which ${vsecs:-?} s read-back
pinetboot flash --no-verify              ${B[lpnbnv]} s
  speed-up vs xz|dd oflag=direct      $(ratio "${B[lddd]}" "${B[lpnb]}")x with verify (dd does not verify), $(ratio "${B[lddd]}" "${B[lpnbnv]}")x the same work (--no-verify)   (goal >= 2)
  best round, back to back           ${B[rr]#-}x with verify, ${B[rn]#-}x --no-verify
  speed-up vs xz -T2|dd oflag=direct  $(ratio "${B[lddd2]}" "${B[lpnb]}")x with verify, $(ratio "${B[lddd2]}" "${B[lpnbnv]}")x --no-verify
  loop vs file target                 $(ratio "${B[lpnb]}" "${B[pnb]}")x the file time (with verify), $(ratio "${B[lpnbnv]}" "${B[pnbnv]}")x (--no-verify)
  written / bmap-mapped         $(ratio "$w_pnb" "$mapped")   (goal <= 1.1)
  verification read-back        $vbytes at $vrate MiB/s (best round); dd iflag=direct ${ddr} MiB/s: $(( ${vrate:-0} * 100 / ${ddr:-1} ))%   (goal >= 80%)

== source SHA-256 of the 2 GiB raw image (in page cache)
libcrypto (pnb_decode)   $t_sha s
coreutils sha256sum      $t_shasum s     ratio $(ratio "$t_shasum" "$t_sha")x
REPORT
