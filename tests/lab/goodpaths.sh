# Shared by tests/lab/t_goodpaths_*.sh: one Pi of each model (3B, 3B+, 4B, 5) booted end to end
# from `pinetboot export` output, installed the way README.txt of the export tells a user:
# dnsmasq runs the exported config, tgtd is loaded with `tgt-admin --conf` on the exported tgt
# file, each Pi's TFTP directory is the stand-in boot partition plus the exported cmdline.txt
# (replacing the image's) and config.txt lines (appended), and each disk carries the exported
# fstab. `lint --root` over the installed files says nothing; then per Pi: iscsi-check and
# simulate exit 0, and the monitor on the bridge saw every Pi reach stage 8 with nothing failed
# and no verdicts. Source after lib.sh and lab.sh; call gp_run MODE [ROOT].

GP_BASE=iqn.2026-11.lan.example
# name model serial mac — the four Pis (the Pi 3s' MACs end in their serials' last 6 digits)
GP_PIS=("p3 3B 2caf9c61 b8:27:eb:af:9c:61"
        "p3p 3B+ 3cfe0001 b8:27:eb:fe:00:01"
        "p4 4B 511e57f7 dc:a6:32:1c:6a:2a"
        "p5 5 b7f44626 2c:cf:67:00:11:22")

# gp_site MODE ROOT — $T/site.conf for MODE (proxy | full) and ROOT (iscsi | nfs). Per mode the
# Pis differ in TFTP prefix, CHAP and root= form (root_uuid set: root=UUID=…, else the by-path
# name), and the initramfs flavour differs between the modes (a profile has one).
gp_site() {
  local mode=$1 root=$2
  { printf '[server]\ninterface = eth0\naddress = 10.77.0.1/24\ndhcp = %s\n' "$mode"
    printf 'tftp_root = %s\nroot = %s\n' "$T/tftp" "$root"
    [[ $mode != proxy ]] && printf 'router = 10.77.0.254\nrange = 10.77.0.100-10.77.0.150\n'
    if [[ $root == nfs ]]; then
      printf 'nfs_root = %s\n' "$T/nfs"
    else
      printf 'iscsi_target = tgt\niqn_base = %s\n' "$GP_BASE"
      case $mode in
        proxy) printf 'initramfs = initramfs-tools\n' ;;
        full) printf 'initramfs = dracut\n' ;;
        *) printf 'initramfs = rfc4173\n' ;;
      esac
    fi
    local e name model serial mac
    for e in "${GP_PIS[@]}"; do
      read -r name model serial mac <<<"$e"
      printf '\n[pi "%s"]\nmodel = %s\nserial = %s\nmac = %s\n' "$name" "$model" "$serial" "$mac"
      [[ $root == iscsi ]] && printf 'backing = %s\nsize = 64M\n' "$T/iscsi/$name.img"
      [[ -n "${GP_PROVISION:-}" ]] && printf 'image = %s\n' "$T/img/$name.img"
      case "$root:$mode:$name" in
        nfs:*:p4)  printf 'tftp_prefix = mac\n' ;;
        nfs:*:p5)  printf 'tftp_prefix = string:pi5-root\n' ;;
        iscsi:proxy:p3)  printf 'chap = no\n' ;;
        iscsi:proxy:p3p) printf 'chap = yes\nroot_uuid = %s\n' "$(gp_uuid "$name")" ;;
        iscsi:proxy:p4)  printf 'chap = yes\ntftp_prefix = mac\n' ;;
        iscsi:proxy:p5)  printf 'chap = no\ntftp_prefix = string:pi5-root\nroot_uuid = %s\n' "$(gp_uuid "$name")" ;;
        iscsi:*:p3)   printf 'chap = yes\nroot_uuid = %s\n' "$(gp_uuid "$name")" ;;
        iscsi:*:p3p)  printf 'chap = no\n' ;;
        iscsi:*:p4)   printf 'chap = no\ntftp_prefix = serial\nip = 10.77.0.44\nroot_uuid = %s\n' "$(gp_uuid "$name")" ;;
        iscsi:*:p5)   printf 'chap = yes\ntftp_prefix = mac\nip = 10.77.0.45\n' ;;
      esac
      # ISC dhcpd and Kea: fixed addresses for all (fixed-address, reservations with an
      # address); dnsmasq and dhcpd ping each dynamic address first, one at a time
      [[ $mode == isc || $mode == kea ]] && [[ $name == p3* ]] && printf 'ip = 10.77.0.%d\n' $((40 + ${#name}))
    done
  } >"$T/site.conf"
}

# A root filesystem UUID per Pi, fixed so that a failure is reproducible.
gp_uuid() {
  case $1 in
    p3) echo 3a3a3a3a-0000-4000-8000-000000000003 ;;
    p3p) echo 3b3b3b3b-0000-4000-8000-00000000003b ;;
    p4) echo 4a4a4a4a-0000-4000-8000-000000000004 ;;
    p5) echo 5a5a5a5a-0000-4000-8000-000000000005 ;;
  esac
}

