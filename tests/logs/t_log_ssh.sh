#!/usr/bin/env bash
# monitor --log ssh://USER@HOST[:PORT]/journal/UNIT against a real sshd in a namespace of this
# test: the operator's namespace reaches the boot server's over a bridge, ssh runs the journal
# command there (sshd's ForceCommand stands in for journalctl and checks the command it got)
# and its lines are diagnosed as a local log would be. Also: a hostile spec is refused.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lab/lab.sh"
need_root
need ssh ssh-keygen ip
[[ -x /usr/sbin/sshd ]] || skip "sshd not installed"
lab_ns SW sw; lab_bridge "$SW"
lab_ns SRV srv; lab_plug "$SW" "$SRV" eth0 10.88.0.1/24
lab_ns OP op; lab_plug "$SW" "$OP" eth0 10.88.0.2/24

cp "$PNB_TOP/tests/data/logs/tbt11-short-iso/journal.txt" "$T/journal.txt"
cat >"$T/fake-journal.sh" <<SH
#!/bin/sh
printf '%s\n' "\$SSH_ORIGINAL_COMMAND" >"$T/got"
exec cat "$T/journal.txt"
SH
chmod 755 "$T/fake-journal.sh"
ssh_server "$SRV" 10.88.0.1 2222 "ForceCommand $T/fake-journal.sh"

spec=ssh://root@10.88.0.1:2222/journal/dnsmasq
expect_exit 1 ip netns exec "$OP" env PINETBOOT_SSH="$T/ssh" "$PINETBOOT" monitor --log "$spec" --json -q
[[ $(cat "$T/got") == "journalctl --no-pager -n 2000 -f -o short-iso -u dnsmasq" ]] ||
  fail "the remote side ran: $(cat "$T/got")"
tail -n 1 "$T/out" >"$T/sum"
expect_grep '"mac":"b8:27:eb:81:0b:bc".*"failed":4,.*\[bootcode-missing\]' "$T/sum"
expect_grep "\"refs\":\[\"$spec:[0-9]*\"" "$T/sum"

# ssh failing is said, with what to set up (batch mode never asks): nobody listening, and a host
# key not known yet; exit 2
expect_exit 2 ip netns exec "$OP" env PINETBOOT_SSH="$T/ssh" "$PINETBOOT" monitor -q \
  --log ssh://root@10.88.0.1:2223/journal/dnsmasq
expect_grep 'journal/dnsmasq: the remote journal failed (ssh exit 255): .*10.88.0.1.*host key' "$T/err"
printf '#!/bin/sh\nexec ssh -F %s -o StrictHostKeyChecking=yes -o UserKnownHostsFile=%s "$@"\n' \
  "$T/ssh_config" "$T/known_hosts" >"$T/ssh-strict"
chmod 755 "$T/ssh-strict"
expect_exit 2 ip netns exec "$OP" env PINETBOOT_SSH="$T/ssh-strict" "$PINETBOOT" monitor -q --log "$spec"
expect_grep 'host key is known.*accept the server.s host key first' "$T/err"
# a local unit's journal: its name is checked the same way
expect_exit 2 "$PINETBOOT" monitor --log 'journal:-x' -q
expect_grep 'expected journal:UNIT' "$T/err"

# what reaches the remote shell is checked here: no option, no shell words
for bad in 'ssh://root@10.88.0.1/journal/dnsmasq;id' 'ssh://-oProxyCommand=id@h/journal/x' \
           'ssh://root@h:99999/journal/x' 'ssh://root@h/file/etc/passwd' 'ssh://root@h/journal/-x'; do
  expect_exit 2 "$PINETBOOT" monitor --log "$bad" -q
  expect_grep 'expected ssh://USER@HOST' "$T/err"
done
exit 0
