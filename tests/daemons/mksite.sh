# Shared by the daemon tests (sourced, not a test): mksite FILE [KEY=VALUE…] writes a site
# profile with three Pis (a 4B on a MAC directory, a 3B on its serial, a 5 on a string prefix)
# whose backing files live under $T/iscsi; KEY=VALUE lines go into [server].
mksite() {
  local f=$1; shift
  mkdir -p "$T/iscsi" "$T/nfs"
  {
    echo "[server]"
    echo "interface = ${PNB_IFACE:-eth0}"
    echo "address = ${PNB_ADDR:-192.168.20.1/24}"
    echo "iqn_base = iqn.2026-11.lan.example"
    [[ " $* " == *" root=nfs "* ]] && echo "nfs_root = $T/nfs"
    for kv in "$@"; do echo "${kv%%=*} = ${kv#*=}"; done
    cat <<EOP

[pi "kitchen"]
model = 4B
serial = 511e57f7
mac = dc:a6:32:1c:6a:2a
tftp_prefix = mac
backing = $T/iscsi/kitchen.img
size = 64M

[pi "garage"]
model = 3B
serial = 2caf9c61
mac = b8:27:eb:af:9c:61
backing = $T/iscsi/garage.img
size = 64M

[pi "studio"]
model = 5
serial = 9ffefdef
mac = 2c:cf:67:01:02:03
tftp_prefix = string:studio
backing = $T/iscsi/studio.img
chap = no
EOP
  } >"$f"
}
