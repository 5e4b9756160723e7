#!/usr/bin/env bash
# The root-side half of the lab's fault matrix (issue 6): a Pi 4 served from real `pinetboot
# export` output (dnsmasq proxy + TFTP, tgtd via tgt-admin, CHAP, root=UUID) gets one fault at a
# time — in the target, the served cmdline.txt or the server's firewall — and for each fault
#  (a) `pinetboot simulate` stops at the right stage with the cause,
#  (b) `pinetboot monitor -i br0 --site` live on the bridge, watching that same boot, names the
#      stage and the cause in the target's terms (ACL, CHAP, name, LUN, root UUID, firewall),
#  (c) `pinetboot iscsi-check --site` finds it beforehand.
# Faults the Pi boots past (a LUN smaller than the profile's size, an fstab naming the old disk
# id, a target without incominguser although the Pi uses CHAP) reach stage 8: simulate warns
# where the Pi would stop later, iscsi-check finds each. The good check also shows that the
# exported target lets no other initiator name in (its address list holds only 0.0.0.0/32).
# Each fault restores the good state after itself (checked with iscsi-check), so the table is
# order-independent. PNB_SHOW=1 prints every output; PNB_FAULTS=name,name runs only those rows.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lab.sh"
need dnsmasq tgt-admin nft python3
lab_boot_net
lab_tgtd "$SRV"
BASE=iqn.2026-11.lan.example
UUID=3d2f7a10-5b1c-4e8e-9a11-0c0ffee0beef
MAC=dc:a6:32:1c:6a:2a
mkdir -p "$T/iscsi" "$T/tftp"
site_server "$T/site.conf" dhcp=proxy tftp_root="$T/tftp" root=iscsi iscsi_target=tgt iqn_base="$BASE" initramfs=initramfs-tools
site_pi "$T/site.conf" kitchen 4B 511e57f7 "$MAC" tftp_prefix=mac backing="$T/iscsi/kitchen.img" size=64M chap=yes root_uuid="$UUID"
expect_exit 0 "$PINETBOOT" export "$T/site.conf" -o "$T/exp"
D=dc-a6-32-1c-6a-2a
CMD=$T/tftp/$D/cmdline.txt
lab_image "$T/iscsi/kitchen.img" 64 1A2B3C4D "$UUID" "$(cat "$T/exp/tftp/$D/fstab")"
lab_image "$T/iscsi/small.img" 48 1A2B3C4D "$UUID" "$(cat "$T/exp/tftp/$D/fstab")"
lab_image "$T/iscsi/fstab.img" 64 1A2B3C4D "$UUID" "PARTUUID=deadbeef-01 /boot/firmware vfat defaults 0 2
UUID=$UUID / ext4 defaults,noatime 0 1"
lab_tgt_exported
lab_served_dir "$T/tftp" "$D"
cp "$CMD" "$T/cmdline.good"
SECRET=$(sed -n 's/^secret = //p' "$T/site.secrets")
[[ -n "$SECRET" ]] || fail "export wrote no CHAP secret to site.secrets"
lab_dnsmasq srv "$SRV" "$T/exp/dnsmasq.d/pinetboot.conf"
# the monitor drops root after opening the capture (to nobody here) and then reads the served
# cmdline.txt, as a TFTP tree is world-readable on a real server
chmod o+x "$T"

show() { [[ -z "${PNB_SHOW:-}" ]] || { echo "--- $1"; cat "$2"; }; }
chk() { ip netns exec "$RTR" "$PINETBOOT" iscsi-check --timeout 3 --site "$T/site.conf" --pi kitchen "$@"; }
sim() { ip netns exec "$PI" "$PINETBOOT" simulate --site "$T/site.conf" -i eth0 --pi kitchen --timeout 30 "$@"; }
TID=$(tgtadm -C "$TGT_PORT" --lld iscsi --op show --mode target | sed -n "s/^Target \([0-9]*\): $BASE:root-kitchen\$/\1/p")
[[ -n "$TID" ]] || fail "tgt-admin made no target $BASE:root-kitchen"
cmdline_sed() { sed -i "$1" "$CMD"; }

