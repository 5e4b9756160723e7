#!/usr/bin/env bash
# pinetboot adopt against a real sshd in the lab, where "the Pi" is a Debian root with the real
# initramfs-tools and open-iscsi (adopt-pi.sh): a Pi 4 with its factory bootloader config (SD
# card only). --dry-run shows every remote command and changes nothing; then adopt is killed at
# each step in turn and run again (it resumes), a --restart run gives the same files, and the
# adopted Pi boots in the lab from what adopt wrote: the exported dnsmasq (proxy DHCP, TFTP) and
# tgt config in their daemons, iscsi-check passes, and a virtual Pi 4 reaches stage 8.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lab.sh"
. "$(dirname "$0")/adopt-pi.sh"
need ssh ssh-keygen dnsmasq tgt-admin unshare chroot mkfs.vfat mcopy debugfs
[[ -x /usr/sbin/sshd ]] || skip "openssh-server not installed"
t0=$SECONDS

ap_build_root "$T/pi"
ap_setup_pi "$T/pi" 5b154510 dc:a6:32:2e:f8:ed "$PNB_TOP/tests/data/pi/bootconf-factory-4.txt"
t_root=$((SECONDS - t0))

ap_lab
lab_tgtd "$SRV"

mkdir -p "$T/tftp" "$T/iscsi"
cat >"$T/site.conf" <<EOF
[server]
interface = eth0
address = 10.77.0.1/24
dhcp = proxy
tftp_root = $T/tftp
root = iscsi
iscsi_target = tgt
iqn_base = iqn.2026-11.lan.example
initramfs = initramfs-tools

[pi "kitchen"]
model = 4B
serial = 5b154510
mac = dc:a6:32:2e:f8:ed
tftp_prefix = mac
backing = $T/iscsi/kitchen.img
size = 512M
chap = yes
EOF
# the server side as a user sets it up: export, the backing file, tgt and dnsmasq
expect_exit 0 "$PINETBOOT" export "$T/site.conf" -o "$T/exp"
truncate -s 512M "$T/iscsi/kitchen.img"
lab_tgt_exported
lab_dnsmasq srv "$SRV" "$T/exp/dnsmasq.d/pinetboot.conf"

# --dry-run: every step and remote command shown, nothing changed
ap_state >"$T/pi.before"
expect_exit 0 adopt --dry-run
[[ -z "${PNB_SHOW:-}" ]] || cat "$T/out"
for s in readiness "network client" "root filesystem" "boot files" check "boot order"; do
  expect_grep "] $s: " "$T/out"
done
expect_grep "apt-get install -y open-iscsi" "$T/out"
expect_grep "mkinitramfs -o /run/pinetboot-out/initrd.img" "$T/out"
expect_grep "tar --one-file-system --numeric-owner --xattrs" "$T/out"
expect_grep "rpi-eeprom-config --apply" "$T/out"
expect_grep "would make the copy keep eth0 (the Pi's own files stay): NetworkManager: eth0 unmanaged" "$T/out"
[[ ! -e "$T/site.conf.adopt" && -z "$(ls -A "$T/tftp")" ]] || fail "--dry-run changed something"
ap_state | cmp -s - "$T/pi.before" || fail "--dry-run changed the Pi"
expect_grep "room: the backing's file system ($T/iscsi/kitchen.img) has .* free, the copy needs" "$T/out"
# a backing whose file system has no room for the Pi's root is refused before the copy, both
# numbers named (here a 32 MiB tmpfs of this command's own mount namespace)
mkdir "$T/small"
sed "s|^backing = .*|backing = $T/small/kitchen.img|" "$T/site.conf" >"$T/small.conf"
expect_exit 2 ip netns exec "$SRV" unshare -m --propagation private sh -c \
  'mount -t tmpfs -o size=32m pnb-small "$0" && exec "$@"' "$T/small" "$PINETBOOT" adopt \
  --ssh root@10.77.0.60 --ssh-config "$T/ssh_config" --site "$T/small.conf" --pi kitchen --dry-run
expect_grep "the backing's file system ($T/small/kitchen.img) has 32 MiB free; the copy needs .* (the Pi's root uses" "$T/out"

# interrupted at each step in turn (SIGKILL: no cleanup of its own), then run again
for k in readiness client root-stream root-copied boot order; do
  s0=$SECONDS; PNB_TEST_ADOPT_KILL=$k adopt --yes --no-simulate >"$T/kill.$k" 2>&1
  rc=$?
  echo "TIME kill at $k: $((SECONDS - s0)) s"; [[ $rc -eq 137 ]] || { cat "$T/kill.$k"; fail "adopt was not killed at $k (exit $rc)"; }
  # the Pi restarts while its root is being copied: its /run (RAM) is empty again
  [[ $k != root-stream ]] || ip netns exec "$SRV" ssh -F "$T/ssh_config" root@10.77.0.60 \
    "rm -rf /run/pinetboot-adopt" || fail "emptying the Pi's /run"
