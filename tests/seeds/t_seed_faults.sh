#!/usr/bin/env bash
# The faults the seed setups hit, each stopped at the right stage with the right cause, on the
# seed 000 setup (s000.conf) and seed 003's ISC dhcpd:
#   the initramfs line names a file that is not there   lint error; simulate and the monitor:
#                                                       stage 5, initramfs-missing
#   the stock initramfs (no open-iscsi in it)           lint error; simulate: stage 7,
#                                                       no-iscsi-syn (the monitor needs T_ROOT,
#                                                       60 s of silence, to say so: not waited)
#   dhcpd.conf without the include of the fragment      lint error; simulate and the monitor:
#                                                       stage 2, no-option-43
# (A foreign initiator admitted: t_tgt_acl.sh.)
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lab/lab.sh"
. "$(dirname "$0")/trees.sh"
. "$(dirname "$0")/seedlab.sh"
need dnsmasq python3 tgt-admin dhcpd
lab_boot_net
sl_setup 000 raspbian2019
D=$T/tftp/a1b2c3d4
sim() { ip netns exec "$PI" "$PINETBOOT" simulate --site "$T/site.conf" -i eth0 --timeout 30 "$@"; }
lint_root() { sl_sysroot; "$PINETBOOT" lint "$T/site.conf" --root "$T/sysroot" >"$T/lint" 2>&1; }

# stage 5: the user's initramfs line names a file that is not there
mv "$D/initrd.img-4.19.57-v7+" "$T/saved-initrd"
lint_root; expect_grep "config.txt names initramfs initrd.img-4.19.57-v7+, which is not there" "$T/lint"
lab_monitor_start --site "$T/site.conf"
expect_exit 1 sim --pi rpi-blog
lab_monitor_stop
expect_grep 'stopped at stage 5 "TFTP kernel": config.txt names initramfs initrd.img-4.19.57-v7+ but it is not there.*\[initramfs-missing\]' "$T/out"
lab_monitor_pi b8:27:eb:b2:c3:d4 >"$T/pi.json"
expect_grep '"failed":5,' "$T/pi.json"
expect_grep '"verdict":"failed at stage 5 .*\[initramfs-missing\]"' "$T/pi.json"
mv "$T/saved-initrd" "$D/initrd.img-4.19.57-v7+"
echo "fault: missing initramfs file -> stage 5"

# stage 7: the image's stock initramfs, built without open-iscsi
cp "$D/initrd.img-4.19.57-v7+" "$T/saved-initrd"
python3 "$PNB_TOP/tests/lab/mkinitramfs.py" "$D/initrd.img-4.19.57-v7+" tools-stock gzip
lint_root; expect_grep "initrd.img-4.19.57-v7+: \[pi \"rpi-blog\"\] initramfs: the initramfs config.txt loads cannot log in to the iSCSI root: it has neither iscsistart" "$T/lint"
expect_exit 1 sim --pi rpi-blog
expect_grep 'stopped at stage 7 "root login": the initramfs initrd.img-4.19.57-v7+ cannot log in to iSCSI: it has neither iscsistart.*\[no-iscsi-syn\]' "$T/out"
expect_grep 'Fix: on the Pi: apt install open-iscsi, touch /etc/iscsi/iscsi.initramfs, update-initramfs -u' "$T/out"
cp "$T/saved-initrd" "$D/initrd.img-4.19.57-v7+"
echo "fault: stock initramfs -> stage 7"

# stage 2: ISC dhcpd whose dhcpd.conf never includes pinetboot's fragment (seed 003's server)
lab_dnsmasq_stop srv; lab_dnsmasq_stop rtr
sed -i 's/^dhcp = proxy$/dhcp = isc/' "$T/site.conf"
expect_exit 0 "$PINETBOOT" export "$T/site.conf" -o "$T/exp"
mkdir -p "$T/sys/etc/dhcp"
printf 'ddns-update-style none;\nauthoritative;\nsubnet 10.77.0.0 netmask 255.255.255.0 {\n  range 10.77.0.100 10.77.0.150;\n  option routers 10.77.0.254;\n}\n' >"$T/sys/etc/dhcp/dhcpd.conf"
expect_exit 0 "$PINETBOOT" apply "$T/site.conf" --root "$T/sys" --no-edit
lint_root; expect_grep "dhcpd.conf: include: it does not include /etc/dhcp/dhcpd-pinetboot.conf" "$T/lint"
touch "$T/dhcpd.leases"
ip netns exec "$SRV" dhcpd -f -4 -cf "$T/sys/etc/dhcp/dhcpd.conf" -lf "$T/dhcpd.leases" -pf "$T/dhcpd.pid" eth0 >"$T/dhcpd.log" 2>&1 &
DPID=$!; on_exit 'kill $DPID 2>/dev/null; wait $DPID 2>/dev/null'
for _ in $(seq 200); do grep -q "^Sending on .*eth0" "$T/dhcpd.log" && break; sleep 0.1; done
grep -q "^Sending on .*eth0" "$T/dhcpd.log" || { cat "$T/dhcpd.log"; fail "dhcpd did not start"; }
lab_dnsmasq srv "$SRV" "$T/exp/dnsmasq.d/pinetboot.conf"
lab_monitor_start --site "$T/site.conf"
expect_exit 1 sim --pi rpi-blog --dhcp-timeout 6
sleep 2.2  # the monitor's DHCP verdicts wait until the offers are 2 s old
lab_monitor_stop
expect_grep 'stopped at stage 2 ".*": .*none carries option 43.*\[no-option-43\]' "$T/out"
lab_monitor_pi b8:27:eb:b2:c3:d4 >"$T/pi.json"
expect_grep '"failed":2,' "$T/pi.json"
expect_grep '"verdict":"failed at stage 2 .*\[no-option-43\]"' "$T/pi.json"
echo "fault: dhcpd fragment not included -> stage 2"
exit 0
