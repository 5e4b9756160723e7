#!/usr/bin/env bash
# simulate: a virtual Pi boots against real dnsmasq (proxy DHCP + TFTP, hand-written config) and
# tgtd in a server namespace, with an ordinary DHCP server (dnsmasq) in a router namespace, all on
# a bridge. Pi 4 good path to stage 8; Pi 3B with the menu text lacking the three spaces stops at
# stage 2; a missing serial directory stops at stage 4 (Pi 3B and Pi 4); an initramfs named in
# config.txt but absent stops at stage 5; a wrong CHAP secret in cmdline.txt stops at stage 7.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lab.sh"
need dnsmasq

lab_boot_net
lab_tgtd "$SRV"

BASE=iqn.2026-11.lan.example
UUID=3d2f7a10-5b1c-4e8e-9a11-0c0ffee0beef
lab_image "$T/kitchen.img" 64 1A2B3C4D "$UUID"
lab_target 1 "$BASE:root-kitchen" "$T/kitchen.img" "$BASE:kitchen" kitchen s3cret-kitchen1
lab_image "$T/garage.img" 64 0BADF00D 11111111-2222-3333-4444-555555555555
lab_target 2 "$BASE:root-garage" "$T/garage.img" "$BASE:garage"

lab_image "$T/shed.img" 48 0000BEEF 22222222-3333-4444-5555-666666666666
lab_target 3 "$BASE:root-shed" "$T/shed.img" ALL

TFTP=$T/tftp
lab_tftp_tree "$TFTP" 511e57f7
lab_tftp_tree "$TFTP" 2caf9c61
lab_tftp_tree "$TFTP" 2c-cf-67-00-11-22
lab_tftp_tree "$TFTP" 0a1b2c3d
# Pi 5: dracut's netroot= and a static ip= (no kernel DHCP); Pi 3B+: dracut's rd.iscsi.* names
echo "console=serial0,115200 ip=10.77.0.60::10.77.0.254:255.255.255.0:shed:eth0:off netroot=iscsi:10.77.0.1::::1:$BASE:root-shed rd.iscsi.initiator=$BASE:shed root=LABEL=rootfs rw" >"$TFTP/2c-cf-67-00-11-22/cmdline.txt"
echo "ip=dhcp rd.iscsi.initiator=$BASE:porch rd.iscsi.target.name=$BASE:root-shed rd.iscsi.target.ip=10.77.0.1 root=PARTUUID=5eed1234-02 rw" >"$TFTP/0a1b2c3d/cmdline.txt"
echo "console=serial0,115200 ip=dhcp iscsi_initiator=$BASE:kitchen iscsi_target_name=$BASE:root-kitchen iscsi_target_ip=10.77.0.1 iscsi_username=kitchen iscsi_password=s3cret-kitchen1 root=UUID=$UUID rw rootwait" >"$TFTP/511e57f7/cmdline.txt"
echo "console=serial0,115200 ip=dhcp root=iscsi:10.77.0.1::3260:1:$BASE:root-garage root=UUID=11111111-2222-3333-4444-555555555555 rw" >"$TFTP/2caf9c61/cmdline.txt"

site_server "$T/site.conf" dhcp=proxy tftp_root="$TFTP" iqn_base="$BASE" initramfs=initramfs-tools
site_pi "$T/site.conf" $PI_KITCHEN tftp_prefix=serial size=64M chap=yes
site_pi "$T/site.conf" $PI_GARAGE size=64M chap=no
site_pi "$T/site.conf" $PI_SHED tftp_prefix=mac
site_pi "$T/site.conf" porch 3B+ 0a1b2c3d b8:27:eb:1b:2c:3d

proxy() { lab_proxy "$TFTP" "$@"; }
show() { [[ -z "${PNB_SHOW:-}" ]] || cat "$T/out"; }
sim() { ip netns exec "$PI" "$PINETBOOT" simulate --site "$T/site.conf" -i eth0 --timeout 60 "$@"; }

# Pi 4 good path
proxy "Raspberry Pi Boot   "
expect_exit 0 sim --pi kitchen -v; show
expect_grep 'reached stage 8 "root in use"' "$T/out"
expect_grep "8 root in use .*ok .*UUID=$UUID" "$T/out"
expect_grep "TFTP probe 511e57f7/start4.elf: exists" "$T/out"
expect_grep "REQUEST/ACK for 10.77.0.1[0-9][0-9]" "$T/out"
expect_grep "iSCSI login to $BASE:root-kitchen as $BASE:kitchen accepted" "$T/out"
sim --pi kitchen --json >"$T/json" || fail "json run"
expect_grep '"reached":8' "$T/json"
python3 -m json.tool "$T/json" >/dev/null || fail "simulate --json is not JSON"

# Pi 5 (MAC prefix, config.txt probe, kernel_2712.img, static ip=) and Pi 3B+ (rd.iscsi.*)
expect_exit 0 sim --pi shed -v; show
expect_grep "TFTP probe 2c-cf-67-00-11-22/config.txt: exists" "$T/out"
expect_grep "TFTP RRQ 2c-cf-67-00-11-22/kernel_2712.img: complete" "$T/out"
expect_grep "static ip=10.77.0.60 from cmdline.txt" "$T/out"
expect_grep 'reached stage 8' "$T/out"
proxy "Raspberry Pi Boot" 1
expect_exit 0 sim --pi porch -v; show
expect_grep "TFTP probe 0a1b2c3d/start.elf: exists" "$T/out"
expect_grep 'reached stage 8' "$T/out"

