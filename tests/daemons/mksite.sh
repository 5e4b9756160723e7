# Shared by the daemon tests (sourced, not a test).
#
# mksite FILE [KEY=VALUE…] writes a site profile with three Pis (a 4B on a MAC directory, a 3B on its serial, a 5 on a string prefix)
# whose backing files live under $T/iscsi; KEY=VALUE lines go into [server].
mksite() {
  local f=$1; shift
  mkdir -p "$T/iscsi" "$T/nfs"
  local nfs=()
  [[ " $* " == *" root=nfs "* ]] && nfs=(nfs_root="$T/nfs")
  site_server "$f" interface="${PNB_IFACE:-eth0}" address="${PNB_ADDR:-192.168.20.1/24}" \
    iqn_base=iqn.2026-11.lan.example "${nfs[@]}" "$@"
  site_pi "$f" $PI_KITCHEN tftp_prefix=mac backing="$T/iscsi/kitchen.img" size=64M
  site_pi "$f" $PI_GARAGE backing="$T/iscsi/garage.img" size=64M
  site_pi "$f" studio 5 9ffefdef 2c:cf:67:01:02:03 tftp_prefix=string:studio backing="$T/iscsi/studio.img" chap=no
}

# wire_pair TAG: two namespaces pnb-TAGs-PID (server, 192.168.20.1/24) and pnb-TAGc-PID (a Pi,
# no address) joined by a veth pair; sets srv, cli, vs, vc. Everything is deleted on exit.
wire_pair() {
  srv="pnb-${1}s-$$" cli="pnb-${1}c-$$"
  vs="pnb-${1}s-$$" vc="pnb-${1}c-$$" # links: at most 15 characters
  netns_add "$srv" || skip "cannot create a network namespace"
  netns_add "$cli" || fail "netns $cli"
  # made inside the namespaces: no end ever exists in the host's own namespace
  ip -n "$srv" link add "$vs" type veth peer name "$vc" netns "$cli"
  ip -n "$srv" addr add 192.168.20.1/24 dev "$vs"
  ip -n "$srv" link set "$vs" up
  ip -n "$srv" link set lo up
  ip -n "$cli" link set "$vc" up
  ip -n "$cli" link set lo up
}

# dhcpd_wrap FRAGMENT OUT: the smallest dhcpd.conf that declares the subnet and includes the
# generated fragment.
dhcpd_wrap() {
  cat >"$2" <<EOC
ddns-update-style none;
authoritative;
subnet 192.168.20.0 netmask 255.255.255.0 {
  range 192.168.20.100 192.168.20.199;
}
include "$1";
EOC
}
