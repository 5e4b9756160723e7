#!/usr/bin/env bash
# pinetboot adopt to an NFS root, against the same "Pi" as t_adopt.sh (a Debian root behind a
# real sshd, adopt-pi.sh) whose EEPROM already network boots: the root lands in the Pi's NFS
# directory with owners, modes, hard links, symlinks and xattrs as they were, fstab is the
# export's, a directory adopt did not make is refused, and a virtual Pi 4 boots from the copied
# boot files and the NFS root served by nfs-ganesha to stage 8.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lab.sh"
. "$(dirname "$0")/adopt-pi.sh"
need ssh ssh-keygen dnsmasq unshare chroot python3
[[ -x /usr/sbin/sshd ]] || skip "openssh-server not installed"

ap_build_root "$T/pi"
ap_setup_pi "$T/pi" 5b154510 dc:a6:32:2e:f8:ed "$PNB_TOP/tests/data/pi/bootconf-net-mac.txt"
# what a file-level copy must keep
mkdir -p "$T/pi/srv/keep"
echo data >"$T/pi/srv/keep/file"
chown 1234:5678 "$T/pi/srv/keep/file"; chmod 4750 "$T/pi/srv/keep/file"
ln "$T/pi/srv/keep/file" "$T/pi/srv/keep/hard"
ln -s ../keep/file "$T/pi/srv/keep/sym"
python3 -c 'import os,sys; os.setxattr(sys.argv[1], "user.pnb", b"kept")' "$T/pi/srv/keep/file" ||
  skip "no user xattrs on $T"
# ifupdown configures eth0 (as on Debian's Pi images): the copy's must leave it alone, the
# card's stays; and a dhcpcd.conf that is a link out of the root is not written through
mkdir -p "$T/pi/etc/network/interfaces.d"
printf 'auto eth0\niface eth0 inet dhcp\n' >"$T/pi/etc/network/interfaces.d/eth0"
echo outside >"$T/outside"
ln -s "$T/outside" "$T/pi/etc/dhcpcd.conf"
# netplan (Ubuntu's cloud-init file) and systemd-networkd configure eth0 too: the copy keeps its
# address (critical: true, KeepConfiguration=yes), the card's files stay as they are
mkdir -p "$T/pi/etc/netplan" "$T/pi/etc/systemd/network"
printf 'network:\n  version: 2\n  ethernets:\n    eth0:\n      dhcp4: true\n' >"$T/pi/etc/netplan/50-cloud-init.yaml"
printf '[Match]\nName=eth0\n\n[Network]\nDHCP=ipv4\n' >"$T/pi/etc/systemd/network/10-eth0.network"

ap_lab

ap_site_nfs 10.77.0.1
expect_exit 0 "$PINETBOOT" export "$T/site.conf" -o "$T/exp"
# the server runs before the adoption (its check boots a virtual Pi here, on the site's eth0):
# the Pi's NFS directory exists, empty, when the NFS server starts and exports it
mkdir -p "$T/nfs/kitchen"
lab_nfsd "$T/exp/nfs/pinetboot.exports"
lab_dnsmasq srv "$SRV" "$T/exp/dnsmasq.d/pinetboot.conf"

# a profile without [pi "kitchen"]: step 1 adds it from what the Pi says (--dry-run: says so)
sed '/^\[pi "kitchen"\]/,$d' "$T/site.conf" >"$T/bare.conf"
cp "$T/bare.conf" "$T/bare.orig"
bare() { ip netns exec "$SRV" "$PINETBOOT" adopt --ssh root@10.77.0.60 --ssh-config "$T/ssh_config" \
           --site "$T/bare.conf" --pi kitchen "$@"; }
expect_exit 0 bare --dry-run
expect_grep "would make the copy keep eth0 .*netplan: critical: true on eth0; systemd-networkd: KeepConfiguration=yes" "$T/out"
expect_grep 'would add \[pi "kitchen"\] to .*bare.conf: model = 4B, serial = 5b154510, mac = dc:a6:32:2e:f8:ed' "$T/out"
cmp -s "$T/bare.conf" "$T/bare.orig" || fail "--dry-run changed the profile"
PNB_TEST_ADOPT_KILL=readiness bare >"$T/out" 2>&1
grep -A3 '^\[pi "kitchen"\]' "$T/bare.conf" | grep -q '^mac = dc:a6:32:2e:f8:ed' || { cat "$T/bare.conf"; fail "[pi] not added"; }

