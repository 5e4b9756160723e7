# Lab helpers for tests/lab/t_*.sh: network namespaces joined by veth pairs, a tgtd of the
# test's own, test disk images. Source after tests/lib.sh. Everything is named pnb-<short>-$$,
# lives only inside the namespaces, and is removed by on_exit cleanups even when a test fails.
need_root
need ip tgtd tgtadm sfdisk mkfs.vfat mkfs.ext4
ip netns del "pnb-probe-$$" 2>/dev/null # (left by a killed test that had this PID)
ip netns add "pnb-probe-$$" 2>/dev/null || skip "cannot create network namespaces here"
ip netns del "pnb-probe-$$"

# Checked after every other cleanup (registered first, so run last): /etc/resolv.conf is
# unchanged, and no namespace of this test is left behind.
_lab_resolv=$(sha256sum /etc/resolv.conf 2>/dev/null || echo none)
_lab_final() {
  local now left bad=0
  now=$(sha256sum /etc/resolv.conf 2>/dev/null || echo none)
  [[ "$now" == "$_lab_resolv" ]] || { echo "FAIL: /etc/resolv.conf changed during the test" >&2; bad=1; }
  left=$(ip netns list 2>/dev/null | grep -E "^pnb-[a-z]+-$$"'( |$)' || true)
  [[ -z "$left" ]] || { echo "FAIL: namespaces left behind: $left" >&2; bad=1; }
  [[ $bad -eq 0 ]] || { rm -rf "$T"; exit 1; }
}
on_exit _lab_final

# lab_ns VAR SHORT — creates namespace pnb-SHORT-$$ with lo up and stores its name in VAR.
# (Not used as $(lab_ns …): a subshell would lose the cleanup registered here.)
lab_ns() {
  local ns="pnb-$2-$$"
  netns_add "$ns" || fail "ip netns add $ns"
  ip -n "$ns" link set lo up
  printf -v "$1" '%s' "$ns"
}

# lab_bridge NS — a bridge br0 inside NS (the lab's "switch").
lab_bridge() {
  ip -n "$1" link add br0 type bridge || fail "bridge in $1"
  ip -n "$1" link set br0 type bridge forward_delay 0 stp_state 0 2>/dev/null
  ip -n "$1" link set br0 up
}

# lab_plug SWITCH_NS NS IFNAME [ADDR/PREFIX] — a veth from NS (named IFNAME there) to the bridge
# in SWITCH_NS; the address, if any, exists only inside NS.
_lab_ports=0
lab_plug() {
  # made inside SWITCH_NS (never looked up in the host's namespace) under a name counted per
  # test: a random name once collided with an earlier port of the same switch in CI
  local sw=$1 ns=$2 ifn=$3 addr=${4:-} peer="pv$(( ++_lab_ports ))"
  ip -n "$sw" link add "$peer" type veth peer name "$ifn" netns "$ns" || fail "veth $ns"
  ip -n "$sw" link set "$peer" master br0 up
  ip -n "$ns" link set "$ifn" up
  [[ -n "$addr" ]] && ip -n "$ns" addr add "$addr" dev "$ifn"
  return 0
}

