# The "Pi" that tests/lab/t_adopt*.sh adopt: a Debian root (debootstrap minbase with the real
# initramfs-tools and open-iscsi packages) behind a real sshd in a namespace of the lab. Each
# login runs in a private mount namespace chrooted into that root, with /proc mounted, and
# /proc/cpuinfo and /sys/class/net/eth0/address answering as the Pi 4 whose outputs
# tests/eeprom/t_check_ssh.sh uses; vcgencmd prints the saved outputs of that Pi; the boot
# partition holds stand-in firmware and kernel (random bytes, as the lab's other Pis) with Raspberry
# Pi OS's config.txt and cmdline.txt. rpi-eeprom-config (not in Debian) keeps what --apply gives
# it as the config vcgencmd reports from then on. Source after lib.sh and lab.sh.

# ap_root_cache — path of the cached root tarball, built once per package versions (under build/).
ap_root_cache() {
  local key
  key=$( (apt-cache policy initramfs-tools open-iscsi klibc-utils 2>/dev/null | grep Candidate
          echo v3 sudo local-repo) | sha256sum | cut -c1-16)
  echo "$PNB_TOP/build/adopt-cache/pi-root-$key.tar"
}

# ap_build_root DIR — the Pi's root in DIR (from the cache, else debootstrap into the cache).
# open-iscsi is not installed: its package waits in a local apt repository of the root
# (/var/local/pnb-debs, in sources.list, lists fetched), so `apt-get install open-iscsi` on the
# Pi works with no network, as it would from the Pi's own mirror; its dependencies are installed.
ap_build_root() {
  local d=$1 cache lk
  cache=$(ap_root_cache)
  # one builder at a time: the adopt tests start side by side on a fresh checkout, and a second
  # debootstrap beside the first would only double the wait on a loaded machine
  mkdir -p "${cache%/*}"
  exec {lk}>"${cache%/*}/.lock"
  flock "$lk"
  if [[ ! -s $cache ]]; then
    need debootstrap dpkg-deb
    local b=$T/debootstrap deb r=/var/local/pnb-debs
    debootstrap --variant=minbase --include=initramfs-tools,open-iscsi,kmod,sudo bookworm "$b" \
      >"$T/debootstrap.log" 2>&1 ||
      { tail -5 "$T/debootstrap.log"; skip "debootstrap from the Debian mirror failed"; }
    mkdir -p "$b$r"
    mv "$b"/var/cache/apt/archives/open-iscsi_*.deb "$b$r/" || fail "no open-iscsi package in the debootstrap"
    for deb in "$b$r"/*.deb; do
      dpkg-deb -f "$deb"
      printf 'Filename: ./%s\nSize: %s\nSHA256: %s\n\n' "${deb##*/}" "$(stat -c %s "$deb")" \
        "$(sha256sum <"$deb" | cut -d' ' -f1)"
    done >"$b$r/Packages"
    echo "deb [trusted=yes] file:$r ./" >"$b/etc/apt/sources.list.d/pnb-local.list"
    # what a Pi image does not need for this: documentation, locales, apt's caches
    rm -rf "$b"/usr/share/doc/* "$b"/usr/share/locale/* "$b"/usr/share/man/* "$b"/var/cache/apt/* \
      "$b"/var/lib/apt/lists/* "$b"/etc/apt/sources.list
    chroot "$b" apt-get -o Acquire::Languages=none update >>"$T/debootstrap.log" 2>&1 &&
      chroot "$b" dpkg --purge open-iscsi >>"$T/debootstrap.log" 2>&1 ||
      { tail -5 "$T/debootstrap.log"; fail "the Pi root's local repository"; }
    rm -rf "$b"/var/cache/apt/*
    tar -C "$b" --numeric-owner -cpf "$cache.tmp.$$" . && mv "$cache.tmp.$$" "$cache"
    rm -rf "$b"
  fi
  exec {lk}>&-
  mkdir -p "$d"
  tar -C "$d" --numeric-owner -xpf "$cache" || fail "unpacking the cached Pi root"
}

# ap_setup_pi DIR SERIAL MAC BOOTCONF — the Pi's own parts inside the root.
ap_setup_pi() {
  local r=$1 serial=$2 mac=$3 bootconf=$4 P="$PNB_TOP/tests/data/pi" kv
  kv=$(uname -r)
  mkdir -p "$r/usr/share/pnb-pi" "$r/lib/modules/$kv" "$r/boot/firmware" "$r/etc/NetworkManager/conf.d"
  sed "s/^Serial.*/Serial\t\t: 10000000$serial/" "$P/cpuinfo-4b.txt" >"$r/usr/share/pnb-pi/cpuinfo"
  echo "$mac" >"$r/usr/share/pnb-pi/mac"
  cp "$P/otp-4b.txt" "$r/usr/share/pnb-pi/otp_dump"
  cp "$P/blversion-2023.txt" "$r/usr/share/pnb-pi/bootloader_version"
  cp "$bootconf" "$r/usr/share/pnb-pi/bootloader_config"
  cat >"$r/usr/local/bin/vcgencmd" <<'SH'
