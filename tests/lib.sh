# Shared helpers for shell tests: source it. Gives a per-test temp dir ($T) removed on exit,
# assertions that print what differed, and `skip REASON`.
set -u
: "${PINETBOOT:?run through tests/run.sh or set PINETBOOT}"
T=$(mktemp -d "${TMPDIR:-/tmp}/pnb-test.XXXXXX")
_pnb_cleanups=()
on_exit() { _pnb_cleanups+=("$1"); }
_pnb_exit() {
  local rc=$?
  for ((i=${#_pnb_cleanups[@]}-1; i>=0; i--)); do eval "${_pnb_cleanups[$i]}" || true; done
  rm -rf "$T"
  exit $rc
}
trap _pnb_exit EXIT
trap 'exit 130' INT TERM
fail() { echo "FAIL: $*" >&2; exit 1; }

# The one site-profile writer the shell tests share (lab, daemons, lint).
# site_server FILE [KEY=VALUE ...] — starts FILE with [server]: interface eth0 and address
# 10.77.0.1/24 (the lab's) unless given, then each KEY = VALUE in order.
site_server() {
  local f=$1 kv; shift
  {
    echo "[server]"
    [[ " $* " == *" interface="* ]] || echo "interface = eth0"
    [[ " $* " == *" address="* ]] || echo "address = 10.77.0.1/24"
    for kv in "$@"; do echo "${kv%%=*} = ${kv#*=}"; done
  } >"$f"
}
# site_pi FILE NAME MODEL SERIAL MAC [KEY=VALUE ...] — appends [pi "NAME"] with those keys.
site_pi() {
  local f=$1 kv
  printf '\n[pi "%s"]\nmodel = %s\nserial = %s\nmac = %s\n' "$2" "$3" "$4" "$5" >>"$f"
  shift 5
  for kv in "$@"; do echo "${kv%%=*} = ${kv#*=}"; done >>"$f"
}
# The Pis the tests boot, as NAME MODEL SERIAL MAC for site_pi (a Pi 3's MAC is b8:27:eb and the
# low 24 bits of its serial).
PI_KITCHEN="kitchen 4B 511e57f7 dc:a6:32:1c:6a:2a"
PI_GARAGE="garage 3B 2caf9c61 b8:27:eb:af:9c:61"
PI_SHED="shed 5 b7f44626 2c:cf:67:00:11:22"
skip() { echo "skip: $*"; exit 77; }
# expect_exit CODE CMD... — runs CMD, output to $T/out and $T/err, checks the exit status.
expect_exit() {
  local want=$1; shift
  "$@" >"$T/out" 2>"$T/err"
  local got=$?
  if [[ $got -ne $want ]]; then
    echo "--- stdout"; cat "$T/out"; echo "--- stderr"; cat "$T/err"
    fail "exit $got, expected $want: $*"
  fi
}
expect_grep() { grep -q -- "$1" "$2" || { echo "--- $2:"; cat "$2"; fail "no '$1' in $2"; }; }
expect_no_grep() { ! grep -q -- "$1" "$2" || { echo "--- $2:"; cat "$2"; fail "unexpected '$1' in $2"; }; }
need() { for c in "$@"; do command -v "$c" >/dev/null 2>&1 || skip "$c not installed"; done; }
need_root() { [[ $(id -u) -eq 0 ]] || skip "needs root"; }
# wait_grep PATTERN FILE [SECONDS] [PID] — polls until FILE holds PATTERN (returns 1 after
# SECONDS, default 20, or as soon as PID has exited): a readiness wait instead of a sleep.
wait_grep() {
  local pat=$1 file=$2 secs=${3:-20} pid=${4:-} i
  for ((i = 0; i < secs * 20; i++)); do
    grep -q -- "$pat" "$file" 2>/dev/null && return 0
    [[ -n $pid ]] && ! kill -0 "$pid" 2>/dev/null && { grep -q -- "$pat" "$file" 2>/dev/null; return; }
    sleep 0.05
  done
  return 1
}
# live_pair TAG — a live capture test's two sides (root and ip needed, else skip): namespaces
# $nsm (the monitor's) and $nsp (the sender's) joined by netns_veth, $a the monitor's end and $b
# the sender's. TAG (a letter or two) keeps the names of different tests apart.
live_pair() {
  need_root
  need ip
  nsm="pnb-$1m-$$" nsp="pnb-$1p-$$" a="pnb$1$$a" b="pnb$1$$b"
  netns_veth "$nsm" "$a" "$nsp" "$b"
}
# live_replay_pi4 — pnb_replay sends the Pi 4 boot capture from $nsp into $b (what it printed
# in $T/replay).
live_replay_pi4() {
  ip netns exec "$nsp" "$PNB_BUILD/tools/pnb_replay" "$b" "$PNB_TOP/tests/monitor/pcaps/pi4-boot.pcap" \
    >"$T/replay" || fail "replay: $(cat "$T/replay")"
}
# live_monitor_replay SPEC CMD... — runs CMD (a `pinetboot monitor -i SPEC ...` with an end
# set) in $nsm, its output in $T/out and $T/err; once it is listening on SPEC, the Pi 4 boot
# capture is replayed into it (live_replay_pi4). Fails when it does not start or exits above 1.
live_monitor_replay() {
  local spec=$1 mon rc
  shift
  ip netns exec "$nsm" "$@" >"$T/out" 2>"$T/err" &
  mon=$!
  on_exit "kill $mon 2>/dev/null"
  wait_grep "^listening on $spec" "$T/err" 20 "$mon" || { cat "$T/err"; fail "monitor -i $spec did not start"; }
  live_replay_pi4
  wait $mon
  rc=$?
  [[ $rc -le 1 ]] || { cat "$T/err"; fail "monitor -i $spec exit $rc"; }
}
# kea_conf FRAGMENT IFACE SUBNET POOL [ROUTER] — on stdout, a kea-dhcp4 configuration around the
# exported FRAGMENT (its client classes and reservations) serving SUBNET from POOL on IFACE,
# leases in $T/kea.leases, its log on stdout.
kea_conf() {
  jq -n --slurpfile f "$1" --arg ifc "$2" --arg subnet "$3" --arg pool "$4" --arg router "${5:-}" \
    --arg leases "$T/kea.leases" '{Dhcp4: {
    "interfaces-config": {interfaces: [$ifc]},
    "lease-database": {type: "memfile", persist: true, name: $leases},
    "client-classes": $f[0]."client-classes",
    loggers: [{name: "kea-dhcp4", severity: "INFO", output_options: [{output: "stdout"}]}],
    subnet4: [{id: 1, subnet: $subnet, pools: [{pool: $pool}], reservations: $f[0].reservations}
              + if $router == "" then {} else {"option-data": [{name: "routers", data: $router}]} end]}}'
}
# kea_start NS CONF LOG — kea-dhcp4 -c CONF in namespace NS (lock and pid files in $T/kea-run),
# its output in LOG; KEA_PID is the process.
kea_start() {
  mkdir -p "$T/kea-run"
  KEA_LOCKFILE_DIR="$T/kea-run" KEA_PIDFILE_DIR="$T/kea-run" \
    ip netns exec "$1" kea-dhcp4 -c "$2" >"$3" 2>&1 &
  KEA_PID=$!
}
# sshd_config FILE ADDRESS PORT — the config of a test's own sshd: keys only (root too), its host
# key ($T/hostkey), pid file and authorized_keys in $T, no PAM, quiet.
sshd_config() {
  cat >"$1" <<EOF
Port $3
ListenAddress $2
HostKey $T/hostkey
PidFile $T/sshd.pid
AuthorizedKeysFile $T/authorized_keys
StrictModes no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
UsePAM no
LogLevel ERROR
EOF
}
# ssh_server NS ADDRESS PORT [CONFIG_LINE] — a test's own sshd in namespace NS on ADDRESS:PORT
# (keys made in $T, CONFIG_LINE appended to sshd_config, ended on exit), and $T/ssh, a client
# wrapper for PINETBOOT_SSH that logs in with the test's key.
ssh_server() {
  # the keys below are root's: run through sudo, pinetboot would hand ssh to the sudo user
  unset SUDO_UID SUDO_GID SUDO_USER
  ssh-keygen -q -t ed25519 -N '' -f "$T/hostkey" || fail "host key"
  ssh-keygen -q -t ed25519 -N '' -f "$T/id" || fail "client key"
  cp "$T/id.pub" "$T/authorized_keys"
  sshd_config "$T/sshd_config" "$2" "$3"
  [[ -z ${4:-} ]] || printf '%s\n' "$4" >>"$T/sshd_config"
  mkdir -p /run/sshd
  ip netns exec "$1" /usr/sbin/sshd -D -f "$T/sshd_config" -E "$T/sshd.log" &
  local sshd=$! i
  on_exit "kill $sshd 2>/dev/null; wait $sshd 2>/dev/null"
  for ((i = 0; ; i++)); do
    ip netns exec "$1" ss -ltn 2>/dev/null | grep -q "$2:$3" && break
    kill -0 "$sshd" 2>/dev/null || { cat "$T/sshd.log"; fail "sshd did not start"; }
    ((i < 400)) || { cat "$T/sshd.log"; fail "sshd not listening on $2:$3 in $1 after 20 s"; }
    sleep 0.05
  done
  printf 'IdentityFile %s\nStrictHostKeyChecking no\nUserKnownHostsFile /dev/null\nLogLevel ERROR\nConnectTimeout 10\n' \
    "$T/id" >"$T/ssh_config"
  printf '#!/bin/sh\nexec ssh -F %s "$@"\n' "$T/ssh_config" >"$T/ssh"
  chmod 755 "$T/ssh"
}
# ssh_live_pair TAG [CONFIG_LINE] — live_pair TAG whose monitor namespace $nsm also runs the
# test's sshd on 127.0.0.1:2222 (ssh_server; $T/ssh logs in), for captures over ssh:// (skips
# without root, ssh, tcpdump or sshd).
ssh_live_pair() {
  need_root
  need ssh ssh-keygen tcpdump
  [[ -x /usr/sbin/sshd ]] || skip "sshd not installed"
  live_pair "$1"
  ip -n "$nsm" link set lo up || fail "lo up"
  ssh_server "$nsm" 127.0.0.1 2222 "${2:-}"
}
# tgt_port VAR — a tgtd control port (tgtd -C / tgtadm -C) in VAR that no other tgtd on the
# machine uses. The control socket /var/run/tgtd/socket.N is shared by every namespace and N is
# only 0-32767, so no PID-derived number is collision-free (pid_max may be 4194304). N
# (30000-32767) is held by an flock on /run/pnb-tgt-ports/N through an fd left open: tgtd
# inherits it, so N stays taken while this test or a tgtd it left behind lives; an N some
# other tgtd answers on is passed over.
tgt_port() {
  local n i fd
  mkdir -p /run/pnb-tgt-ports || fail "mkdir /run/pnb-tgt-ports"
  for ((i = 0; i < 2768; i++)); do
    n=$(( 30000 + ($$ + i) % 2768 ))
    exec {fd}>"/run/pnb-tgt-ports/$n" || continue
    if flock -n "$fd" && ! tgtadm -C "$n" --lld iscsi --op show --mode target >/dev/null 2>&1; then
      printf -v "$1" '%s' "$n"
      return 0
    fi
    exec {fd}>&-
  done
  fail "no free tgtd control port in 30000-32767"
}
# netns_add NAME — `ip netns add NAME`, deleted on exit. NAME holds this test's PID: one that
# exists already, and that this test did not make, was left by a killed test that had this PID
# before, and is deleted first.
_pnb_netns=" "
netns_add() {
  [[ $_pnb_netns != *" $1 "* ]] || { echo "netns $1: made twice by this test" >&2; return 1; }
  ip netns del "$1" 2>/dev/null
  ip netns add "$1" || return 1
  _pnb_netns+="$1 "
  on_exit "ip netns del $1 2>/dev/null"
}
# netns_veth NS_A IF_A NS_B IF_B — two network namespaces made here (deleted on exit) joined
# by a veth pair, IF_A in NS_A and IF_B in NS_B, both up: nothing of it in the host's own
# namespace, so frames sent into it never reach the host. Skips when namespaces are refused.
netns_veth() {
  netns_add "$1" || skip "cannot create network namespaces"
  netns_add "$3" || fail "netns $3"
  ip -n "$1" link add "$2" type veth peer name "$4" netns "$3" || fail "veth $2/$4"
  ip -n "$1" link set "$2" up && ip -n "$3" link set "$4" up || fail "veth up"
}