# ---- the faults: inject_NAME changes one thing, restore_NAME puts it back ----
# initiator not in the ACL: the target lets in another initiator only (tgt: 0x0203). The
# exported address list (0.0.0.0/32) matches no initiator, so the name list decides.
inject_acl() {
  tgt --op unbind --mode target --tid "$TID" --initiator-name "$BASE:kitchen"
  tgt --op bind --mode target --tid "$TID" --initiator-name "$BASE:garage"
}
restore_acl() {
  tgt --op unbind --mode target --tid "$TID" --initiator-name "$BASE:garage"
  tgt --op bind --mode target --tid "$TID" --initiator-name "$BASE:kitchen"
}
# CHAP secret wrong: the target's incominguser secret differs from the Pi's (0x0201)
chap_account() {
  tgt --op unbind --mode account --tid "$TID" --user kitchen
  tgt --op delete --mode account --user kitchen
  tgt --op new --mode account --user kitchen --password "$1"
  tgt --op bind --mode account --tid "$TID" --user kitchen
}
inject_chap() { chap_account "not-the-pis-secret9"; }
restore_chap() { chap_account "$SECRET"; }
# CHAP required by the target, but the served cmdline.txt gives the Pi no credentials (0x0201)
inject_nochap() { cmdline_sed 's/ iscsi_username=[^ ]*//; s/ iscsi_password=[^ ]*//'; }
# target name typo in the served cmdline.txt (0x0203 for a name)
inject_name() { cmdline_sed "s/iscsi_target_name=$BASE:root-kitchen/iscsi_target_name=$BASE:root-kitchn/"; }
# LUN 0 (LIO's numbering) where tgt has the disk at LUN 1
inject_lun() { cmdline_sed "s|root=UUID=$UUID|root=/dev/disk/by-path/ip-10.77.0.1:3260-iscsi-$BASE:root-kitchen-lun-0-part2|"; }
# root=UUID that is not on the LUN (the image was re-made, cmdline.txt kept the old UUID)
BADUUID=0badc0de-1111-4222-8333-444455556666
inject_uuid() { cmdline_sed "s/root=UUID=$UUID/root=UUID=$BADUUID/"; }
# TCP 3260 dropped by a firewall rule inside the server namespace (only there)
inject_drop() { lab_drop_iscsi; }
restore_drop() { lab_undrop_iscsi; }
# the Pi's disk swapped for another file as LUN 1 (the target stays, sessions are closed)
swap_lun() {
  tgt --op delete --mode logicalunit --tid "$TID" --lun 1
  tgt --op new --mode logicalunit --tid "$TID" --lun 1 -b "$1"
}
# LUN smaller than the profile's size: a 48 MiB copy of the disk with the same UUIDs
inject_small() { swap_lun "$T/iscsi/small.img"; }
restore_small() { swap_lun "$T/iscsi/kitchen.img"; }
# the fstab inside the root names the image's old disk id for /boot/firmware (the clone trap)
inject_fstab() { swap_lun "$T/iscsi/fstab.img"; }
restore_fstab() { swap_lun "$T/iscsi/kitchen.img"; }
# CHAP expected (the profile and cmdline.txt have it) but the target has no incominguser
inject_noauth() {
  tgt --op unbind --mode account --tid "$TID" --user kitchen
  tgt --op delete --mode account --user kitchen
}
restore_noauth() {
  tgt --op new --mode account --user kitchen --password "$SECRET"
  tgt --op bind --mode account --tid "$TID" --user kitchen
}
restore_cmdline() { cp "$T/cmdline.good" "$CMD"; }
for f in nochap name lun uuid; do eval "restore_$f() { restore_cmdline; }"; done

# fault NAME STAGE SIM_RE MON_RULE MON_RE CHK_RE — one row of the matrix
fault() {
  local name=$1 stage=$2 sim_re=$3 rule=$4 mon_re=$5 chk_re=$6
  if [[ -n "${PNB_FAULTS:-}" && ",$PNB_FAULTS," != *",$name,"* ]]; then return 0; fi
  local t0=$SECONDS
  "inject_$name"
  # (c) caught beforehand
  expect_exit 1 chk; show "$name: iscsi-check" "$T/out"
  expect_grep "$chk_re" "$T/out"
  # (a) + (b): the simulated boot, watched live
  lab_monitor_start --site "$T/site.conf"
  expect_exit 1 sim; show "$name: simulate" "$T/out"
  expect_grep "stopped at stage $stage \"" "$T/out"
  expect_grep "$sim_re" "$T/out"
  lab_monitor_stop; [[ -z "${PNB_SHOW:-}" ]] || cat "$T/mon.err"
  [[ -z "${PNB_SHOW:-}" ]] || grep -v '"summary"' "$T/mon.json" | grep -i 'iscsi\|3260' | cut -c1-300 | head -${PNB_SHOW_LINES:-0}
  lab_monitor_pi "$MAC" >"$T/pi.json"; show "$name: monitor" "$T/pi.json"
  expect_grep "\"failed\":$stage," "$T/pi.json"
  python3 - "$T/pi.json" "$rule" "$mon_re" <<'PY' || fail "monitor: no $rule verdict matching '$mon_re'"
import json, re, sys
p = json.load(open(sys.argv[1]))
vs = [v for v in p.get("verdicts", []) if v.get("rule") == sys.argv[2]]
sys.exit(0 if any(re.search(sys.argv[3], v.get("cause", "")) for v in vs) else 1)
PY
  "restore_$name"
  expect_exit 0 chk
  [[ -z "${PNB_SHOW:-}" ]] || echo "=== $name: $((SECONDS - t0)) s"
}

