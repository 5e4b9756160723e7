#!/usr/bin/env bash
# The Monitor step's sources (a): where the site's interface cannot be captured, a log file added
# from the sources list feeds the fleet table — the Pi's verdict, its evidence as FILE:LINE, the
# line that says what feeds the table — at 80x24 and after a resize to 120x40. A path that cannot
# be read (missing, a directory, a FIFO, stdin) is said and changes nothing; --log preloads a log;
# another capture is chosen from the list (a typed interface, an ssh:// address judged by monitor
# -i's parser); "no capture" reads the logs only; a replay starts again with a log added; a
# journal unit is offered where journalctl is.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-tmux.sh"
cp "$PNB_TOP/tests/data/logs/tbt11-short-iso/journal.txt" "$T/dnsmasq-journal.txt"
nope="pnbx$$" # an interface that does not exist: the capture cannot start
printf '[server]\ninterface = %s\naddress = 192.168.20.1/24\n' "$nope" >"$T/site.conf"
row='b8:27:eb:81:0b:bc + + + X . . . .  FAILED at 4 TFTP firmware'
sources='sources: no capture, dnsmasq-journal.txt (13 lines, 0 not understood)'

tmux_start 80x24 "$PINETBOOT" wizard site.conf
tmux_wait "1 Site"
tmux_keys 8
tmux_wait "Enter retries; a: other sources"
tmux_wait "a sources"                       # the key is in the help bar
tmux_keys a
tmux_wait "Monitor sources"
tmux_wait "1  Capture on the site's interface ($nope)  (now)"
tmux_wait "4  Add a log file..."
tmux_keys Escape                            # Esc cancels: nothing changed
tmux_wait_gone "Monitor sources"
# a path that cannot be read: said (in full with m), nothing added
tmux_keys a 4
tmux_wait "Add a log file"
tmux_type "missing.log"
tmux_keys Enter
tmux_wait "cannot read the log missing.log"
tmux_keys m
tmux_wait "missing.log: No such file or directory"
tmux_keys Escape
tmux_wait "Enter retries; a: other sources"
# a FIFO (opening it would wait for a writer, and the screen with it) and a directory
mkfifo "$T/pipe"
tmux_keys a 4
tmux_wait "Add a log file"
tmux_type "pipe"
tmux_keys Enter
tmux_wait "pipe cannot be a log here (a FIFO waits for a writer"
tmux_keys a 4
tmux_wait "Add a log file"
tmux_type "."
tmux_keys Enter
tmux_wait "cannot read the log .: is a directory"
tmux_wait "Enter retries; a: other sources"
# the fixture: its Pi and verdict, evidence FILE:LINE, the sources line
tmux_keys a 4
tmux_wait "Add a log file"
tmux_type "dnsmasq-journal.txt"
tmux_keys Enter
tmux_wait "$sources"
tmux_wait "$row"
tmux_wait "evidence: RRQ bootcode.bin, ERROR 1 File not found dnsmasq-journal.txt:12"
tmux_wait "8 Monitor!"
[[ $(tmux_screen | wc -l) -eq 24 ]] || fail "expected 24 lines"
tmux_resize 120x40
tmux_wait "Boot stages"
tmux_wait "[X] 4 TFTP firmware     dnsmasq-journal.txt:11"
tmux_wait "$sources"
tmux_wait "verdict: failed at stage 4 (TFTP firmware)"
tmux_keys Enter
tmux_wait "Diagnosis of"
tmux_wait "> 11:25:41.000000 dnsmasq-journal.txt:12 TFTP transfer \"bootcode.bin\""
tmux_keys Escape
tmux_resize 80x24
tmux_wait_gone "Boot stages"
tmux_wait "$row"
# another capture: a typed interface that cannot be captured either (the log stays), then an
# ssh:// address the parser refuses before anything runs
tmux_keys a 2
tmux_wait "Capture on"
tmux_wait "wlan0"
tmux_keys t
tmux_wait "tcpdump runs there"
tmux_type "pnby$$"
tmux_keys Enter
tmux_wait "the logs only - finished (pnby$$: "
tmux_wait "$row"
tmux_keys a 2 t
tmux_wait "tcpdump runs there"
tmux_type 'ssh://root@h/eth0;id'
tmux_keys Enter
tmux_keys m
tmux_wait "ssh://root@h/eth0;id: expected ssh://USER@HOST"
tmux_keys Escape
tmux_keys a
tmux_wait "2  Capture elsewhere: pnby$$  (now)"
tmux_keys 3
tmux_wait "no capture: the logs only - finished"
tmux_wait "$row"
tmux_keys q
[[ $(tmux_wait_exit) == 0 ]] || fail "wizard exit status $(cat "$T/wizard.rc")"
tm kill-server