#!/bin/sh
case "$1" in
  otp_dump|bootloader_version|bootloader_config) exec cat "/usr/share/pnb-pi/$1" ;;
  *) echo "error=1 error_msg=\"Command not registered\""; exit 255 ;;
esac
SH
  cat >"$r/usr/local/bin/rpi-eeprom-config" <<'SH'
#!/bin/sh
[ "$1" = --apply ] && [ -f "$2" ] || { echo "usage: rpi-eeprom-config --apply FILE" >&2; exit 1; }
cp "$2" /usr/share/pnb-pi/bootloader_config && echo "EEPROM update pending: reboot to apply"
SH
  # a Pi's root is a file system of its own: `df /` says what this root holds, not the host's
  cat >"$r/usr/local/bin/df" <<'SH'
#!/bin/sh
case "$*" in
  *" /") k=$(du -skx / 2>/dev/null | cut -f1)
         echo "Filesystem 1024-blocks Used Available Capacity Mounted on"
         echo "/dev/mmcblk0p2 $((k * 4)) $k $((k * 3)) 25% /" ;;
  *) exec /bin/df "$@" ;;
esac
SH
  chmod +x "$r/usr/local/bin/vcgencmd" "$r/usr/local/bin/rpi-eeprom-config" "$r/usr/local/bin/df"
  # the user "pi", whose sudo wants its password (raspberry), as on a Raspberry Pi OS that asks
  chroot "$r" useradd -m -u 1000 -U -s /bin/sh pi || fail "useradd pi"
  echo pi:raspberry | chroot "$r" chpasswd || fail "chpasswd"
  echo 'pi ALL=(ALL:ALL) ALL' >"$r/etc/sudoers.d/pi" && chmod 0440 "$r/etc/sudoers.d/pi"
  echo "127.0.1.1 $(hostname)" >>"$r/etc/hosts"
  # the kernel's modules directory and config, as a Pi kernel package leaves them
  printf 'CONFIG_RD_GZIP=y\nCONFIG_BLK_DEV_INITRD=y\nCONFIG_ISCSI_TCP=m\n' >"$r/boot/config-$kv"
  # the boot partition: stand-in firmware and kernel, Raspberry Pi OS's config and cmdline
  local f
  for f in start4.elf fixup4.dat bcm2711-rpi-4-b.dtb kernel8.img bootcode.bin initramfs8; do
    head -c $(( (RANDOM % 40 + 3) * 1024 )) /dev/urandom >"$r/boot/firmware/$f"
  done
  printf '[all]\narm_64bit=1\nauto_initramfs=1\ndtoverlay=vc4-kms-v3d\n' >"$r/boot/firmware/config.txt"
  echo "console=serial0,115200 console=tty1 root=PARTUUID=5eed1234-02 rootfstype=ext4 fsck.repair=yes rootwait" \
    >"$r/boot/firmware/cmdline.txt"
}