# late FAULT SIM_RE CHK_EXIT CHK_RE — a fault the Pi boots past (root in use, stage 8) that
# bites later or weakens the site: simulate warns (SIM_RE; "-" none), the monitor sees a boot,
# iscsi-check finds it (exit CHK_EXIT)
late() {
  local name=$1 sim_re=$2 chk_rc=$3 chk_re=$4
  if [[ -n "${PNB_FAULTS:-}" && ",$PNB_FAULTS," != *",$name,"* ]]; then return 0; fi
  local t0=$SECONDS
  "inject_$name"
  expect_exit "$chk_rc" chk; show "$name: iscsi-check" "$T/out"
  expect_grep "$chk_re" "$T/out"
  lab_monitor_start --site "$T/site.conf"
  expect_exit 0 sim; show "$name: simulate" "$T/out"
  expect_grep 'reached stage 8 "root in use"' "$T/out"
  [[ "$sim_re" == - ]] || expect_grep "$sim_re" "$T/out"
  lab_monitor_stop
  lab_monitor_pi "$MAC" >"$T/pi.json"; show "$name: monitor" "$T/pi.json"
  expect_grep '"reached":8,"failed":null' "$T/pi.json"
  "restore_$name"
  expect_exit 0 chk
  [[ -z "${PNB_SHOW:-}" ]] || echo "=== $name: $((SECONDS - t0)) s"
}

# good path first: the baseline every fault starts from. tgt admits a login whose address OR
# name is in the ACL; the exported address list (0.0.0.0/32) admits nobody, so iscsi-check's
# probe with another initiator name is refused and it reports nothing about it
expect_exit 0 chk; show "good: iscsi-check" "$T/out"
expect_grep "would find its root" "$T/out"
expect_no_grep "also admits initiator" "$T/out"
expect_no_grep "without CHAP" "$T/out"

#     name   stage simulate                           monitor rule / cause                               iscsi-check
fault acl    7 "not in the ACL of target $BASE:root-kitchen, or that target is not defined on the server"           iscsi-not-found "ACL does not let initiator $BASE:kitchen in, or no such target"                           "initiator IQN $BASE:kitchen is not in the ACL of target $BASE:root-kitchen, or that target is not defined on the server: tgt answers both"
fault chap   7 "CHAP failed"                          iscsi-chap "CHAP user or secret differs from the target's incominguser"                               "CHAP failed: target $BASE:root-kitchen rejected user \"kitchen\""
fault nochap 7 "sends no CHAP credentials"            iscsi-chap "no CHAP credentials.*lacks iscsi_username"                            "the Pi sends no CHAP credentials"
fault name   7 "target $BASE:root-kitchn does not exist" iscsi-not-found "asked for target $BASE:root-kitchn, which the server does not have"                "did you mean $BASE:root-kitchen"
fault lun    8 "LUN 0 is not a disk (tgt's LUN 0 is its controller); the disk is LUN 1" root-no-reads "wants its root on LUN 0 .*lun-0-part2.*, which tgt gives its own controller: the disk is LUN 1" "LUN 0 is not a disk (tgt's LUN 0 is its controller); the disk is LUN 1"
fault uuid   8 "root=UUID=$BADUUID from .*names nothing on LUN 1.*UUID=$UUID" root-reads-stop "root UUID=$BADUUID .*did not find it: the profile's root_uuid.* is $UUID" "root=UUID=$BADUUID from .*cmdline.txt names nothing on LUN 1; the root partition there has UUID=$UUID"
fault drop   7 "TCP 3260 is dropped"                  iscsi-dropped "nothing answers the Pi's connection to 10.77.0.1:3260: a firewall"                         "TCP 3260 is dropped"

#    name   simulate                                iscsi-check exit / finding
late small  -                                       1 "Result: the Pi would find its root, but its disk is not the profile.s: LUN 1 is 48M, smaller than the profile.s 64M"
late fstab  "warning: /etc/fstab mounts PARTUUID=deadbeef-01 on /boot/firmware" \
            1 "/etc/fstab mounts PARTUUID=deadbeef-01 on /boot/firmware but no partition of LUN 1 has it; that partition is UUID=1A2B-3C4D PARTUUID=5eed1234-01"
late noauth -                                       0 "also lets $BASE:kitchen in without CHAP: the target has no incominguser"

# after every fault: the good state is back, and the Pi boots to its root
lab_monitor_start --site "$T/site.conf"
expect_exit 0 sim; show "good: simulate" "$T/out"
expect_grep 'reached stage 8 "root in use"' "$T/out"
lab_monitor_stop
lab_monitor_pi "$MAC" >"$T/pi.json"; show "good: monitor" "$T/pi.json"
expect_grep '"reached":8' "$T/pi.json"
exit 0
