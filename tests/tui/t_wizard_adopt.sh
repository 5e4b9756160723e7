#!/usr/bin/env bash
# The wizard's Readiness step adopts a Pi that was read over ssh (pis/NAME/ssh, written by
# `check --ssh --save`): A runs `pinetboot adopt` on a thread and shows a bar per step. The Pi
# is the Debian root behind a real sshd of tests/lab/adopt-pi.sh (in a namespace of its own,
# loopback only); the root is NFS, so every step finishes here. The EEPROM boots from the SD
# card only: after the check, the boot order step asks in a box over the screen (y/N): n
# leaves the Pi's boot order as it was and the adoption stops; A again resumes and asks again,
# and y applies it.
# The watchdog of lib-tmux.sh (360 s) guards the wizard only: it is sourced once the Pi's root (a
# debootstrap when its cache is cold) and sshd are up, and every wait below polls the screen.
. "$(dirname "$0")/../lib.sh"
. "$PNB_TOP/tests/lab/adopt-pi.sh"
need_root
need ssh ssh-keygen unshare chroot tmux
[[ -x /usr/sbin/sshd ]] || skip "openssh-server not installed"
ns=pnb-wad-$$
netns_add "$ns" 2>/dev/null || skip "cannot create network namespaces here"
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

. "$(dirname "$0")/lib-tmux.sh"
# adopt_wait TEXT — waits for TEXT while the adoption moves on: each poll that finds the screen
# changed (a bar, a step, a line) restarts the patience of 90 s; a loaded machine makes the
# steps slow, not silent. The watchdog bounds the whole.
adopt_wait() {
  local text=$1 last="" screen last_change=$SECONDS
  while :; do
    screen=$(tmux_screen)
    grep -qF -- "$text" <<<"$screen" && return 0
    [[ $screen != "$last" ]] && { last=$screen; last_change=$SECONDS; }
    ((SECONDS - last_change < 90)) || break
    sleep 0.2
  done
  echo "--- screen (no change for 90s, waiting for '$text'):"
  tmux_dump
  [[ -s $T/wizard.err ]] && { echo "--- stderr:"; cat "$T/wizard.err"; }
  fail "timed out waiting for '$text'"
}

tmux_start 100x30 ip netns exec "$ns" env PATH="$T/bin:$PATH" "$PINETBOOT" wizard site.conf -o out
tmux_wait "6 Readiness" 60
tmux_keys Tab Tab Tab Tab Tab
tmux_wait "Adopt (A): over ssh to root@127.0.0.1" 30
tmux_keys A
tmux_wait "adopting kitchen over ssh to root@127.0.0.1" 30
adopt_wait "Change the boot order now? y/N"
tmux_wait "BOOT_ORDER=0xf412" 10
tmux_keys n
adopt_wait "adopt kitchen: stopped"
! grep -q "^BOOT_ORDER=" "$T/pi/usr/share/pnb-pi/bootloader_config" || fail "n changed the boot order"
tmux_keys A
adopt_wait "Change the boot order now? y/N"
tmux_keys y
adopt_wait "adopt kitchen: done; reboot the Pi"
for s in "1 readiness       [####################] done" \
         "3 root filesystem [####################] skipped" \
         "6 boot order      [####################] done"; do
  tmux_wait "$s" 10
done
grep -q "^BOOT_ORDER=0xf412$" "$T/pi/usr/share/pnb-pi/bootloader_config" || fail "y did not change the boot order"
[[ -s "$T/nfs/kitchen/etc/fstab" && -s "$T/tftp/dc-a6-32-2e-f8-ed/cmdline.txt" ]] || fail "adopt wrote no root"
tmux_keys q
exit 0