# ap_sshd NS ADDR ROOT — sshd in NS on ADDR:22, every login chrooted into ROOT (its /run a
# tmpfs kept from login to login) as described above: as root with the key $T/pikey ($T/ssh_config), as the user pi with $T/pikey-pi
# ($T/ssh_config_pi). known_hosts holds the host key: checked as ssh checks it.
ap_sshd() {
  local ns=$1 addr=$2 r=$3
  ssh-keygen -q -t ed25519 -N '' -f "$T/hostkey"
  ssh-keygen -q -t ed25519 -N '' -f "$T/pikey"
  ssh-keygen -q -t ed25519 -N '' -f "$T/pikey-pi"
  cat >"$T/pi-login" <<SH
#!/bin/sh
# one login to the Pi: a private mount namespace, chrooted into its root
exec unshare --mount --propagation private sh -c '
  r=\$1 user=\$2
  mount -t proc proc "\$r/proc" || exit 255
  mount --bind "\$r/usr/share/pnb-pi/cpuinfo" "\$r/proc/cpuinfo"
  mount -t tmpfs -o mode=0755 pnb-sys "\$r/sys"
  mkdir -p "\$r/sys/class/net/eth0" && cp "\$r/usr/share/pnb-pi/mac" "\$r/sys/class/net/eth0/address"
  home=/root spec=0:0; [ "\$user" = root ] || home=/home/\$user spec=1000:1000
  exec chroot --userspec=\$spec "\$r" /usr/bin/env -i HOME=\$home LANG=C \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin /bin/sh -c "\$SSH_ORIGINAL_COMMAND"
' pi-login "$r" "\$1"
SH
  chmod +x "$T/pi-login"
  { printf 'command="%s root" %s\n' "$T/pi-login" "$(cat "$T/pikey.pub")"
    printf 'command="%s pi" %s\n' "$T/pi-login" "$(cat "$T/pikey-pi.pub")"; } >"$T/authorized_keys"
  sshd_config "$T/sshd_config" "$addr" 22
  # its own /run (privilege separation directory): not the /run/sshd other tests' sshds share;
  # and the Pi's /run a tmpfs that lives as long as the Pi (sshd), as on a Pi (RAM, not the card)
  ip netns exec "$ns" unshare --mount --propagation private sh -c '
    mount -t tmpfs -o mode=0755 pnb-run /run && mkdir -m 0755 /run/sshd || exit 1
    mount -t tmpfs -o mode=0755 pnb-pirun "$2/run" || exit 1
    exec /usr/sbin/sshd -D -e -f "$1"' sh "$T/sshd_config" "$r" 2>"$T/sshd.log" &
  AP_SSHD=$!
  on_exit "kill $AP_SSHD 2>/dev/null; wait $AP_SSHD 2>/dev/null"
  printf '%s %s\n' "$addr" "$(cut -d' ' -f1,2 "$T/hostkey.pub")" >"$T/known_hosts"
  cat >"$T/ssh_config" <<EOF
Host *
  IdentityFile $T/pikey
  IdentitiesOnly yes
  UserKnownHostsFile $T/known_hosts
  GlobalKnownHostsFile /dev/null
  LogLevel ERROR
EOF
  sed "s|IdentityFile .*|IdentityFile $T/pikey-pi|" "$T/ssh_config" >"$T/ssh_config_pi"
  for _ in $(seq 200); do
    ip netns exec "$ns" ss -ltn 2>/dev/null | grep -q "$addr:22" && return 0
    kill -0 "$AP_SSHD" 2>/dev/null || break
    sleep 0.1
  done
  cat "$T/sshd.log"; fail "sshd did not start"
}

# ap_state — what adopt must not change on the Pi's card before the new root is checked: every
# entry of the root (type, mode, owner, size, times) and the content of its package database,
# /etc/iscsi and the boot files.
ap_state() {
  (cd "$T/pi" && find . -xdev -printf '%y %m %U %G %s %T@ %C@ %p\n' | LC_ALL=C sort &&
     find var/lib/dpkg/status etc/iscsi boot -type f -exec sha256sum {} + 2>/dev/null | LC_ALL=C sort)
}

# ap_lab — the boot lab (lab_boot_net) with the Pi's sshd on 10.77.0.60 in a namespace of its own
# ($PIA) on the lab's switch, serving the root in $T/pi.
ap_lab() {
  lab_boot_net
  lab_ns PIA pia; lab_plug "$SW" "$PIA" eth0 10.77.0.60/24
  ap_sshd "$PIA" 10.77.0.60 "$T/pi"
}

# adopt ARGS… — pinetboot adopt of [pi "kitchen"] of $T/site.conf from the boot server's namespace.
adopt() {
  ip netns exec "$SRV" "$PINETBOOT" adopt --ssh root@10.77.0.60 --ssh-config "${AP_SSH_CONFIG:-$T/ssh_config}" \
    --site "$T/site.conf" --pi kitchen "$@"
}

# ap_site_nfs ADDRESS — $T/site.conf: proxy DHCP on ADDRESS/24, an NFS root under $T/nfs, TFTP
# under $T/tftp, and [pi "kitchen"], the Pi 4 of ap_setup_pi (TFTP directory by MAC).
ap_site_nfs() {
  mkdir -p "$T/tftp" "$T/nfs"
  cat >"$T/site.conf" <<EOC
[server]
interface = eth0
address = $1/24
dhcp = proxy
tftp_root = $T/tftp
root = nfs
nfs_root = $T/nfs

[pi "kitchen"]
model = 4B
serial = 5b154510
mac = dc:a6:32:2e:f8:ed
tftp_prefix = mac
EOC
}
