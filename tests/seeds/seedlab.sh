# Shared by tests/seeds/t_seed_*.sh (sourced after lib.sh, lab.sh and trees.sh): one seed set
# up in the boot lab the way its README.txt says, then booted. For seed NNN:
#   sl_setup NNN SHAPE   the profile tests/seeds/sNNN.conf (paths under $T), its export, each
#                        Pi's TFTP directory (a tree shaped like SHAPE, the exported cmdline.txt
#                        over the OS's, the exported config.txt lines appended), the Pi 3s'
#                        bootcode.bin in the TFTP root, the root (a disk with the exported fstab
#                        behind the exported tgt file, or on the NAS; or an NFS directory), and
#                        the DHCP/TFTP servers the profile names (dnsmasq, or dhcpd with the
#                        include line apply adds plus dnsmasq for TFTP only).
#   sl_nas IQN LUN IMG   the external target: a tgtd of its own in the NAS namespace (10.77.0.2)
#                        with the target the NAS admin makes by hand, LUN LUN, any initiator.
#   sl_boot NAME MAC     lint --root clean, iscsi-check --site exit 0 (iSCSI roots), simulate
#                        reaches stage 8 loading the kernel and initramfs the OS names, and the
#                        monitor on the bridge says stage 8 with nothing failed.
# No kernel LIO here: a profile that says iscsi_target = lio is served by tgtd in the lab (the
# LIO script is checked by what it says), with the LUN the LIO file would have given (lun = 0
# is tgt's controller, so such a Pi gets root_uuid and any LUN).

sl_profile() { sed "s#@T@#$T#g" "$PNB_TOP/tests/seeds/s$1.conf" >"$T/site.conf"; }
# a flat Pi (tftp_prefix = none) lives in the TFTP root itself: "."
sl_dir() { sed -n -e "s/^  $1: .*TFTP directory none (.*$/./p" -e "t" -e "s/^  $1: .*TFTP directory \(.*\)$/\1/p" "$T/exp/README.txt"; }
sl_kv() { sed -n "/^\[pi \"$1\"\]/,/^\[/s/^$2 = //p" "$T/site.conf" | head -n 1; }
sl_sv() { sed -n "/^\[server\]/,/^\[/s/^$1 = //p" "$T/site.conf" | head -n 1; }

sl_nas() {
  local iqn=$1 lun=$2 img=$3 port
  [[ -n "${NAS:-}" ]] || { lab_ns NAS nas; lab_plug "$SW" "$NAS" eth0 10.77.0.2/24; }
  tgt_port port
  ip netns exec "$NAS" tgtd -C "$port" -f >"$T/nas.log" 2>&1 &
  NAS_PID=$!
  on_exit "sl_nas_stop $port"
  # ready: the control socket answers and the portal listens (as lab_tgtd waits)
  for _ in $(seq 300); do
    kill -0 "$NAS_PID" 2>/dev/null || break
    tgtadm -C "$port" --lld iscsi --op show --mode target >/dev/null 2>&1 &&
      [[ -n $(ip netns exec "$NAS" ss -ltnH 'sport = :3260' 2>/dev/null) ]] && break
    sleep 0.1
  done
  kill -0 "$NAS_PID" 2>/dev/null || { cat "$T/nas.log"; fail "the NAS's tgtd exited (control port $port)"; }
  tgtadm -C "$port" --lld iscsi --op new --mode target --tid 1 -T "$iqn" || fail "NAS target"
  tgtadm -C "$port" --lld iscsi --op new --mode logicalunit --tid 1 --lun "$lun" -b "$img" || fail "NAS LUN"
  tgtadm -C "$port" --lld iscsi --op bind --mode target --tid 1 -I ALL
}
sl_nas_stop() {
  tgtadm -C "$1" --lld iscsi --op delete --mode target --tid 1 --force >/dev/null 2>&1
  kill "$NAS_PID" 2>/dev/null; sleep 0.2; kill -9 "$NAS_PID" 2>/dev/null; wait "$NAS_PID" 2>/dev/null
  rm -f "/var/run/tgtd/socket.$1" "/var/run/tgtd/socket.$1.lock"
  return 0
}