# a directory that is not empty and not adopt's is left alone
echo mine >"$T/nfs/kitchen/notes"
expect_exit 2 adopt --yes
expect_grep "is not empty and adopt did not make it" "$T/out"
rm "$T/nfs/kitchen/notes"
# a boot file that is a link (a FAT has none; TFTP would serve what it points at) is refused
ln -s /etc/shadow "$T/pi/boot/firmware/overlays.txt"
expect_exit 2 adopt --yes
expect_grep 'refused "./overlays.txt": boot files are plain files' "$T/out"
rm "$T/pi/boot/firmware/overlays.txt"

# as the user pi, whose sudo wants a password: asked once (here from a 0600 file), on stdin
# (setsid: no terminal to ask at)
expect_exit 2 setsid -w ip netns exec "$SRV" "$PINETBOOT" adopt --ssh root@10.77.0.60 \
  --ssh-config "$T/ssh_config_pi" --site "$T/site.conf" --pi kitchen --yes
expect_grep "needs a password for sudo and none was given" "$T/out"
printf 'raspberry\n' >"$T/pw" && chmod 0600 "$T/pw"
AP_SSH_CONFIG=$T/ssh_config_pi
expect_exit 0 adopt --yes --json --sudo-password-file "$T/pw"
[[ -z "${PNB_SHOW:-}" ]] || cat "$T/out"
python3 - "$T/out" <<'PY' || fail "--json progress"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
steps = {e["name"] for e in ev if e["event"] in ("done", "skip")}
assert steps == {"readiness", "client", "root", "boot", "check", "order"}, steps
assert any(e["event"] == "command" and "tar --one-file-system" in e["text"] for e in ev)
assert any(e["event"] == "skip" and e["name"] == "order" for e in ev)  # the EEPROM already tries the network
assert any(e["event"] == "command" and "sudo -S -p '' sh -ec" in e["text"] for e in ev)
assert not any("raspberry" in json.dumps(e) for e in ev)
assert any(e["event"] == "info" and e["text"].startswith("room: the NFS root's file system") for e in ev)
assert any(e["event"] == "info" and e["text"].startswith("the copy matches the Pi: ") for e in ev)
PY
r=$T/nfs/kitchen/srv/keep
[[ $(stat -c '%u:%g %a %h' "$r/file") == "1234:5678 4750 2" ]] || fail "owner/mode/links: $(stat -c '%u:%g %a %h' "$r/file")"
[[ $(stat -c %i "$r/file") == $(stat -c %i "$r/hard") ]] || fail "hard link not kept"
[[ $(readlink "$r/sym") == ../keep/file ]] || fail "symlink not kept"
[[ $(python3 -c 'import os,sys; print(os.getxattr(sys.argv[1], "user.pnb").decode())' "$r/file") == kept ]] ||
  fail "xattr not kept"
cmp "$T/nfs/kitchen/etc/fstab" "$T/exp/tftp/dc-a6-32-2e-f8-ed/fstab" || fail "fstab is not the export's"
grep -q "^iface eth0 inet manual$" "$T/nfs/kitchen/etc/network/interfaces.d/eth0" || fail "ifupdown of the copy configures eth0"
grep -q "^iface eth0 inet dhcp$" "$T/pi/etc/network/interfaces.d/eth0" || fail "the card's ifupdown changed"
grep -q "^      critical: true$" "$T/nfs/kitchen/etc/netplan/90-pinetboot-netroot.yaml" ||
  fail "netplan of the copy does not keep eth0"
grep -q "^KeepConfiguration=yes$" "$T/nfs/kitchen/etc/systemd/network/10-eth0.network.d/90-pinetboot-netroot.conf" ||
  fail "systemd-networkd of the copy does not keep eth0"
[[ ! -e $T/pi/etc/netplan/90-pinetboot-netroot.yaml && ! -e $T/pi/etc/systemd/network/10-eth0.network.d ]] ||
  fail "adopt changed the card's network configuration"
[[ $(cat "$T/outside") == outside ]] || fail "adopt wrote through a link of the Pi's root"
grep -q "root=/dev/nfs nfsroot=10.77.0.1:$T/nfs/kitchen" "$T/tftp/dc-a6-32-2e-f8-ed/cmdline.txt" ||
  fail "cmdline.txt: $(cat "$T/tftp/dc-a6-32-2e-f8-ed/cmdline.txt")"

grep -q 'reached stage 8' "$T/out" || fail "adopt's own virtual Pi did not boot the new root"
# the adopted Pi boots from the NFS root, on the Pi's side of the lab
expect_exit 0 ip netns exec "$PI" "$PINETBOOT" simulate --site "$T/site.conf" --pi kitchen -i eth0 --timeout 60
[[ -z "${PNB_SHOW:-}" ]] || cat "$T/out"
expect_grep 'reached stage 8 "root in use"' "$T/out"
exit 0
