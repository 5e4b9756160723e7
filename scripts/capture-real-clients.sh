#!/usr/bin/env bash
# capture-real-clients.sh OUTDIR [NAME...] — captures of REAL DHCP clients that carry Raspberry
# Pi MAC addresses but are not network booting (an SD-booted Pi running dhcpcd, udhcpc,
# dhclient, systemd-networkd or NetworkManager, a lease renewal, a NAK for a stale address, a
# reboot, the boot server itself on a Pi), each answered by
# a real dnsmasq configured as a Pi netboot server (PXE menu "Raspberry Pi Boot", TFTP on).
# tests/monitor/t_real_clients.sh reads the results (tests/data/pcaps/real-clients/): no such
# host may be called a failing netboot.
#
# Needs root, ip netns, unshare, dnsmasq, tcpdump, dhcpcd (dhcpcd-base), udhcpc, dhclient
# (isc-dhcp-client), systemd-networkd (systemd). Every interface lives in namespaces made here
# (pnb-rc*-PID), removed on exit; dhcpcd and dhclient get /etc/netns/NS/resolv.conf so nothing
# outside changes; the daemons (networkd, NetworkManager) also get a mount and UTS namespace
# (isolated below). NetworkManager's captures are skipped unless it is installed or unpacked
# in PNB_NM_ROOT (see nm_prepare).
# With NAMEs, only those captures are made (e.g. networkd-renew-pi4); PNB_RC_LOGS=DIR keeps
# the last capture's logs there (dnsmasq's with log-dhcp, and the daemon's).
# renew-65s waits 70 s on purpose (a lease renewed after the monitor's 60 s timeouts).
set -eu
out=${1:?usage: capture-real-clients.sh OUTDIR [NAME...]}
shift
only=" $* "
# want NAME: whether this run makes capture NAME (all of them when no NAME was given).
want() { [[ $only == "  " || $only == *" $1 "* ]]; }
mkdir -p "$out"
out=$(cd "$out" && pwd)
T=$(mktemp -d /tmp/pnb-rc.XXXXXX)
ns_s="pnb-rcs-$$" ns_c="pnb-rcc-$$"
cleanup() {
  for p in "$T"/*.pid; do [[ -f $p ]] && kill "$(cat "$p")" 2>/dev/null || true; done
  ip netns del "$ns_s" 2>/dev/null || true
  ip netns del "$ns_c" 2>/dev/null || true
  [[ -z ${PNB_RC_LOGS:-} ]] || cp "$T"/*.log "$PNB_RC_LOGS"/ 2>/dev/null || true
  rm -rf "/etc/netns/$ns_c" "$T"
}
trap cleanup EXIT

# Background daemons are started with `ip netns exec` itself (it execs them, so $! is their
# PID to kill); S and C are for commands that run to their end.
S() { ip netns exec "$ns_s" "$@"; }
C() { ip netns exec "$ns_c" "$@"; }

# One scenario: SERVER-MAC CLIENT-MAC NAME, then the client commands run by the caller.
setup() { # server_mac client_mac
  ip netns del "$ns_s" 2>/dev/null || true
  ip netns del "$ns_c" 2>/dev/null || true
  ip netns add "$ns_s"
  ip netns add "$ns_c"
  mkdir -p "/etc/netns/$ns_c"
  : >"/etc/netns/$ns_c/resolv.conf"
  ip -n "$ns_s" link add srv0 type veth peer name cli0 netns "$ns_c"
  ip -n "$ns_s" link set srv0 address "$1"
  ip -n "$ns_c" link set cli0 address "$2"
  ip -n "$ns_s" addr add 10.77.0.1/24 dev srv0
  ip -n "$ns_s" link set srv0 up
  ip -n "$ns_c" link set cli0 up
  ip -n "$ns_c" link set lo up
  mkdir -p "$T/tftp"
  rm -f "$T/leases" "$T/dnsmasq.log" # a scenario waits for its own ACKs
  ip netns exec "$ns_s" tcpdump -U -i srv0 -w "$T/cap.pcap" -s 1500 udp port 67 or udp port 68 or arp \
    2>"$T/tcpdump.err" & echo $! >"$T/tcpdump.pid"
  ip netns exec "$ns_s" dnsmasq --no-daemon --conf-file=/dev/null --port=0 --interface=srv0 --bind-interfaces \
    --dhcp-range=10.77.0.100,10.77.0.200,255.255.255.0,2m --dhcp-authoritative \
    --dhcp-leasefile="$T/leases" --pid-file="$T/dnsmasq.pidfile" \
    --pxe-service=0,"Raspberry Pi Boot" --enable-tftp --tftp-root="$T/tftp" \
    --log-dhcp --log-facility="$T/dnsmasq.log" & echo $! >"$T/dnsmasq.pid"
  for _ in $(seq 50); do grep -q 'listening on' "$T/tcpdump.err" 2>/dev/null && break; sleep 0.1; done
  sleep 0.5
}

finish() { # name
  sleep 1
  kill "$(cat "$T/dnsmasq.pid")" 2>/dev/null || true
  kill -TERM "$(cat "$T/tcpdump.pid")" 2>/dev/null || true
  wait "$(cat "$T/tcpdump.pid")" 2>/dev/null || true
  rm -f "$T/dnsmasq.pid" "$T/tcpdump.pid"
  cp "$T/cap.pcap" "$out/$1.pcap"
  echo "$1: $(tcpdump -nr "$out/$1.pcap" 2>/dev/null | wc -l) packets"
}

# A script for udhcpc that only sets the address (inside the namespace), so a renewal can
# go out by unicast as on a real host; no resolv.conf, no routes elsewhere.
cat >"$T/udhcpc.sh" <<'EOF'
#!/bin/sh
[ "$1" = bound ] || [ "$1" = renew ] || exit 0
ip addr replace "$ip/24" dev "$interface"
EOF
chmod +x "$T/udhcpc.sh"

# 1. An SD-booted Pi 4 running dhcpcd (Raspberry Pi OS up to bullseye): DORA, hostname,
#    vendor class dhcpcd-….
if want dhcpcd-pi4; then
  setup 02:00:0a:4d:00:01 dc:a6:32:aa:00:01
  C dhcpcd -4 -1 -B -t 20 -c /bin/true -h raspberrypi cli0 >"$T/c.log" 2>&1 || true
  finish dhcpcd-pi4
fi

# 2. A Pi 3 running busybox udhcpc (vendor class "udhcp 1.35.0", no hostname).
if want udhcpc-pi3; then
  setup 02:00:0a:4d:00:01 b8:27:eb:aa:00:02
  C udhcpc -i cli0 -f -q -n -t 5 -s /bin/true >"$T/c.log" 2>&1 || true
  finish udhcpc-pi3
fi

# 3. A Pi 5 running udhcpc with a hostname, its lease renewed twice by unicast.
if want udhcpc-renew-pi5; then
  setup 02:00:0a:4d:00:01 2c:cf:67:aa:00:03
  ip netns exec "$ns_c" udhcpc -i cli0 -f -t 5 -s "$T/udhcpc.sh" -x hostname:pi5 >"$T/c.log" 2>&1 & echo $! >"$T/udhcpc.pid"
  for _ in $(seq 50); do grep -q 'lease of' "$T/c.log" 2>/dev/null && break; sleep 0.1; done
  sleep 1; kill -USR1 "$(cat "$T/udhcpc.pid")"; sleep 2; kill -USR1 "$(cat "$T/udhcpc.pid")"; sleep 1
  kill "$(cat "$T/udhcpc.pid")"; rm -f "$T/udhcpc.pid"
  finish udhcpc-renew-pi5
fi

# 4. dhclient on a Pi 4 MAC (no vendor class, ISC parameter list).
if want dhclient-pi4; then
  setup 02:00:0a:4d:00:01 dc:a6:32:aa:00:04
  ip netns exec "$ns_c" dhclient -4 -1 -d -sf /bin/true -lf "$T/dhclient.lease" -pf "$T/dhclient.pidfile" cli0 \
    >"$T/c.log" 2>&1 & echo $! >"$T/dhclient.pid"
  for _ in $(seq 100); do grep -q 'bound to' "$T/c.log" 2>/dev/null && break; sleep 0.1; done
  kill "$(cat "$T/dhclient.pid")" 2>/dev/null || true; rm -f "$T/dhclient.pid"
  finish dhclient-pi4
fi

# 5. A Pi that asks for its old address from another network (INIT-REBOOT): dnsmasq NAKs it,
#    and the client starts over with a DISCOVER.
if want dhcpcd-nak-pi4; then
  setup 02:00:0a:4d:00:01 dc:a6:32:aa:00:05
  C dhcpcd -4 -1 -B -t 20 -c /bin/true -r 192.168.1.57 cli0 >"$T/c.log" 2>&1 || true
  finish dhcpcd-nak-pi4
fi

# 6. The boot server is itself a Pi (its MAC answers); the client is an ordinary PC.
if want server-is-pi; then
  setup dc:a6:32:00:00:99 52:54:00:aa:00:06
  C udhcpc -i cli0 -f -q -n -t 5 -s /bin/true >"$T/c.log" 2>&1 || true
  finish server-is-pi
fi

# 7. A renewal after more than 60 s (the monitor's timeouts run out in between).
if want udhcpc-renew-65s; then
  setup 02:00:0a:4d:00:01 dc:a6:32:aa:00:07
  ip netns exec "$ns_c" udhcpc -i cli0 -f -t 5 -s "$T/udhcpc.sh" >"$T/c.log" 2>&1 & echo $! >"$T/udhcpc.pid"
  for _ in $(seq 50); do grep -q 'lease of' "$T/c.log" 2>/dev/null && break; sleep 0.1; done
  sleep 70; kill -USR1 "$(cat "$T/udhcpc.pid")"; sleep 2
  kill "$(cat "$T/udhcpc.pid")"; rm -f "$T/udhcpc.pid"
  finish udhcpc-renew-65s
fi

# 8. dhclient on a Pi 4 MAC with a lease it still holds from another network: INIT-REBOOT
#    REQUEST for it, dnsmasq (authoritative) NAKs, the client starts over.
if want dhclient-nak-pi4; then
  setup 02:00:0a:4d:00:01 dc:a6:32:aa:00:08
  cat >"$T/dhclient.lease" <<LEASE
lease {
  interface "cli0";
  fixed-address 192.168.1.57;
  option subnet-mask 255.255.255.0;
  option dhcp-server-identifier 192.168.1.1;
  renew 4 2037/01/01 00:00:00;
  rebind 4 2037/01/01 00:00:00;
  expire 4 2037/01/01 00:00:00;
}
LEASE
  ip netns exec "$ns_c" dhclient -4 -1 -d -sf /bin/true -lf "$T/dhclient.lease" \
    -pf "$T/dhclient.pidfile" cli0 >"$T/c.log" 2>&1 & echo $! >"$T/dhclient.pid"
  for _ in $(seq 150); do grep -q 'bound to' "$T/c.log" 2>/dev/null && break; sleep 0.1; done
  kill "$(cat "$T/dhclient.pid")" 2>/dev/null || true; rm -f "$T/dhclient.pid"
  finish dhclient-nak-pi4
fi

# isolated NAME CMD... — runs CMD in the client namespace AND in a mount and UTS namespace of
# its own (its PID is written to $T/NAME.pid): /run is a private tmpfs, /sys is read-only there
# (so systemd and NetworkManager do not wait for a udev that does not run), /etc/machine-id is a
# made-up one (the DUID in option 61 derives from it, not from this host's), the host name is
# "raspberrypi", and every path in $T/bind is bound over the same path under / (a client's
# config directory), so the client writes nothing to the host's /etc, /run or resolv.conf.
# `ip netns exec` alone would share them.
isolated() { # name cmd...
  local name=$1; shift
  printf '5e1fc0de5e1fc0de5e1fc0de5e1fc0de\n' >"$T/machine-id"
  ip netns exec "$ns_c" unshare -m -u --propagation private \
    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin T="$T" sh -c '
      set -e
      mount -t tmpfs -o mode=0755 pnb-run /run
      mount -o remount,bind,ro /sys
      mount --bind "$T/machine-id" /etc/machine-id
      cd "$T/bind"
      for d in $(find . -mindepth 1 -type d -links 2 | sort); do
        mkdir -p "/${d#./}" 2>/dev/null || true
        mount --bind "$d" "/${d#./}"
      done
      cd /
      hostname raspberrypi
      exec "$@"' sh "$@" >"$T/$name.log" 2>&1 &
  echo $! >"$T/$name.pid"
}

# 9. An SD-booted Pi 4 whose network is systemd-networkd's (DHCP=ipv4, as netplan writes it
#    on Ubuntu): client identifier = DUID (option 61, type 255), host name, its own parameter
#    list, no vendor class; the lease (2 min) is renewed at T1 by unicast, and the client
#    RELEASEs it when networkd stops.
if want networkd-renew-pi4; then
  setup 02:00:0a:4d:00:01 dc:a6:32:aa:00:09
  rm -rf "$T/bind"
  mkdir -p "$T/bind/etc/systemd/network"
  cat >"$T/bind/etc/systemd/network/10-cli0.network" <<'NET'
[Match]
Name=cli0

[Network]
DHCP=ipv4
LinkLocalAddressing=no
IPv6AcceptRA=no

[DHCPv4]
UseDNS=no
UseNTP=no
UseHostname=no
UseDomains=no
NET
  isolated networkd /lib/systemd/systemd-networkd
  for _ in $(seq 150); do grep -q DHCPACK "$T/dnsmasq.log" 2>/dev/null && break; sleep 0.1; done
  # T1 is 60 s (half the lease): wait for the second ACK, the renewal.
  for _ in $(seq 900); do [[ $(grep -c DHCPACK "$T/dnsmasq.log") -ge 2 ]] && break; sleep 0.1; done
  sleep 1
  kill "$(cat "$T/networkd.pid")" 2>/dev/null || true
  wait "$(cat "$T/networkd.pid")" 2>/dev/null || true; rm -f "$T/networkd.pid"
  finish networkd-renew-pi4
fi

# NetworkManager with its internal DHCP client (dhcp=internal, the default; Raspberry Pi OS
# bookworm), host name "raspberrypi". It wants the system D-Bus: a private dbus-daemon listens
# on the private /run; its config, state and keyfile profile live under $T/nm, and $T/nm/varlib
# is bound over /var/lib in its mount namespace (its lease file survives a restart, as on a
# reboot). NetworkManager from the package, or unpacked with `dpkg -x` of network-manager,
# libndp0, libteamdctl0 and libmm-glib0 into PNB_NM_ROOT (no install needed).
have_nm() {
  nm_root=${PNB_NM_ROOT:-}
  [[ -x $nm_root/usr/sbin/NetworkManager ]] && return 0
  echo "skipped: no NetworkManager (install it or set PNB_NM_ROOT)" >&2
  return 1
}
nm_prepare() { # the last byte of the profile's uuid
  rm -rf "$T/bind" "$T/nm"
  mkdir -p "$T/bind" "$T/nm/conf.d" "$T/nm/system.d" "$T/nm/connections" "$T/nm/varlib"
  cat >"$T/nm/NetworkManager.conf" <<NMCONF
[main]
plugins=keyfile
dhcp=internal
dns=none
rc-manager=unmanaged
systemd-resolved=false
auth-polkit=false
hostname-mode=none

[keyfile]
path=$T/nm/connections

[connectivity]
enabled=false
NMCONF
  cat >"$T/nm/connections/cli0.nmconnection" <<NMCONN
[connection]
id=cli0
uuid=5e1fc0de-0000-4000-8000-0000000000$1
type=ethernet
interface-name=cli0
autoconnect=true

[ethernet]

[ipv4]
method=auto
dhcp-hostname=raspberrypi

[ipv6]
method=disabled
NMCONN
  chmod 600 "$T/nm/connections/cli0.nmconnection"
  cat >"$T/nm/dbus.conf" <<'DBUS'
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=/run/dbus/system_bus_socket</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
DBUS
  cat >"$T/nm/run.sh" <<'RUN'
set -e
mount --bind "$T/nm/varlib" /var/lib
mkdir -p /run/dbus /var/lib/NetworkManager /run/NetworkManager
dbus-daemon --nofork --nosyslog --config-file="$T/nm/dbus.conf" & echo $! >"$T/nmbus.pid"
for _ in $(seq 50); do [ -S /run/dbus/system_bus_socket ] && break; sleep 0.1; done
export LD_LIBRARY_PATH="$NM_ROOT/usr/lib/x86_64-linux-gnu"
exec "$NM_ROOT/usr/sbin/NetworkManager" --debug --log-level=INFO \
  --config="$T/nm/NetworkManager.conf" --config-dir="$T/nm/conf.d" \
  --system-config-dir="$T/nm/system.d" --intern-config="$T/nm/intern.conf" \
  --state-file="$T/nm/state" --pid-file=/run/NetworkManager/NetworkManager.pid
RUN
}
nm_start() { isolated nm env NM_ROOT="$nm_root" T="$T" sh "$T/nm/run.sh"; }
nm_stop() {
  kill "$(cat "$T/nm.pid")" 2>/dev/null || true
  wait "$(cat "$T/nm.pid")" 2>/dev/null || true; rm -f "$T/nm.pid"
  kill "$(cat "$T/nmbus.pid")" 2>/dev/null || true; rm -f "$T/nmbus.pid"
}
# acks N: waits (up to SECONDS, default 90) until dnsmasq has sent N ACKs.
acks() {
  for _ in $(seq $((${2:-90} * 10))); do
    [[ $(grep -c DHCPACK "$T/dnsmasq.log" 2>/dev/null) -ge $1 ]] && return 0; sleep 0.1
  done
  return 1
}

# 10. An SD-booted Pi 4 whose network is NetworkManager's: DORA, the lease renewed at T1.
if want nm-renew-pi4 && have_nm; then
  setup 02:00:0a:4d:00:01 dc:a6:32:aa:00:0a
  nm_prepare 0a
  nm_start
  acks 1 30 && acks 2 || true
  sleep 1
  nm_stop
  finish nm-renew-pi4
fi

# 11. The same Pi rebooted: NetworkManager starts again with the lease it kept (the link went
#     down and up in between, as on a reboot) and asks for that address again.
if want nm-reboot-pi4 && have_nm; then
  setup 02:00:0a:4d:00:01 dc:a6:32:aa:00:0b
  nm_prepare 0b
  nm_start
  acks 1 30 || true
  sleep 1
  nm_stop
  ip -n "$ns_c" addr flush dev cli0
  ip -n "$ns_c" link set cli0 down
  sleep 1
  ip -n "$ns_c" link set cli0 up
  nm_start
  acks 2 30 || true
  sleep 1
  nm_stop
  finish nm-reboot-pi4
fi