# gp_dir NAME — the TFTP directory export made for NAME (from its README.txt's list of Pis).
gp_dir() { sed -n "s/^  $1: .*TFTP directory \(.*\)$/\1/p" "$T/exp/README.txt"; }

# gp_os_image NAME DIR — $T/img/NAME.img, a 48 MiB stand-in Raspberry Pi OS image: the boot
# partition holds the stand-in firmware, kernels and initramfs files (as the OS ships them:
# initramfs8, initramfs_2712), the root the exported fstab of NAME (TFTP directory DIR).
gp_os_image() {
  local name=$1 d=$2 b=$T/bootfs
  mkdir -p "$T/img"
  lab_image "$T/img/$name.img" 48 "$(printf '%08X' $((0x2000 + ${#name})))" "$(gp_uuid "$name")" \
    "$(cat "$T/exp/tftp/$d/fstab")"
  # mtools rejects a 16 MiB FAT32 (too few clusters): the boot partition becomes FAT16
  mkfs.vfat -F 16 -i "$(printf '%08X' $((0x2000 + ${#name})))" -n bootfs --offset 2048 \
    "$T/img/$name.img" 16384 >/dev/null 2>&1 || fail "mkfs.vfat -F 16 in $name.img"
  rm -rf "$b"; lab_tftp_tree "$b" fw
  mv "$b/bootcode.bin" "$b/fw/"
  cp "$b/fw/initrd.img" "$b/fw/initramfs8"; mv "$b/fw/initrd.img" "$b/fw/initramfs_2712"
  printf '[all]\narm_64bit=1\nauto_initramfs=1\n' >"$b/fw/config.txt"  # as Bookworm ships it
  echo "console=serial0,115200 console=tty1 root=PARTUUID=5eed1234-02 rootfstype=ext4 rootwait" >"$b/fw/cmdline.txt"
  MTOOLS_SKIP_CHECK=1 mcopy -s -i "$T/img/$name.img@@1048576" "$b"/fw/* ::/ || fail "mcopy into $name.img"
}

# gp_provision — each Pi's backing file and TFTP directory written by `pinetboot provision`
# from its OS image (the backing file grown from 48 to 64 MiB with a loop device).
gp_provision() {
  local e name model serial mac d
  for e in "${GP_PIS[@]}"; do
    read -r name model serial mac <<<"$e"
    d=$(gp_dir "$name")
    gp_os_image "$name" "$d"
    expect_exit 0 "$PINETBOOT" provision "$T/site.conf" --pi "$name"
    [[ -z "${PNB_SHOW:-}" ]] || cat "$T/out"
    [[ -f "$T/tftp/$d/start.elf" ]] || { ls -R "$T/tftp"; fail "provision filled no $T/tftp/$d"; }
  done
  # README.txt: Pi 3s also need bootcode.bin in the TFTP root itself
  cp "$T/tftp/$(gp_dir p3)/bootcode.bin" "$T/tftp/bootcode.bin"
}

# gp_install ROOT — the export's files put in place as its README.txt says (after provision
# when GP_PROVISION is set: then the disks and boot files are provision's).
gp_install() {
  local root=$1 e name model serial mac d initramfs
  mkdir -p "$T/iscsi" "$T/tftp"
  [[ -n "${GP_PROVISION:-}" ]] && gp_provision
  for e in "${GP_PIS[@]}"; do
    read -r name model serial mac <<<"$e"
    d=$(gp_dir "$name")
    [[ -n "$d" && -f "$T/exp/tftp/$d/cmdline.txt" ]] || { ls -R "$T/exp"; fail "export wrote no cmdline.txt for $name"; }
    if [[ -n "${GP_PROVISION:-}" ]]; then
      # the 3B+ and the 5 boot with provision's own cmdline.txt (root=UUID= of the disk it
      # wrote) and the OS's config.txt (auto_initramfs=1); the others get the exported files
      # over them
      if [[ $name == p3p || $name == p5 ]]; then
        expect_grep " root=UUID=$(gp_uuid "$name") " "$T/tftp/$d/cmdline.txt"
        expect_grep "^auto_initramfs=1" "$T/tftp/$d/config.txt"
      else
        cp "$T/exp/tftp/$d/cmdline.txt" "$T/tftp/$d/cmdline.txt"
        cat "$T/exp/tftp/$d/config.txt" >>"$T/tftp/$d/config.txt"
      fi
      continue
    fi
    # the root: the Pi's OS with the exported fstab as /etc/fstab (a disk, or a directory);
    # the Pi 4's disk has a GPT, the others an MBR
    if [[ $root == iscsi ]]; then
      LAB_GPT=$([[ $name == p4 ]] && echo 1) \
        lab_image "$T/iscsi/$name.img" 64 "$(printf '%08X' $((0x1000 + ${#name})))" "$(gp_uuid "$name")" \
        "$(cat "$T/exp/tftp/$d/fstab")"
    else
      mkdir -p "$T/nfs/$name/etc" && cp "$T/exp/tftp/$d/fstab" "$T/nfs/$name/etc/fstab"
    fi
    # the boot partition's files (Raspberry Pi OS Bookworm's config.txt: auto_initramfs=1, no
    # initramfs line of its own) …
    lab_tftp_tree "$T/tftp" "$d"
    printf '[all]\narm_64bit=1\nauto_initramfs=1\n' >"$T/tftp/$d/config.txt"
    # … then the exported cmdline.txt (replaces the image's) and config.txt lines (appended;
    # none here: the profile leaves kernel and initramfs to the OS)
    cp "$T/exp/tftp/$d/cmdline.txt" "$T/tftp/$d/cmdline.txt"
    cat "$T/exp/tftp/$d/config.txt" >>"$T/tftp/$d/config.txt"
    # the initramfs the user built with the iSCSI hooks, under the name auto_initramfs gives it
    initramfs=initramfs8; [[ $model == 5 ]] && initramfs=initramfs_2712
    mv "$T/tftp/$d/initrd.img" "$T/tftp/$d/$initramfs"
  done
  if [[ $root == iscsi ]]; then
    tgt-admin -C "$TGT_PORT" --conf "$T/exp/iscsi/tgt-pinetboot.conf" --execute >"$T/admin.out" 2>&1 ||
      { cat "$T/admin.out"; fail "tgt-admin --execute on the exported tgt config"; }
  else
    lab_nfsd "$T/exp/nfs/pinetboot.exports"
  fi
  lab_dnsmasq srv "$SRV" "$T/exp/dnsmasq.d/pinetboot.conf"
}

# gp_lint — `pinetboot lint --root` over the export installed at its system paths (README.txt)
# in a tree of the test, the TFTP and NFS directories linked in: no errors, no warnings.
gp_lint() {
  local r=$T/sysroot
  rm -rf "$r"; mkdir -p "$r/etc/dnsmasq.d" "$r/etc/dhcp" "$r/etc/exports.d" "$r/etc/tgt/conf.d" "$r$T"
  cp "$T/exp/dnsmasq.d/pinetboot.conf" "$r/etc/dnsmasq.d/"
  case $(sed -n 's/^dhcp = //p' "$T/site.conf") in
    isc) cp "$T/exp/dhcp/dhcpd-pinetboot.conf" "$r/etc/dhcp/"  # and the line README.txt gives
         printf 'authoritative;\ninclude "/etc/dhcp/dhcpd-pinetboot.conf";\n' >"$r/etc/dhcp/dhcpd.conf" ;;
  esac
  [[ -f "$T/exp/iscsi/tgt-pinetboot.conf" ]] && cp "$T/exp/iscsi/tgt-pinetboot.conf" "$r/etc/tgt/conf.d/pinetboot.conf"
  [[ -f "$T/exp/nfs/pinetboot.exports" ]] && cp "$T/exp/nfs/pinetboot.exports" "$r/etc/exports.d/"
  ln -s "$T/tftp" "$r$T/tftp"
  [[ -d "$T/nfs" ]] && ln -s "$T/nfs" "$r$T/nfs"
  expect_exit 0 "$PINETBOOT" lint "$T/site.conf" --root "$r"
  [[ -z "${PNB_SHOW:-}" ]] || cat "$T/out" "$T/err"
  if grep -q 'warning' "$T/out" "$T/err"; then cat "$T/out" "$T/err"; fail "lint warns about the good path"; fi
  return 0
}

# gp_run MODE [ROOT] — the whole good path in MODE (proxy | full | isc | kea) with ROOT (iscsi,
# the default, or nfs); prints one RESULT line per Pi.
gp_run() {
  local t0=$SECONDS
  gp_setup "$@"
  local t1=$SECONDS
  gp_boot "$@"
  echo "TIME setup $((t1 - t0))s, boot $((SECONDS - t1))s"
}

# gp_setup MODE [ROOT] — the lab, the profile, its export, and the export installed.
gp_setup() {
  local mode=$1 root=${2:-iscsi}
  need dnsmasq python3
  [[ $root == iscsi ]] && need tgt-admin
  lab_boot_net
  # full DHCP: the boot server is the only DHCP server (the router keeps its address)
  [[ $mode != proxy ]] && lab_dnsmasq_stop rtr
  [[ $root == iscsi ]] && lab_tgtd "$SRV"
  gp_site "$mode" "$root"
  expect_exit 0 "$PINETBOOT" export "$T/site.conf" -o "$T/exp"
  gp_install "$root"
  return 0
}

# gp_boot MODE [ROOT] — iscsi-check and simulate for every Pi with the monitor on the bridge;
# fails unless all of them reach stage 8.
gp_boot() {
  local mode=$1 root=${2:-iscsi} e name model serial mac pids=() bad=0
  gp_lint
  lab_monitor_start --site "$T/site.conf"
  # iscsi-check from the router namespace (an address on the LAN), as the Pi would log in
  for e in "${GP_PIS[@]}"; do
    read -r name model serial mac <<<"$e"
    if [[ $root == iscsi ]]; then
      ip netns exec "$RTR" "$PINETBOOT" iscsi-check --timeout 10 --site "$T/site.conf" --pi "$name" \
        >"$T/chk.$name" 2>&1
      echo $? >"$T/chk.$name.rc"
    else
      echo "(NFS root: no iSCSI to check) would find its root" >"$T/chk.$name"; echo - >"$T/chk.$name.rc"
    fi
  done
  # the four virtual Pis boot at the same time, as a fleet does after a power cut
  for e in "${GP_PIS[@]}"; do
    read -r name model serial mac <<<"$e"
    ip netns exec "$PI" "$PINETBOOT" simulate --site "$T/site.conf" --pi "$name" -i eth0 \
      --timeout 60 -v >"$T/sim.$name" 2>&1 &
    pids+=($!)
  done
  local i=0
  for e in "${GP_PIS[@]}"; do
    read -r name model serial mac <<<"$e"
    wait "${pids[$i]}"; echo $? >"$T/sim.$name.rc"; i=$((i + 1))
  done
  lab_monitor_stop
  for e in "${GP_PIS[@]}"; do
    read -r name model serial mac <<<"$e"
    local c s m
    c=$(cat "$T/chk.$name.rc") s=$(cat "$T/sim.$name.rc")
    m=$(lab_monitor_pi "$mac" | python3 -c 'import json,sys
t=sys.stdin.read().strip()
p=json.loads(t) if t else {}
print("reached=%s failed=%s" % (p.get("reached"), p.get("failed")) +
      ("" if not p.get("verdicts") else " verdicts=%d" % len(p["verdicts"])))')
    grep -q 'reached stage 8 "root in use"' "$T/sim.$name" || s="$s(no stage 8)"
    grep -q "would find its root" "$T/chk.$name" || c="$c(no root)"
    printf 'RESULT %-5s %-5s %-3s %-5s iscsi-check=%s simulate=%s monitor %s\n' "$root" "$mode" "$model" \
      "$name" "$c" "$s" "$m"
    if [[ $c != [0-] || $s != 0 || $m != "reached=8 failed=None" || -n "${PNB_SHOW:-}" ]]; then
      [[ $c == [0-] && $s == 0 && $m == "reached=8 failed=None" ]] || bad=1
      echo "--- iscsi-check $name"; cat "$T/chk.$name"
      echo "--- simulate $name"; cat "$T/sim.$name"
      echo "--- monitor $name"; lab_monitor_pi "$mac"
    fi
  done
  [[ $bad -eq 0 ]] || { echo "--- monitor stderr"; cat "$T/mon.err"; fail "good path ($root root, $mode DHCP) failed: RESULT lines above"; }
  return 0
}

# gp_dhcpd — ISC dhcpd in $SRV: the smallest dhcpd.conf that declares the lab's subnet and
# includes the exported fragment, as README.txt of the export says.
gp_dhcpd() {
  need dhcpd
  cat >"$T/dhcpd.conf" <<EOC
ddns-update-style none;
authoritative;
subnet 10.77.0.0 netmask 255.255.255.0 {
  range 10.77.0.100 10.77.0.150;
  option routers 10.77.0.254;
}
include "$T/exp/dhcp/dhcpd-pinetboot.conf";
EOC
  touch "$T/dhcpd.leases"
  ip netns exec "$SRV" dhcpd -f -4 -cf "$T/dhcpd.conf" -lf "$T/dhcpd.leases" -pf "$T/dhcpd.pid" \
    eth0 >"$T/dhcpd.log" 2>&1 &
  GP_DHCP_PID=$!
  on_exit "gp_dhcp_stop"
  for _ in $(seq 200); do grep -q "^Sending on .*eth0" "$T/dhcpd.log" && return 0; sleep 0.1; done
  cat "$T/dhcpd.log"; fail "dhcpd did not start"
}
gp_dhcp_stop() {
  [[ -n "${GP_DHCP_PID:-}" ]] || return 0
  kill "$GP_DHCP_PID" 2>/dev/null; wait "$GP_DHCP_PID" 2>/dev/null; GP_DHCP_PID=
}

# gp_kea — kea-dhcp4 in $SRV: the exported client class and reservations merged into a Dhcp4
# configuration with the lab's subnet.
gp_kea() {
  need kea-dhcp4 jq
  kea_conf "$T/exp/dhcp/kea-dhcp4-pinetboot.json" eth0 10.77.0.0/24 "10.77.0.100 - 10.77.0.150" \
    10.77.0.254 >"$T/kea.json"
  kea_start "$SRV" "$T/kea.json" "$T/kea.log"
  GP_DHCP_PID=$KEA_PID
  on_exit "gp_dhcp_stop"
  for _ in $(seq 300); do grep -q "DHCP4_STARTED" "$T/kea.log" && return 0; sleep 0.1; done
  cat "$T/kea.log"; fail "kea-dhcp4 did not start"
}