# Pi 3B: the menu text without the three trailing spaces -> stage 2
proxy "Raspberry Pi Boot" 1
expect_exit 1 sim --pi garage --dhcp-timeout 6; show
expect_grep 'stopped at stage 2 "boot offer"' "$T/out"
expect_grep "lacks the three trailing spaces" "$T/out"

# Pi 3B good path with the reply delay (ROM: no REQUEST; root=iscsi: RFC 4173 with LUN 1)
proxy "Raspberry Pi Boot   " 1
expect_exit 0 sim --pi garage -v; show
expect_grep "never REQUESTs" "$T/out"
expect_grep "TFTP RRQ bootcode.bin: complete" "$T/out"

# Pi 3B, proxy without the reply delay: the firmware bug
proxy "Raspberry Pi Boot   "
expect_exit 1 sim --pi garage --dhcp-timeout 6 --json; show
expect_grep '"rule":"proxy-no-delay"' "$T/out"

# missing serial directory: stage 4 for both models
proxy "Raspberry Pi Boot   " 1
mv "$TFTP/2caf9c61" "$TFTP/garage-moved"
expect_exit 1 sim --pi garage
expect_grep 'stopped at stage 4 "TFTP firmware"' "$T/out"
expect_grep "create the Pi's serial directory 2caf9c61/" "$T/out"
mv "$TFTP/garage-moved" "$TFTP/2caf9c61"
mv "$TFTP/511e57f7" "$TFTP/kitchen-moved"
expect_exit 1 sim --pi kitchen -v; show
expect_grep "clears its TFTP prefix" "$T/out"
expect_grep 'stopped at stage 4 "TFTP firmware"' "$T/out"
mv "$TFTP/kitchen-moved" "$TFTP/511e57f7"

# initramfs named in config.txt but absent: stage 5
mv "$TFTP/511e57f7/initrd.img" "$T/initrd.saved"
expect_exit 1 sim --pi kitchen
expect_grep 'stopped at stage 5 "TFTP kernel": config.txt names initramfs initrd.img but it is not there' "$T/out"
mv "$T/initrd.saved" "$TFTP/511e57f7/initrd.img"

# CHAP secret wrong in cmdline.txt: stage 7 with 0x0201
sed -i 's/iscsi_password=s3cret-kitchen1/iscsi_password=wrong-secret-99/' "$TFTP/511e57f7/cmdline.txt"
expect_exit 1 sim --pi kitchen
expect_grep 'stopped at stage 7 "root login": CHAP failed' "$T/out"

# four Pis of three models at once, one thread and namespace each (the fleet storm's engine)
sed -i 's/iscsi_password=wrong-secret-99/iscsi_password=s3cret-kitchen1/' "$TFTP/511e57f7/cmdline.txt"
proxy "Raspberry Pi Boot   " 1
expect_exit 0 sim --all; show
expect_grep '^4 Pis: 4 reached root in use, 0 failed, wall [0-9.]* s$' "$T/out"
expect_grep '^  garage  3B  b8:27:eb:af:9c:61  reached 8 "root in use"' "$T/out"
# a glob and a name; a Pi that stops is named with its stage, cause and fix (exit 1)
mv "$TFTP/511e57f7" "$TFTP/kitchen-moved"
expect_exit 1 sim --pi 'k*' --pi shed --json; show
python3 - "$T/out" <<'PY' || fail "fleet --json"
import json, sys
d = json.load(open(sys.argv[1]))
assert [p["pi"] for p in d["pis"]] == ["kitchen", "shed"], d["pis"]
assert d["pis"][0]["failed"] == 4 and d["pis"][1]["reached"] == 8
assert d["summary"]["pis"] == 2 and d["summary"]["reached_root"] == 1 and d["summary"]["failed"] == 1
PY
expect_exit 1 sim --pi 'k*' --pi shed
expect_grep '^  kitchen 4B  dc:a6:32:1c:6a:2a  stopped at 4 "TFTP firmware"' "$T/out"
expect_grep "^          fix: create the Pi's serial directory 511e57f7/ in the TFTP root" "$T/out"
mv "$TFTP/kitchen-moved" "$TFTP/511e57f7"
expect_exit 2 sim --pi 'x*'
expect_grep 'no Pi of .* is called "x\*"' "$T/err"
expect_exit 2 sim --all --pi shed
expect_exit 2 ip netns exec "$PI" "$PINETBOOT" simulate --site "$T/site.conf" --all -i nosuch0
expect_grep 'no interface called "nosuch0"' "$T/err"

# bad input
expect_exit 2 "$PINETBOOT" simulate --site "$T/site.conf" --pi nobody -i eth0
expect_exit 2 "$PINETBOOT" simulate --site "$T/site.conf" --pi kitchen
expect_exit 2 ip netns exec "$PI" "$PINETBOOT" simulate --site "$T/site.conf" --pi kitchen -i nosuch0
ip -n "$PI" link add down0 type veth peer name down1
expect_exit 2 ip netns exec "$PI" "$PINETBOOT" simulate --site "$T/site.conf" --pi kitchen -i down0
expect_grep "interface down0 is down" "$T/err"
exit 0