# --log preloads it: the wizard opens on the Monitor step, the capture's failure is said
rm -f "$T/wizard.rc"
tmux_start 80x24 "$PINETBOOT" wizard site.conf --log dnsmasq-journal.txt
tmux_wait "$row"
tmux_wait "the logs only - finished ($nope: "
tmux_keys q
[[ $(tmux_wait_exit) == 0 ]] || fail "wizard exit status $(cat "$T/wizard.rc")"
tm kill-server

# a replay with a log added: the replay starts again with it, both Pis in the table; stdin (the
# terminal the wizard reads its keys on) is refused as a log
cp "$PNB_TOP/tests/monitor/pcaps/pi4-boot.pcap" "$T/pi4.pcap"
rm -f "$T/wizard.rc"
tmux_start 80x24 "$PINETBOOT" wizard site.conf --replay pi4.pcap --replay-speed 0 --log -
tmux_wait "replay pi4.pcap as fast as possible - 75 packets - finished"
tmux_keys m
tmux_wait "- cannot be a log here (the wizard reads its keys"
tmux_keys Escape
tmux_keys a
tmux_wait "2  Replay pi4.pcap  (now)"
tmux_keys 5
tmux_wait "Add a log file"
tmux_type "dnsmasq-journal.txt"
tmux_keys Enter
tmux_wait "Pi 1/2: 2 failed"
tmux_wait "sources: pi4.pcap, dnsmasq-journal.txt (13 lines, 0 not understood)"
tmux_wait "replay pi4.pcap as fast as possible - 75 packets - finished"
tmux_keys q
[[ $(tmux_wait_exit) == 0 ]] || fail "wizard exit status $(cat "$T/wizard.rc")"
tm kill-server

# a journal unit here: offered where journalctl is (a stand-in on PATH gives the lines), not
# where it is not
mkdir "$T/bin" "$T/nobin"
printf '#!/bin/sh\nprintf "%%s\\n" "$*" >%s/got\nexec /bin/cat %s/dnsmasq-journal.txt\n' "$T" "$T" \
  >"$T/bin/journalctl"
chmod 755 "$T/bin/journalctl"
rm -f "$T/wizard.rc"
tmux_start 80x24 env PATH="$T/bin" "$PINETBOOT" wizard site.conf
tmux_keys 8
tmux_wait "Enter retries; a: other sources"
tmux_keys a
tmux_wait "5  Add a journal unit here (journalctl -u UNIT)..."
tmux_keys 5
tmux_wait "Add a journal unit"
tmux_keys Enter                             # the prompt offers dnsmasq
tmux_wait "sources: no capture, journal:dnsmasq (13 lines, 0 not understood)"
tmux_wait "$row"
[[ $(cat "$T/got") == "--no-pager -n 2000 -f -o short-iso -u dnsmasq" ]] || fail "journalctl got: $(cat "$T/got")"
tmux_keys q
[[ $(tmux_wait_exit) == 0 ]] || fail "wizard exit status $(cat "$T/wizard.rc")"
tm kill-server
rm -f "$T/wizard.rc"
tmux_start 80x24 env PATH="$T/nobin" "$PINETBOOT" wizard site.conf
tmux_keys 8
tmux_wait "Enter retries; a: other sources"
tmux_keys a
tmux_wait "5  Add the boot server's journal"
tmux_expect_no "journal unit here"
tmux_keys Escape q
[[ $(tmux_wait_exit) == 0 ]] || fail "wizard exit status $(cat "$T/wizard.rc")"
exit 0