done
grep -q "the overlay of step 2 is gone from the Pi (it restarted?): step 2 again" "$T/kill.root-copied" ||
  { cat "$T/kill.root-copied"; fail "step 3 after a restart of the Pi did not redo step 2"; }
grep -q "skipped, done by an earlier run" "$T/kill.order" || { cat "$T/kill.order"; fail "no step resumed"; }
# up to the boot order (the last kill) the Pi's card is as it was: open-iscsi, the iSCSI marker
# and the initramfs went into an overlay in the Pi's RAM, and from there into the copy
ap_state | diff "$T/pi.before" - >"$T/pi.diff" || { head -20 "$T/pi.diff"; fail "the adoption changed the Pi's card before its new root was checked"; }
! grep -q "^Package: open-iscsi$" "$T/pi/var/lib/dpkg/status" || fail "open-iscsi installed on the Pi's card"
expect_exit 0 adopt --yes
[[ -z "${PNB_SHOW:-}" ]] || cat "$T/out"
cp "$T/out" "$T/adopt1.out"
cat "$T"/kill.* >"$T/all.out"
expect_grep "the initramfs carries iscsistart" "$T/all.out"
expect_grep "the new boot order takes effect at the next reboot" "$T/out"
expect_grep 'a virtual Raspberry Pi 4 Model B reached stage 8 "root in use"' "$T/out"
# the copy was compared with the Pi, file by file
expect_grep "the copy matches the Pi: [0-9]* files ([0-9]* MiB, SHA-256), [0-9]* directories" "$T/all.out"
expect_grep "adopted: reboot the Pi" "$T/out"
# the Pi: its SD card's boot files unchanged, the new boot order applied through rpi-eeprom-config
grep -q "root=PARTUUID=5eed1234-02" "$T/pi/boot/firmware/cmdline.txt" || fail "the SD card's cmdline.txt changed"
grep -q "^BOOT_ORDER=0xf412$" "$T/pi/usr/share/pnb-pi/bootloader_config" || fail "boot order not applied: $(cat "$T/pi/usr/share/pnb-pi/bootloader_config")"
grep -q "^TFTP_PREFIX=2$" "$T/pi/usr/share/pnb-pi/bootloader_config" || fail "TFTP_PREFIX not applied"

d="$T/tftp/dc-a6-32-2e-f8-ed"
uuid=$(sed -n 's/^uuid=//p' "$T/site.conf.adopt/kitchen/state")
[[ -n "$uuid" ]] || fail "no UUID in the state file"
grep -q "root=UUID=$uuid " "$d/cmdline.txt" || fail "cmdline.txt: $(cat "$d/cmdline.txt")"
grep -q "^console=serial0,115200 console=tty1 " "$d/cmdline.txt" || fail "console= of the Pi's cmdline.txt not kept"
cmp "$d/start4.elf" "$T/pi/boot/firmware/start4.elf" || fail "start4.elf not copied"
cmp -s "$d/initramfs8" "$T/pi/boot/firmware/initramfs8" && fail "initramfs8 is the SD card's, not the one with iSCSI"
snap() { (cd "$d" && ls; cat cmdline.txt config.txt) >"$1"
         ip netns exec "$RTR" "$PINETBOOT" iscsi-check --timeout 10 --site "$T/site.conf" --pi kitchen >>"$1" 2>&1 ||
           { cat "$1"; fail "iscsi-check of the adopted root"; }; }
snap "$T/result1"
# the new root has the package, the marker, and its network manager keeps off eth0
off=$(sed -n 's/^root_off=//p' "$T/site.conf.adopt/kitchen/state")
nr() { debugfs -R "cat $1" "$T/iscsi/kitchen.img?offset=$off" 2>/dev/null; }
nr /var/lib/dpkg/status | grep -A1 "^Package: open-iscsi$" | grep -q "^Status: install ok installed" ||
  fail "open-iscsi is not installed in the new root"
debugfs -R "stat /etc/iscsi/iscsi.initramfs" "$T/iscsi/kitchen.img?offset=$off" 2>/dev/null | grep -q "Type: regular" ||
  fail "no /etc/iscsi/iscsi.initramfs in the new root"
nr /etc/NetworkManager/conf.d/90-pinetboot-netroot.conf | grep -q "unmanaged-devices=interface-name:eth0" ||
  fail "NetworkManager of the new root manages eth0"
expect_grep "would find its root" "$T/result1"
expect_grep "/etc/fstab UUID=$uuid / is partition 2" "$T/result1"

# a second adoption from scratch (--restart) gives the same files
expect_exit 0 adopt --yes --restart
snap "$T/result2"
diff "$T/result1" "$T/result2" || fail "--restart gave other files"

# the adopted Pi boots: a virtual Pi 4 from its TFTP directory and iSCSI root, to stage 8
expect_exit 0 ip netns exec "$PI" "$PINETBOOT" simulate --site "$T/site.conf" --pi kitchen -i eth0 --timeout 60
[[ -z "${PNB_SHOW:-}" ]] || cat "$T/out"
expect_grep 'reached stage 8 "root in use"' "$T/out"
echo "TIME root $t_root s, all $((SECONDS - t0)) s"
exit 0
