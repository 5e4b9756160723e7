#!/usr/bin/env bash
# The wizard's messages cite the profile's own line numbers, as `pinetboot lint` does, however
# many comment lines come before [server] (the wizard validates text it generates; the lines in
# its messages are mapped back to the file's). Also after a save that moved the lines.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-tmux.sh"
cat >"$T/dup.conf" <<'CONF'
# a comment
# another comment, so the generated text and the file differ by two lines
[server]
interface = eth0
address = 192.168.20.1/24

[pi "kitchen"]
model = 4B
mac = dc:a6:32:1c:6a:2a
tftp_prefix = mac

# a comment
[pi "shed"]
model = 4B
mac = dc:a6:32:1c:6a:2a
tftp_prefix = mac
CONF
expect_exit 1 "$PINETBOOT" lint "$T/dup.conf"
expect_grep 'also used by \[pi "kitchen"\] (line 9)' "$T/out"
for size in 80x24 120x40; do
  tmux_start "$size" "$PINETBOOT" wizard dup.conf
  tmux_wait "1 Site"
  tmux_keys 2
  tmux_wait "shed"
  tmux_keys End Enter
  tmux_wait "Esc: back to the list"
  tmux_keys Down Down Down     # Name, model, serial, mac
  tmux_wait 'also used by [pi "kitchen"] (line 9)'
  tmux_expect_no "(line 7)"
  tmux_resize 100x30
  tmux_wait 'also used by [pi "kitchen"] (line 9)'
  tmux_keys q
  tmux_wait_exit >/dev/null
done
exit 0