# lab_tgtd NS — starts a tgtd of this test inside NS on its own control port ($TGT_PORT, from
# tgt_port), and returns once it is ready: its control socket answers AND the iSCSI portal
# listens on 3260 in NS (a Pi that logs in earlier gets a TCP reset: seen once under ASan on a
# loaded machine).
TGT_PORT=
lab_tgtd() {
  [[ -n $TGT_PORT ]] || tgt_port TGT_PORT
  ip netns exec "$1" tgtd -C "$TGT_PORT" -f >"$T/tgtd.log" 2>&1 &
  TGT_PID=$!
  on_exit "lab_tgtd_stop"
  for _ in $(seq 600); do
    kill -0 "$TGT_PID" 2>/dev/null || break
    if tgtadm -C "$TGT_PORT" --lld iscsi --op show --mode target >/dev/null 2>&1 &&
       [[ -n $(ip netns exec "$1" ss -ltnH 'sport = :3260' 2>/dev/null) ]]; then
      return 0
    fi
    sleep 0.05
  done
  cat "$T/tgtd.log"; fail "tgtd did not start (control port $TGT_PORT, portal 3260 in $1)"
}
lab_tgtd_stop() {
  local tids
  tids=$(tgtadm -C "$TGT_PORT" --lld iscsi --op show --mode target 2>/dev/null |
         sed -n 's/^Target \([0-9]*\):.*/\1/p')
  for t in $tids; do
    tgtadm -C "$TGT_PORT" --lld iscsi --op delete --mode target --tid "$t" --force >/dev/null 2>&1
  done
  kill "$TGT_PID" 2>/dev/null
  for _ in $(seq 40); do kill -0 "$TGT_PID" 2>/dev/null || break; sleep 0.05; done
  kill -9 "$TGT_PID" 2>/dev/null; wait "$TGT_PID" 2>/dev/null
  rm -f "/var/run/tgtd/socket.$TGT_PORT" "/var/run/tgtd/socket.$TGT_PORT.lock"
  return 0
}
tgt() { tgtadm -C "$TGT_PORT" --lld iscsi "$@" || fail "tgtadm $*"; }

