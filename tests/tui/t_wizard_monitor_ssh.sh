#!/usr/bin/env bash
# The Monitor step's ssh:// sources against a real sshd in a namespace of this test: the capture
# chosen as ssh://root@127.0.0.1:2222/IFACE (the real tcpdump there, on one end of a veth whose
# other end replays a Pi 4 boot) fills the fleet table, and the boot server's journal added as
# ssh://…/journal/dnsmasq (sshd's ForceCommand stands in for journalctl) adds its Pi beside it.
# ssh refused (nothing on the port) is said, with what to set up since ssh never asks here, for a
# journal and for the capture; the screen goes on (the logs only). While ssh connects, the screen
# answers keys.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-tmux.sh"
cp "$PNB_TOP/tests/data/logs/tbt11-short-iso/journal.txt" "$T/journal.txt"
cat >"$T/fake-journal.sh" <<SH
#!/bin/sh
case "\$SSH_ORIGINAL_COMMAND" in
journalctl*) printf '%s\n' "\$SSH_ORIGINAL_COMMAND" >"$T/got"; exec cat "$T/journal.txt" ;;
*) exec /bin/sh -c "\$SSH_ORIGINAL_COMMAND" ;;
esac
SH
chmod 755 "$T/fake-journal.sh"
ssh_live_pair ws "ForceCommand $T/fake-journal.sh"
printf '[server]\ninterface = pnbx%s\naddress = 192.168.20.1/24\n' "$$" >"$T/site.conf"
jd=6 # the sources list offers a local journal unit only where journalctl is installed
command -v journalctl >/dev/null || jd=5
cap="ssh://root@127.0.0.1:2222/$a"
# wait_words TEXT — the box on the screen holds TEXT once its wrapped lines are joined.
wait_words() {
  local i
  for ((i = 0; i < 600; i++)); do
    tmux_screen | sed -n 's/^[^│]*│\(.*\)│[^│]*$/\1/p' | tr -s ' \n' '  ' | grep -qF -- "$1" &&
      return 0
    sleep 0.05
  done
  tmux_dump
  fail "no '$1' on the screen"
}
journal=ssh://root@127.0.0.1:2222/journal/dnsmasq

# ssh that takes its time while $T/slow exists: the screen must answer keys meanwhile
printf '#!/bin/sh\n[ -e %s/slow ] && sleep 3\nexec %s/ssh "$@"\n' "$T" "$T" >"$T/slowssh"
chmod 755 "$T/slowssh"
touch "$T/slow"
tmux_start 80x24 env PINETBOOT_SSH="$T/slowssh" ip netns exec "$nsm" "$PINETBOOT" wizard site.conf
tmux_wait "1 Site"
tmux_keys 8
tmux_wait "Enter retries; a: other sources"
tmux_keys a 2 t
wait_words "ssh runs in batch mode and never asks here"
tmux_type "$cap"
tmux_keys Enter
tmux_wait "connecting to $cap (ssh in batch mode"
tmux_keys m
tmux_wait "Messages, newest first"
tmux_keys Escape
tmux_wait_gone "Messages, newest first"
tmux_wait "connecting to $cap (ssh in batch mode"
rm "$T/slow"
tmux_wait "live on $cap - 0 packets" 20
live_replay_pi4
tmux_wait "dc:a6:32:10:00:01 + + + + X . . .  FAILED at 5 TFTP kernel" 20
# the boot server's journal beside the capture
tmux_keys a "$jd"
tmux_wait "Add the boot server's journal"
tmux_type "root@127.0.0.1:2222/journal/dnsmasq" # after the ssh:// the prompt starts with
tmux_keys Enter
tmux_wait "b8:27:eb:81:0b:bc + + + X . . . .  FAILED at 4 TFTP firmware" 20
[[ $(cat "$T/got") == "journalctl --no-pager -n 2000 -f -o short-iso -u dnsmasq" ]] ||
  fail "the remote side ran: $(cat "$T/got")"
tmux_resize 120x40
tmux_wait "sources: $cap, $journal (13 lines, 0 not understood)"
tmux_wait "Pi 1/2: 2 failed"
tmux_resize 80x24
# refused: a journal, then the capture; said, and the screen goes on
tmux_keys a "$jd"
tmux_wait "Add the boot server's journal"
tmux_type "root@127.0.0.1:2223/journal/tftpd-hpa"
tmux_keys Enter
tmux_wait "tftpd-hpa: the remote journal failed (ssh" 20
tmux_keys m
wait_words "Connection refused - ssh runs in batch mode and never asks here"
tmux_keys Escape
tmux_keys a 2 t
tmux_wait "tcpdump runs there"
tmux_keys C-u
tmux_type "ssh://root@127.0.0.1:2223/$a"
tmux_keys Enter
tmux_wait "the logs only - finished (ssh://root@127.0.0.1:2223/" 20
tmux_wait "b8:27:eb:81:0b:bc + + + X . . . .  FAILED at 4 TFTP firmware"
tmux_keys m
wait_words "$a: the remote capture failed (ssh exit 255): ssh: connect to host 127.0.0.1 port 2223"
tmux_keys Escape
tmux_keys q
[[ $(tmux_wait_exit) == 0 ]] || fail "wizard exit status $(cat "$T/wizard.rc")"
exit 0
