# Sourced by tests/flash/t_*.sh: builds a small Pi-OS-like disk image in $T.
#   mkimg IMG [HOOK]  128 MiB: MBR, p1 FAT32 64 MiB (cmdline.txt, config.txt, kernel8.img),
#                  p2 ext4 ~63 MiB made with mkfs.ext4 -d (random data, docs, a symlink), rest free;
#                  HOOK (a command) is run with the root tree's directory before mkfs.ext4
#   compress_all IMG   IMG.xz (multi-block), .gz, .zst, .bz2, .zip
# Offsets for tests: P1_OFF, P2_OFF (bytes).
P1_OFF=$((2048 * 512))
P2_OFF=$((133120 * 512))
export MTOOLS_SKIP_CHECK=1
mkimg() {
  local img=$1 d=$T/mkimg.$$
  need sfdisk mkfs.vfat mkfs.ext4 mcopy
  rm -rf "$d"; mkdir -p "$d/boot" "$d/root/etc" "$d/root/data"
  echo "console=serial0,115200 console=tty1 root=PARTUUID=5e3da3da-02 rootfstype=ext4 fsck.repair=yes rootwait quiet init=/usr/lib/raspberrypi-sys-mods/firstboot" >"$d/boot/cmdline.txt"
  printf '[pi4]\narm_boost=1\n\n[all]\ndtparam=audio=on\n' >"$d/boot/config.txt"
  head -c 300000 /dev/urandom >"$d/boot/kernel8.img"
  mkdir -p "$d/boot/overlays" && echo overlay >"$d/boot/overlays/README"
  echo pi >"$d/root/etc/hostname"
  head -c 2M /dev/urandom >"$d/root/data/random.bin"
  cp -r /usr/share/doc/bash "$d/root/data/doc"
  ln -s /etc/hostname "$d/root/data/link"
  [[ -n "${2:-}" ]] && "$2" "$d/root"
  truncate -s 128M "$img"
  printf 'label: dos\nlabel-id: 0x5e3da3da\nstart=2048, size=131072, type=c\nstart=133120, size=129024, type=83\n' | sfdisk -q "$img"
  mkfs.vfat -F 32 -s 1 --offset 2048 -n BOOT "$img" 65536 >/dev/null 2>&1
  mcopy -s -i "$img@@$P1_OFF" "$d"/boot/* ::/
  mkfs.ext4 -q -L rootfs -d "$d/root" -E offset=$P2_OFF "$img" $(( (128 * 1024 - 133120 / 2) ))k
  rm -rf "$d"
}
compress_all() {
  local img=$1
  xz -T2 -6 --block-size=4MiB -c "$img" >"$img.xz"
  gzip -6 -c "$img" >"$img.gz"
  zstd -q -3 -c "$img" >"$img.zst"
  bzip2 -1 -c "$img" >"$img.bz2"
  (cd "$(dirname "$img")" && zip -q -1 "$img.zip" "$(basename "$img")")
}
# Bytes of 4 KiB blocks in FILE that are not all zero.
nonzero_bytes() {
  python3 - "$1" <<'PY'
import sys
z = bytes(4096); n = 0
with open(sys.argv[1], 'rb') as f:
    while True:
        b = f.read(4096)
        if not b: break
        if b.strip(b'\0'): n += len(b)
print(n)
PY
}
# mksite FILE [SERVER-LINES [PI-LINES]] — a one-Pi site profile ([pi "kitchen"], a 4B) with
# extra key = value lines (newline-separated) for [server] and for the Pi.
mksite() {
  { printf '[server]\ninterface = eth0\naddress = 192.168.20.1/24\niqn_base = iqn.2026-11.lan.example\n'
    [[ -n "${2:-}" ]] && printf '%s\n' "$2"
    printf '\n[pi "kitchen"]\nmodel = 4B\nserial = 511e57f7\nmac = dc:a6:32:1c:6a:2a\n'
    [[ -n "${3:-}" ]] && printf '%s\n' "$3"
  } >"$1"
}
# mkimg_xz IMG — mkimg, then IMG.xz (multi-block, like pi-gen).
mkimg_xz() {
  mkimg "$1"
  xz -T2 --block-size=4MiB -c "$1" >"$1.xz"
}