# lab_target TID IQN FILE [INITIATOR|ALL] [CHAPUSER CHAPSECRET] — a target with LUN 1 = FILE.
lab_target() {
  local tid=$1 iqn=$2 file=$3 ini=${4:-ALL}
  tgt --op new --mode target --tid "$tid" -T "$iqn"
  tgt --op new --mode logicalunit --tid "$tid" --lun 1 -b "$file"
  if [[ "$ini" == ALL ]]; then tgt --op bind --mode target --tid "$tid" -I ALL
  else tgt --op bind --mode target --tid "$tid" --initiator-name "$ini"; fi
  if [[ $# -ge 6 ]]; then
    tgt --op new --mode account --user "$5" --password "$6"
    tgt --op bind --mode account --tid "$tid" --user "$5"
  fi
}

# lab_image FILE SIZE_MIB FAT_VOLID ROOT_UUID [FSTAB] — an MBR disk (id 5eed1234): p1 FAT32
# "bootfs" 16 MiB at 1 MiB, p2 ext4 "rootfs" (the rest) holding /etc/fstab, as a Raspberry Pi OS
# image is laid out. FSTAB defaults to the image's own PARTUUIDs. LAB_GPT=1 makes a GPT instead.
lab_image() {
  local f=$1 mib=$2 volid=$3 uuid=$4 rootmib=$(( $2 - 17 - 1 ))
  rm -rf "$T/rootdir"; mkdir -p "$T/rootdir/etc"
  printf '%s\n' "${5:-PARTUUID=5eed1234-01  /boot/firmware  vfat  defaults  0  2
PARTUUID=5eed1234-02  /  ext4  defaults,noatime  0  1}" >"$T/rootdir/etc/fstab"
  truncate -s "${mib}M" "$f"
  if [[ "${LAB_GPT:-}" == 1 ]]; then  # GPT: the same offsets, partition GUIDs chosen here
    printf 'label: gpt\nlabel-id: 8F2A0C1E-0000-4000-8000-00000000D15C\nstart=2048, size=32768, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, uuid=0B0071D5-0000-4000-8000-000000000001\nstart=34816, size=%d, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, uuid=0B0071D5-0000-4000-8000-000000000002\n' \
      $(( rootmib * 2048 - 64 )) | sfdisk -q "$f" >/dev/null || fail "sfdisk gpt"
  else
    printf 'label: dos\nlabel-id: 0x5eed1234\nstart=2048, size=32768, type=c\nstart=34816, size=%d, type=83\n' \
      $(( rootmib * 2048 )) | sfdisk -q "$f" >/dev/null || fail "sfdisk"
  fi
  truncate -s 16M "$T/p1.img"
  mkfs.vfat -F 32 -i "$volid" -n bootfs "$T/p1.img" >/dev/null 2>&1 || mkfs.vfat -i "$volid" -n bootfs "$T/p1.img" >/dev/null || fail "mkfs.vfat"
  mkfs.ext4 -q -F -U "$uuid" -L rootfs -d "$T/rootdir" "$T/p2.img" "${rootmib}M" >/dev/null 2>&1 || fail "mkfs.ext4"
  dd if="$T/p1.img" of="$f" bs=1M seek=1 conv=notrunc status=none
  dd if="$T/p2.img" of="$f" bs=1M seek=17 conv=notrunc status=none
  rm -f "$T/p1.img" "$T/p2.img"
}

# lab_dnsmasq NAME NS CONF — runs dnsmasq (no DNS, no default config, no lease script) in NS with
# the hand-written config CONF; its pid is in $T/NAME.pid and it is stopped on exit.
lab_dnsmasq() {
  local name=$1 ns=$2 conf=$3
  ip netns exec "$ns" dnsmasq --conf-file="$conf" --pid-file="$T/$name.pid" --port=0 \
    --no-resolv --no-hosts --user=root --group=root --log-facility="$T/$name.log" \
    --dhcp-leasefile="$T/$name.leases" || { cat "$T/$name.log" 2>/dev/null; fail "dnsmasq $name"; }
  on_exit "lab_dnsmasq_stop $name"
}
lab_dnsmasq_stop() {
  [[ -f "$T/$1.pid" ]] || return 0
  local pid; pid=$(cat "$T/$1.pid")
  kill "$pid" 2>/dev/null
  # gone before a new one binds the same ports (a loaded machine may take more than 2 s)
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null
  rm -f "$T/$1.pid"
}

# lab_tftp_tree DIR PREFIX — boot files of every model under DIR/PREFIX (bootcode.bin in DIR),
# small random stand-ins for the real firmware and kernel, and a small real initramfs that can
# log in to iSCSI (mkinitramfs.py).
lab_tftp_tree() {
  local d=$1/$2 f
  mkdir -p "$d" "$1"
  head -c 51200 /dev/urandom >"$1/bootcode.bin"
  for f in start.elf fixup.dat start4.elf fixup4.dat bcm2710-rpi-3-b.dtb bcm2710-rpi-3-b-plus.dtb \
           bcm2711-rpi-4-b.dtb bcm2712-rpi-5-b.dtb kernel8.img kernel_2712.img; do
    head -c $(( (RANDOM % 40 + 3) * 1024 + RANDOM % 1000 )) /dev/urandom >"$d/$f"
  done
  # an initramfs built with open-iscsi's hook (the file names of one, gzip-compressed)
  python3 "$PNB_TOP/tests/lab/mkinitramfs.py" "$d/initrd.img" tools-iscsi gzip --early ||
    fail "mkinitramfs.py"
  printf '[all]\narm_64bit=1\ninitramfs initrd.img followkernel\n' >"$d/config.txt"
}

# lab_boot_net — the boot lab's network: a switch namespace with a bridge, the boot server
# ($SRV, 10.77.0.1), a router with an ordinary DHCP server ($RTR, 10.77.0.254, dnsmasq handing
# out 10.77.0.100-199) and the Pi side ($PI, eth0 without an address; simulate puts its
# macvlans there).
lab_boot_net() {
  lab_ns SW sw; lab_bridge "$SW"
  lab_ns SRV srv; lab_plug "$SW" "$SRV" eth0 10.77.0.1/24
  lab_ns RTR rtr; lab_plug "$SW" "$RTR" eth0 10.77.0.254/24
  lab_ns PI pi; lab_plug "$SW" "$PI" eth0
  # no-ping: dnsmasq's 3 s ping check of each new address runs one address at a time
  printf 'interface=eth0\nbind-interfaces\nno-ping\ndhcp-range=10.77.0.100,10.77.0.199,255.255.255.0,1h\ndhcp-option=3,10.77.0.254\n' >"$T/rtr.conf"
  lab_dnsmasq rtr "$RTR" "$T/rtr.conf"
}

# lab_proxy TFTP_ROOT MENU_TEXT [REPLY_DELAY] — (re)starts the boot server's dnsmasq: proxy DHCP
# with the PXE menu text, TFTP from TFTP_ROOT (hand-written until pinetboot export renders it).
lab_proxy() {
  lab_dnsmasq_stop srv
  { printf 'interface=eth0\nbind-interfaces\ndhcp-range=10.77.0.0,proxy\n'
    printf 'pxe-service=0,"%s"\nenable-tftp\ntftp-root=%s\n' "$2" "$1"
    [[ -n "${3:-}" ]] && printf 'dhcp-reply-delay=%s\n' "$3"; } >"$T/srv.conf"
  lab_dnsmasq srv "$SRV" "$T/srv.conf"
}

# lab_nfsd DIR|EXPORTS — rpcbind and nfs-ganesha (NFS v3, MOUNT v3) in $SRV exporting DIR to the
# lab, or every line of the exports(5) file EXPORTS (path, client, rw/ro, root squash) as
# `exportfs` would. Both run in a mount namespace of their own with a private /run: rpcbind's
# unix socket (/run/rpcbind.sock, where ganesha registers) would otherwise be shared by every
# NFS test on the machine, and a ganesha of another test could register its ports with ours.
lab_nfsd() {
  need rpcbind ganesha.nfsd unshare
  mkdir -p "$T/ganesha"
  { printf 'NFS_CORE_PARAM { Protocols = 3; Enable_NLM = false; Enable_RQUOTA = false; }\n'
    printf 'NFSV4 { Graceless = true; }\n'
    if [[ -f "$1" ]]; then sed -e 's/#.*//' "$1"; else echo "$1 10.77.0.0/24(rw,no_root_squash)"; fi |
      awk 'NF >= 2 { split($2, c, "[()]"); acc = c[2] ~ /(^|,)rw(,|$)/ ? "RW" : "RO"
        sq = c[2] ~ /no_root_squash/ ? "No_Root_Squash" : "Root_Squash"
        printf "EXPORT { Export_Id = %d; Path = %s; Pseudo = %s; Access_Type = None; Squash = %s;\n", ++n, $1, $1, sq
        printf "  Protocols = 3; Transports = UDP, TCP; FSAL { Name = VFS; }\n"
        printf "  CLIENT { Clients = %s; Access_Type = %s; } }\n", c[1], acc }'
  } >"$T/ganesha/g.conf"
  # the shell becomes ganesha (exec); rpcbind's pid is in rpcbind.pid
  ip netns exec "$SRV" unshare --mount --propagation private sh -c '
    mount -t tmpfs -o mode=0755 pnb-run /run || exit 1
    rpcbind -f >"$1/rpcbind.log" 2>&1 & echo $! >"$1/rpcbind.pid"
    for i in $(seq 200); do [ -S /run/rpcbind.sock ] && break; sleep 0.1; done
    exec ganesha.nfsd -F -f "$1/g.conf" -L "$1/log" -p "$1/pid"' sh "$T/ganesha" &
  local gp=$!
  on_exit "lab_nfsd_stop $gp"
  for _ in $(seq 150); do
    ip netns exec "$SRV" rpcinfo -p 127.0.0.1 2>/dev/null | grep -q mountd && return 0
    sleep 0.2
  done
  tail "$T/ganesha/log" "$T/ganesha/rpcbind.log"; fail "nfs-ganesha did not register mountd"
}
lab_nfsd_stop() {
  kill "$1" 2>/dev/null
  for _ in $(seq 100); do kill -0 "$1" 2>/dev/null || break; sleep 0.05; done
  kill -9 "$1" 2>/dev/null; wait "$1" 2>/dev/null
  [[ -f "$T/ganesha/rpcbind.pid" ]] && kill "$(cat "$T/ganesha/rpcbind.pid")" 2>/dev/null
  return 0
}

