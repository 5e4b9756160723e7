#!/usr/bin/env bash
# The wizard's Readiness step adopts a Pi that was read over ssh (pis/NAME/ssh, written by
# `check --ssh --save`): A runs `pinetboot adopt` on a thread and shows a bar per step. The Pi
# is the Debian root behind a real sshd of tests/lab/adopt-pi.sh (in a namespace of its own,
# loopback only); the root is NFS, so every step finishes here. The EEPROM boots from the SD
# card only: after the check, the boot order step asks in a box over the screen (y/N): n
# leaves the Pi's boot order as it was and the adoption stops; A again resumes and asks again,
# and y applies it.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-tmux.sh"
. "$PNB_TOP/tests/lab/adopt-pi.sh"
need_root
need ssh ssh-keygen unshare chroot
[[ -x /usr/sbin/sshd ]] || skip "openssh-server not installed"
ns=pnb-wad-$$
ip netns add "$ns" 2>/dev/null || skip "cannot create network namespaces here"
on_exit "ip netns del $ns"
ip -n "$ns" link set lo up

ap_build_root "$T/pi"
ap_setup_pi "$T/pi" 5b154510 dc:a6:32:2e:f8:ed "$PNB_TOP/tests/data/pi/bootconf-factory-4.txt"
ap_sshd "$ns" 127.0.0.1 "$T/pi"
# the wizard runs ssh from PATH: this one carries the test's client config (keys, known hosts)
mkdir -p "$T/bin"
printf '#!/bin/sh\nexec /usr/bin/ssh -F %s "$@"\n' "$T/ssh_config" >"$T/bin/ssh"
chmod +x "$T/bin/ssh"
ap_site_nfs 192.168.20.1
# (exit 1: not ready, its boot order never tries the network)
expect_exit 1 ip netns exec "$ns" env PATH="$T/bin:$PATH" "$PINETBOOT" check --ssh root@127.0.0.1 \
  --site "$T/site.conf" --pi kitchen --save
[[ $(cat "$T/pis/kitchen/ssh") == root@127.0.0.1 ]] || fail "check --save kept no ssh destination"

tmux_start 100x30 ip netns exec "$ns" env PATH="$T/bin:$PATH" "$PINETBOOT" wizard site.conf -o out
tmux_wait "6 Readiness"
tmux_keys Tab Tab Tab Tab Tab
tmux_wait "Adopt (A): over ssh to root@127.0.0.1"
tmux_keys A
tmux_wait "adopting kitchen over ssh to root@127.0.0.1"
tmux_wait "Change the boot order now? y/N" 120
tmux_wait "BOOT_ORDER=0xf412" 3
tmux_keys n
tmux_wait "adopt kitchen: stopped" 10
! grep -q "^BOOT_ORDER=" "$T/pi/usr/share/pnb-pi/bootloader_config" || fail "n changed the boot order"
tmux_keys A
tmux_wait "Change the boot order now? y/N" 60
tmux_keys y
tmux_wait "adopt kitchen: done; reboot the Pi" 30
for s in "1 readiness       [####################] done" \
         "3 root filesystem [####################] skipped" \
         "6 boot order      [####################] done"; do
  tmux_wait "$s" 3
done
grep -q "^BOOT_ORDER=0xf412$" "$T/pi/usr/share/pnb-pi/bootloader_config" || fail "y did not change the boot order"
[[ -s "$T/nfs/kitchen/etc/fstab" && -s "$T/tftp/dc-a6-32-2e-f8-ed/cmdline.txt" ]] || fail "adopt wrote no root"
tmux_keys q
exit 0