sl_setup() {
  local seed=$1 shape=$2 name d dhcp root target uuid
  sl_profile "$seed"
  dhcp=$(sl_sv dhcp) root=$(sl_sv root) target=$(sl_sv iscsi_target)
  if [[ $target == lio ]]; then  # tgtd plays LIO here; LIO's LUN 0 is tgt's controller
    sed -i 's/^iscsi_target = lio$/iscsi_target = tgt/' "$T/site.conf"
  fi
  mkdir -p "$T/iscsi" "$T/tftp" "$T/nfs"
  expect_exit 0 "$PINETBOOT" export "$T/site.conf" -o "$T/exp"
  for name in $(sed -n 's/^\[pi "\(.*\)"\]$/\1/p' "$T/site.conf"); do
    d=$(sl_dir "$name")
    [[ -n "$d" ]] || fail "no TFTP directory for $name in README.txt"
    seed_tree "$shape" "$T/tftp/$d" || fail "seed_tree $shape"
    cp "$T/exp/tftp/$d/cmdline.txt" "$T/tftp/$d/cmdline.txt"
    cat "$T/exp/tftp/$d/config.txt" >>"$T/tftp/$d/config.txt"
    [[ -f "$T/tftp/$d/bootcode.bin" && ! -f "$T/tftp/bootcode.bin" ]] && cp "$T/tftp/$d/bootcode.bin" "$T/tftp/"
    if [[ $root == nfs ]]; then
      mkdir -p "$T/nfs/$name/etc" && cp "$T/exp/tftp/$d/fstab" "$T/nfs/$name/etc/fstab"
    else
      uuid=$(sl_kv "$name" root_uuid); uuid=${uuid:-5eed5eed-0000-4000-8000-00000000000${#name}}
      lab_image "$T/iscsi/$name.img" 64 "$(printf '%08X' $((0x5000 + ${#name})))" "$uuid" \
        "$(cat "$T/exp/tftp/$d/fstab")"
      [[ $target != external ]] && mv "$T/iscsi/$name.img" "$(sl_kv "$name" backing)"
    fi
  done
  if [[ $root == nfs ]]; then
    lab_nfsd "$T/exp/nfs/pinetboot.exports"
  elif [[ $target != external ]]; then
    lab_tgtd "$SRV"; lab_tgt_exported
  fi
  case $dhcp in
    proxy|full)
      [[ $dhcp == full ]] && lab_dnsmasq_stop rtr
      lab_dnsmasq srv "$SRV" "$T/exp/dnsmasq.d/pinetboot.conf" ;;
    isc)
      lab_dnsmasq_stop rtr
      # dhcpd.conf as Debian's admin has it, then what `pinetboot apply` adds to it
      mkdir -p "$T/sys/etc/dhcp"
      printf 'ddns-update-style none;\nauthoritative;\nsubnet 10.77.0.0 netmask 255.255.255.0 {\n  range 10.77.0.100 10.77.0.150;\n  option routers 10.77.0.254;\n}\n' \
        >"$T/sys/etc/dhcp/dhcpd.conf"
      expect_exit 0 "$PINETBOOT" apply "$T/site.conf" --root "$T/sys"
      sed "s#/etc/dhcp/dhcpd-pinetboot.conf#$T/sys/etc/dhcp/dhcpd-pinetboot.conf#" \
        "$T/sys/etc/dhcp/dhcpd.conf" >"$T/dhcpd.conf"
      grep -q "^include \"$T/sys/etc/dhcp/dhcpd-pinetboot.conf\";" "$T/dhcpd.conf" || fail "apply added no include"
      touch "$T/dhcpd.leases"
      ip netns exec "$SRV" dhcpd -f -4 -cf "$T/dhcpd.conf" -lf "$T/dhcpd.leases" -pf "$T/dhcpd.pid" \
        eth0 >"$T/dhcpd.log" 2>&1 &
      SL_DHCPD=$!
      on_exit 'kill $SL_DHCPD 2>/dev/null; wait $SL_DHCPD 2>/dev/null'
      for _ in $(seq 200); do grep -q "^Sending on .*eth0" "$T/dhcpd.log" && break; sleep 0.1; done
      grep -q "^Sending on .*eth0" "$T/dhcpd.log" || { cat "$T/dhcpd.log"; fail "dhcpd did not start"; }
      lab_dnsmasq srv "$SRV" "$T/exp/dnsmasq.d/pinetboot.conf" ;;  # TFTP only
  esac
  return 0
}