# lab_monitor_start [ARGS…] — `pinetboot monitor` live on the switch's bridge (it sees every
# frame of the lab), JSON lines into $T/mon.json, returning once the capture is open.
# lab_monitor_stop ends it with SIGINT (the summary line is written then) and checks it ended.
lab_monitor_start() {
  : >"$T/mon.err"
  ip netns exec "$SW" "$PINETBOOT" monitor -i br0 --json "$@" >"$T/mon.json" 2>"$T/mon.err" &
  MON_PID=$!
  on_exit "lab_monitor_kill"
  for _ in $(seq 400); do
    grep -q "^listening on br0" "$T/mon.err" && return 0
    kill -0 "$MON_PID" 2>/dev/null || break
    sleep 0.05
  done
  cat "$T/mon.err"; fail "monitor did not start on the lab bridge"
}
lab_monitor_kill() { [[ -n "${MON_PID:-}" ]] && kill -9 "$MON_PID" 2>/dev/null; return 0; }
lab_monitor_stop() {
  # The monitor is a process of its own and, under ASan on a loaded machine, may still be
  # decoding the last frames of the boot the test just watched: a person's Ctrl-C comes
  # seconds later, so give it a moment rather than race it.
  sleep 0.3
  kill -INT "$MON_PID" 2>/dev/null
  for _ in $(seq 100); do kill -0 "$MON_PID" 2>/dev/null || break; sleep 0.05; done
  wait "$MON_PID" 2>/dev/null
  MON_PID=
  tail -n 1 "$T/mon.json" | grep -q '^{"summary": true' || { cat "$T/mon.err"; fail "monitor wrote no summary"; }
  tail -n 1 "$T/mon.json" >"$T/mon.summary"
}

