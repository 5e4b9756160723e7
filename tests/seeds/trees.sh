# Shared by tests/seeds/t_*.sh (sourced): boot-file trees shaped like the OSes the five seed
# setups boot — the real file names, tiny stand-in contents, and an initramfs that is a real
# cpio archive (tests/lab/mkinitramfs.py) with or without open-iscsi's parts.
#
# seed_tree SHAPE DIR [INITRAMFS_KIND] — fills DIR (the Pi's TFTP directory) for SHAPE:
#   raspbian2016  Raspbian Jessie 32-bit, Pi 3: kernel7.img, initrd.img-4.4.27-v7+ named by an
#                 initramfs line the user appended (seed 003)
#   raspbian2019  Raspbian Buster 2019 32-bit, Pi 3: kernel7.img/kernel7l.img, a [pi4] section,
#                 the user's initramfs line after the final [all] (seed 000)
#   ubuntu2404    Ubuntu 24.04, Pi 4/5: kernel=vmlinuz, initrd.img (zstd), the file ending in
#                 a [cm4] section (seed 001)
#   shim          a Buildroot shim: kernel=Image.gz with its initramfs built in (seed 002)
#   bookworm64    Raspberry Pi OS Bookworm 64-bit: arm_64bit=1, auto_initramfs=1, initramfs8
#                 and initramfs_2712 named after the kernels
#   buster-nfs    Raspbian Buster 2019 on a Pi 4 with an NFS root: kernel7l.img, no initramfs
#                 at all (seed 004)
# INITRAMFS_KIND (tools-iscsi by default) is what mkinitramfs.py builds for the initramfs.
seed_stub() { head -c "$(( (RANDOM % 8 + 2) * 1024 ))" /dev/urandom >"$1"; }
seed_tree() {
  local shape=$1 d=$2 kind=${3:-tools-iscsi} f mk="python3 $PNB_TOP/tests/lab/mkinitramfs.py"
  mkdir -p "$d"
  case $shape in
    raspbian2016)
      for f in bootcode.bin start.elf fixup.dat bcm2709-rpi-2-b.dtb bcm2710-rpi-3-b.dtb kernel.img kernel7.img; do seed_stub "$d/$f"; done
      $mk "$d/initrd.img-4.4.27-v7+" "$kind" gzip || return 1
      printf '# For more options and information see\n# http://www.raspberrypi.org/documentation/configuration/config-txt.md\ndtparam=audio=on\ninitramfs initrd.img-4.4.27-v7+ followkernel\n' >"$d/config.txt" ;;
    raspbian2019)
      for f in bootcode.bin start.elf fixup.dat start4.elf fixup4.dat bcm2710-rpi-3-b.dtb bcm2711-rpi-4-b.dtb \
               kernel.img kernel7.img kernel7l.img; do seed_stub "$d/$f"; done
      $mk "$d/initrd.img-4.19.57-v7+" "$kind" gzip || return 1
      printf 'dtparam=audio=on\n\n[pi4]\n# Enable DRM VC4 V3D driver on top of the dispmanx display stack\ndtoverlay=vc4-fkms-v3d\nmax_framebuffers=2\n\n[all]\n#dtoverlay=vc4-fkms-v3d\ninitramfs initrd.img-4.19.57-v7+ followkernel\n' >"$d/config.txt" ;;
    ubuntu2404)
      for f in start4.elf fixup4.dat bcm2711-rpi-4-b.dtb bcm2712-rpi-5-b.dtb vmlinuz; do seed_stub "$d/$f"; done
      $mk "$d/initrd.img" "$kind" zstd || return 1
      printf '[all]\nkernel=vmlinuz\ncmdline=cmdline.txt\ninitramfs initrd.img followkernel\n\n[pi4]\nmax_framebuffers=2\narm_boost=1\n\n[all]\ndtparam=audio=on\ndtoverlay=vc4-kms-v3d\ndisable_overscan=1\n\n[cm4]\ndtoverlay=dwc2,dr_mode=host\n' >"$d/config.txt" ;;
    shim)
      for f in bootcode.bin start.elf fixup.dat start4.elf fixup4.dat bcm2710-rpi-3-b.dtb bcm2711-rpi-4-b.dtb \
               bcm2712-rpi-5-b.dtb Image.gz; do seed_stub "$d/$f"; done
      printf 'kernel=Image.gz\narm_64bit=1\nenable_uart=1\n' >"$d/config.txt" ;;
    bookworm64)
      for f in bootcode.bin start.elf fixup.dat start4.elf fixup4.dat bcm2710-rpi-3-b.dtb bcm2710-rpi-3-b-plus.dtb \
               bcm2711-rpi-4-b.dtb bcm2712-rpi-5-b.dtb kernel8.img kernel_2712.img; do seed_stub "$d/$f"; done
      $mk "$d/initramfs8" "$kind" zstd --early && $mk "$d/initramfs_2712" "$kind" zstd --early || return 1
      printf '# Automatically load initramfs files, if found\nauto_initramfs=1\ndtoverlay=vc4-kms-v3d\narm_64bit=1\n\n[cm4]\notg_mode=1\n\n[cm5]\ndtoverlay=dwc2,dr_mode=host\n\n[all]\n' >"$d/config.txt" ;;
    buster-nfs)
      for f in start4.elf fixup4.dat bcm2711-rpi-4-b.dtb kernel.img kernel7.img kernel7l.img; do seed_stub "$d/$f"; done
      printf 'dtparam=audio=on\n[pi4]\ndtoverlay=vc4-fkms-v3d\nmax_framebuffers=2\n[all]\n' >"$d/config.txt" ;;
    *) echo "seed_tree: unknown shape $shape" >&2; return 1 ;;
  esac
  echo "console=serial0,115200 console=tty1 root=PARTUUID=5eed1234-02 rootfstype=ext4 rootwait" >"$d/cmdline.txt"
}