# sl_sysroot — $T/sysroot: the export installed at its system paths, for lint --root.
# sl_lint — lint --root over it: no error, no warning.
sl_lint() {
  sl_sysroot
  expect_exit 0 "$PINETBOOT" lint "$T/site.conf" --root "$T/sysroot"
  if grep -q 'warning' "$T/out" "$T/err"; then cat "$T/out" "$T/err"; fail "lint warns about the seed's working setup"; fi
  return 0
}
sl_sysroot() {
  local r=$T/sysroot
  rm -rf "$r"; mkdir -p "$r/etc/dnsmasq.d" "$r/etc/dhcp" "$r/etc/exports.d" "$r/etc/tgt/conf.d" "$r$T"
  cp "$T/exp/dnsmasq.d/pinetboot.conf" "$r/etc/dnsmasq.d/"
  [[ -f "$T/sys/etc/dhcp/dhcpd.conf" ]] && cp "$T/sys/etc/dhcp/"dhcpd*.conf "$r/etc/dhcp/"
  [[ -f "$T/exp/iscsi/tgt-pinetboot.conf" ]] && cp "$T/exp/iscsi/tgt-pinetboot.conf" "$r/etc/tgt/conf.d/pinetboot.conf"
  [[ -f "$T/exp/nfs/pinetboot.exports" ]] && cp "$T/exp/nfs/pinetboot.exports" "$r/etc/exports.d/"
  ln -s "$T/tftp" "$r$T/tftp"; ln -s "$T/nfs" "$r$T/nfs"
}

# sl_boot NAME MAC KERNEL [INITRAMFS] — the Pi NAME boots to stage 8 loading KERNEL (and
# INITRAMFS), checked by iscsi-check, simulate and the monitor on the bridge.
sl_boot() {
  local name=$1 mac=$2 kernel=$3 initramfs=${4:-} root
  root=$(sl_sv root)
  sl_lint
  lab_monitor_start --site "$T/site.conf"
  if [[ $root == iscsi ]]; then
    ip netns exec "$RTR" "$PINETBOOT" iscsi-check --timeout 10 --site "$T/site.conf" --pi "$name" >"$T/chk" 2>&1 ||
      { cat "$T/chk"; fail "iscsi-check --site for $name"; }
  fi
  ip netns exec "$PI" "$PINETBOOT" simulate --site "$T/site.conf" --pi "$name" -i eth0 --timeout 60 -v >"$T/sim" 2>&1 ||
    { cat "$T/sim"; fail "simulate $name"; }
  lab_monitor_stop
  grep -q 'reached stage 8 "root in use"' "$T/sim" || { cat "$T/sim"; fail "$name: no stage 8"; }
  grep -q "5 TFTP kernel  *ok  *$kernel, " "$T/sim" || { cat "$T/sim"; fail "$name did not load $kernel"; }
  if [[ -n "$initramfs" ]]; then
    grep -q ", cmdline.txt, $initramfs" "$T/sim" || { cat "$T/sim"; fail "$name did not load $initramfs"; }
  else
    grep -q ", cmdline.txt, " "$T/sim" && { cat "$T/sim"; fail "$name loaded an initramfs"; }
  fi
  local m
  m=$(lab_monitor_pi "$mac" | python3 -c 'import json,sys
t=sys.stdin.read().strip()
p=json.loads(t) if t else {}
print("reached=%s failed=%s" % (p.get("reached"), p.get("failed")))')
  [[ $m == "reached=8 failed=None" ]] || { lab_monitor_pi "$mac"; cat "$T/mon.err"; fail "$name: monitor says $m"; }
  echo "RESULT $name: stage 8 with $kernel${initramfs:+ + $initramfs}; lint clean; monitor $m"
}