# lab_monitor_pi MAC — the monitor summary's entry for the Pi with MAC (one JSON object, or
# nothing), from $T/mon.summary, for expect_grep or jq-free asserting with python3.
lab_monitor_pi() {
  python3 -c 'import json,sys
s=json.load(open(sys.argv[1]))
for p in s["pis"]:
    if p["mac"]==sys.argv[2].lower(): print(json.dumps(p, separators=(",", ":")))' "$T/mon.summary" "$1"
}

# lab_served_dir TFTP_ROOT DIR — the Pi directory DIR as a user serves it: the stand-in firmware
# (lab_tftp_tree, whose config.txt names initrd.img as the OS's does), the files `pinetboot
# export` wrote for it ($T/exp/tftp/DIR) over that with its config.txt lines appended, and the
# initramfs config.txt then names (a copy of the stand-in initrd.img).
lab_served_dir() {
  local d=$1/$2 initramfs f
  lab_tftp_tree "$1" "$2"
  for f in "$T/exp/tftp/$2/"*; do
    if [[ ${f##*/} == config.txt ]]; then cat "$f" >>"$d/config.txt"; else cp "$f" "$d/"; fi
  done
  initramfs=$(awk '$1 == "initramfs" { f = $2 } END { print f }' "$d/config.txt")
  [[ -n "$initramfs" && ! -e "$d/$initramfs" ]] && cp "$d/initrd.img" "$d/$initramfs"
  return 0
}

# lab_tgt_exported — the exported tgt config ($T/exp/iscsi) loaded into this test's tgtd.
lab_tgt_exported() {
  tgt-admin -C "$TGT_PORT" --conf "$T/exp/iscsi/tgt-pinetboot.conf" --execute >"$T/admin.out" 2>&1 ||
    { cat "$T/admin.out"; fail "tgt-admin --execute"; }
}

# lab_drop_iscsi — a firewall rule in the server namespace (only there) that drops TCP 3260, so
# a login sees silence rather than a refusal; lab_undrop_iscsi takes it away.
lab_drop_iscsi() {
  ip netns exec "$SRV" nft -f - <<'NFT' || fail "nft"
table inet pnbdrop {
  chain input {
    type filter hook input priority 0;
    tcp dport 3260 drop
  }
}
NFT
}
lab_undrop_iscsi() { ip netns exec "$SRV" nft delete table inet pnbdrop; }
