#!/usr/bin/env bash
# Seed 000 in the lab (s000.conf): a Pi 3B with Raspbian 2019 (32-bit) behind the router's DHCP,
# proxy DHCP + TFTP from the exported dnsmasq config, the disk behind the exported target file;
# the Pi loads kernel7.img and the initramfs the user's own config.txt line names, and reaches
# stage 8. The LIO JSON the profile exports admits only the Pi (checked by what it says).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lab/lab.sh"
. "$(dirname "$0")/trees.sh"
. "$(dirname "$0")/seedlab.sh"
need dnsmasq python3
need tgt-admin
lab_boot_net
sl_setup 000 raspbian2019
sl_boot rpi-blog b8:27:eb:b2:c3:d4 kernel7.img initrd.img-4.19.57-v7+
# the same profile with LIO: one ACL per Pi, no generated ACLs (nobody else gets in)
sed -i 's/^iscsi_target = tgt$/iscsi_target = lio/' "$T/site.conf"
expect_exit 0 "$PINETBOOT" export "$T/site.conf" -o "$T/lio"
python3 - "$T/lio/iscsi/lio-pinetboot.json" <<'EOP' || fail "the LIO JSON admits more than the Pi"
import json, sys
[t] = json.load(open(sys.argv[1]))["targets"]
[tpg] = t["tpgs"]
assert tpg["attributes"]["generate_node_acls"] == 0, tpg
assert [a["node_wwn"] for a in tpg["node_acls"]] == ["iqn.2019-07.lan.rpiblog:rpi-blog"], tpg
EOP
exit 0
