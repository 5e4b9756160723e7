#!/usr/bin/env bash
# The root-side fault matrix for an NFS root (issue 6): a Pi 4 served from `pinetboot export`
# output (dnsmasq proxy + TFTP, nfs-ganesha serving what the exported exports(5) file lists).
# The server exports, besides the Pi's root (to the lab's subnet, as exported), a copy of it to
# another subnet only and one to every host; each fault points the Pi's root (profile nfs_path
# and served cmdline.txt, or cmdline.txt alone for a typo) at one of them or at a path nobody
# exports, and
#  (a) `pinetboot simulate` stops at stage 7 "root login" with the MOUNT refusal,
#  (b) `pinetboot monitor -i br0 --site` on the bridge names stage 7 and the rule,
#  (c) `pinetboot lint --root` over the installed exports finds what it can (an export to every
#      host boots, and lint calls it an error).
# Each fault restores the good cmdline.txt after itself.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lab.sh"
need dnsmasq rpcinfo python3
lab_boot_net
MAC=dc:a6:32:1c:6a:2a D=dc-a6-32-1c-6a-2a
site_server "$T/site.conf" dhcp=proxy tftp_root="$T/tftp" root=nfs nfs_root="$T/nfs"
site_pi "$T/site.conf" kitchen 4B 511e57f7 "$MAC" tftp_prefix=mac
expect_exit 0 "$PINETBOOT" export "$T/site.conf" -o "$T/exp"
CMD=$T/tftp/$D/cmdline.txt
for r in kitchen other star; do
  mkdir -p "$T/nfs/$r/etc" && cp "$T/exp/tftp/$D/fstab" "$T/nfs/$r/etc/fstab"
done
lab_served_dir "$T/tftp" "$D"
cp "$CMD" "$T/cmdline.good"
expect_grep "nfsroot=10.77.0.1:$T/nfs/kitchen,vers=3" "$CMD"
{ cat "$T/exp/nfs/pinetboot.exports"
  echo "$T/nfs/other 10.99.0.0/24(rw,sync,no_subtree_check,no_root_squash)"
  echo "$T/nfs/star *(rw,sync,no_subtree_check,no_root_squash)"; } >"$T/exports"
lab_nfsd "$T/exports"
lab_dnsmasq srv "$SRV" "$T/exp/dnsmasq.d/pinetboot.conf"
chmod o+x "$T" # the monitor reads the served files after dropping root

show() { [[ -z "${PNB_SHOW:-}" ]] || { echo "--- $1"; cat "$2"; }; }
sim() { ip netns exec "$PI" "$PINETBOOT" simulate --site "${SITE:-$T/site.conf}" -i eth0 --pi kitchen --timeout 30 "$@"; }
nfsroot() { sed -i "s|nfsroot=10.77.0.1:[^,]*,|nfsroot=10.77.0.1:$1,|" "$CMD"; }
# lint over the exports as installed (README.txt: /etc/exports.d/), with the Pi's root in them
lint_exports() {
  mkdir -p "$T/sysroot/etc/exports.d"
  sed "s|^$T/nfs/kitchen .*|$T/nfs/kitchen $1|" "$T/exp/nfs/pinetboot.exports" \
    >"$T/sysroot/etc/exports.d/pinetboot.exports"
  "$PINETBOOT" lint "$T/site.conf" --root "$T/sysroot"
}

# watched NAME STAGE SIM_RE RULE [CAUSE_RE] — a boot of the Pi watched live, its summary checked
watched() {
  local name=$1 stage=$2 sim_re=$3 rule=$4 cause=${5:-} want=1
  [[ $stage == 8 ]] && want=0
  lab_monitor_start --site "${SITE:-$T/site.conf}"
  expect_exit $want sim; show "$name: simulate" "$T/out"
  expect_grep "$sim_re" "$T/out"
  lab_monitor_stop
  lab_monitor_pi "$MAC" >"$T/pi.json"; show "$name: monitor" "$T/pi.json"
  if [[ $stage == 8 ]]; then
    expect_grep '"reached":8,"failed":null' "$T/pi.json"
  else
    expect_grep "\"failed\":$stage," "$T/pi.json"
    expect_grep "\"rule\":\"$rule\"" "$T/pi.json"
    [[ -z "$cause" ]] || expect_grep "\"cause\":\"$cause" "$T/pi.json"
  fi
}

# good: the exported export boots, lint is quiet about it
watched good 8 'reached stage 8 "root in use"' -
expect_exit 0 lint_exports "10.77.0.0/24(rw,sync,no_subtree_check,no_root_squash)"; show "good: lint" "$T/out"

# the Pi's root (profile nfs_path and cmdline.txt agree) is exported, but to another subnet only
site_root() { sed "s|^tftp_prefix = mac|&\nnfs_path = $1|" "$T/site.conf" >"$T/site-$2.conf"; }
site_root "$T/nfs/other" scope
nfsroot "$T/nfs/other"
SITE=$T/site-scope.conf watched scope 7 "stopped at stage 7 \"root login\": MOUNT 10.77.0.1:$T/nfs/other refused" \
  nfs-mount-denied "the server does not export $T/nfs/other to this Pi: the export is missing, or its client list leaves the Pi's address out"
cp "$T/cmdline.good" "$CMD"

# the Pi's root is not exported at all (the export line is missing)
site_root "$T/nfs/gone" noexport
nfsroot "$T/nfs/gone"
SITE=$T/site-noexport.conf watched noexport 7 "stopped at stage 7 \"root login\": MOUNT 10.77.0.1:$T/nfs/gone refused" \
  'nfs-mount-\(denied\|noent\)' "the server does not export $T/nfs/gone to this Pi"
cp "$T/cmdline.good" "$CMD"

# nfsroot= in the served cmdline.txt names another directory than the profile's root
nfsroot "$T/nfs/kitchn"
watched typo 7 "stopped at stage 7 \"root login\": MOUNT 10.77.0.1:$T/nfs/kitchn refused" nfs-mount-denied \
  "the Pi asked to mount $T/nfs/kitchn, which the server does not export to it; the profile's root for this Pi is $T/nfs/kitchen"
cp "$T/cmdline.good" "$CMD"

# exported to every host: the Pi boots, lint calls it an error before anyone does
nfsroot "$T/nfs/star"
watched star 8 'reached stage 8 "root in use"' -
cp "$T/cmdline.good" "$CMD"
expect_exit 1 lint_exports "*(rw,sync,no_subtree_check,no_root_squash)"; show "star: lint" "$T/out"
expect_grep "a Pi root is exported to every host" "$T/out"
# and with root_squash the Pi cannot own its files: lint again
expect_exit 1 lint_exports "10.77.0.0/24(rw,sync,no_subtree_check,root_squash)"
expect_grep "exported with root_squash" "$T/out"
exit 0
