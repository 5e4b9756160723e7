#!/usr/bin/env bash
# monitor -i ssh://USER@HOST[:PORT]/IFACE against a real sshd in a namespace of this test: ssh
# runs the real tcpdump there, on one end of a veth whose other end (a second namespace of the
# test) replays a Pi 4 boot; the pcap stream over ssh must give that Pi's stages, as -i does.
# Also: ssh or tcpdump failing on the far side is exit 2 with its complaint, a hostile spec is
# refused before anything runs.
. "$(dirname "$0")/../lib.sh"
ssh_live_pair ms

mkdir "$T/save"

spec="ssh://root@127.0.0.1:2222/$a"
live_monitor_replay "$spec" env PINETBOOT_SSH="$T/ssh" "$PINETBOOT" monitor -i "$spec" --duration 6 \
  -w "$T/save/remote.pcap"
expect_grep 'DHCP Discover xid 0xabcd0001' "$T/out"
expect_grep 'TFTP transfer "5a000101/kernel8.img" to 192.168.20.101 complete' "$T/out"
expect_grep '^dc:a6:32:10:00:01 4B    5a000101 + + + + X .*\[initramfs-missing\]' "$T/out"
"$PINETBOOT" monitor -q -r "$T/save/remote.pcap" >"$T/re" 2>&1
expect_grep '^dc:a6:32:10:00:01 4B    5a000101 + + + + X .*\[initramfs-missing\]' "$T/re"

# the far side fails: tcpdump (no such interface), ssh (nobody listening); exit 2, its line
expect_exit 2 ip netns exec "$nsm" env PINETBOOT_SSH="$T/ssh" "$PINETBOOT" monitor -i \
  ssh://root@127.0.0.1:2222/nosuch0 -q --duration 5
expect_grep 'ssh exit [0-9]*).*nosuch0' "$T/err"
expect_exit 2 ip netns exec "$nsm" env PINETBOOT_SSH="$T/ssh" "$PINETBOOT" monitor -i \
  ssh://root@127.0.0.1:2223/eth0 -q --duration 5
expect_grep 'ssh exit 255).*127.0.0.1' "$T/err"

# run as root through sudo: ssh runs as the sudo user (its HOME, so its own keys and
# known_hosts), pinetboot drops root to that user once the stream is open (as -i IF does), and
# ssh ends with pinetboot even when pinetboot is killed (it could not be signalled otherwise).
nb_uid=$(id -u nobody) nb_gid=$(id -g nobody) nb_home=$(getent passwd nobody | cut -d: -f6)
[[ -n "$nb_uid" && -n "$nb_home" ]] || fail "no user nobody"
chmod o+x "$T"
mkdir -m 755 "$T/pub" && mkdir -m 777 "$T/pub/w"
cat >"$T/pub/fake-ssh" <<'SH'
#!/bin/sh
d=$(dirname "$0")/w
echo $$ >"$d/pid"
echo "$(id -u) $(id -g) $HOME" >"$d/who"
printf '\324\303\262\241\002\000\004\000\000\000\000\000\000\000\000\000\377\377\000\000\001\000\000\000'
exec sleep 60
SH
chmod 755 "$T/pub/fake-ssh"
SUDO_UID=$nb_uid SUDO_GID=$nb_gid PINETBOOT_SSH="$T/pub/fake-ssh" "$PINETBOOT" monitor \
  -i ssh://root@127.0.0.1:2222/eth0 -q >"$T/sudo.out" 2>&1 &
mon=$!
on_exit "kill -9 $mon 2>/dev/null"
for ((i = 0; i < 600; i++)); do
  [[ $(awk '/^Uid:/ {print $2}' /proc/$mon/status 2>/dev/null) == "$nb_uid" ]] && break
  kill -0 $mon 2>/dev/null || { cat "$T/sudo.out"; fail "monitor ended"; }
  sleep 0.05
done
[[ $(awk '/^Uid:/ {print $2 $3 $4 $5}' /proc/$mon/status) == "$nb_uid$nb_uid$nb_uid$nb_uid" ]] ||
  fail "pinetboot kept root: $(grep ^Uid: /proc/$mon/status)"
[[ "$(cat "$T/pub/w/who")" == "$nb_uid $nb_gid $nb_home" ]] ||
  fail "ssh ran as [$(cat "$T/pub/w/who")], not the sudo user [$nb_uid $nb_gid $nb_home]"
sshpid=$(cat "$T/pub/w/pid")
kill -0 "$sshpid" || fail "ssh ended early"
kill -9 $mon
wait $mon 2>/dev/null
for ((i = 0; i < 600; i++)); do kill -0 "$sshpid" 2>/dev/null || break; sleep 0.05; done
! kill -0 "$sshpid" 2>/dev/null || { kill "$sshpid"; fail "ssh outlived pinetboot"; }

# what reaches the remote shell is checked here: no option, no shell words
for bad in 'ssh://root@h/eth0;id' 'ssh://-oProxyCommand=id@h/eth0' 'ssh://root@h:99999/eth0' \
           'ssh://root@h/-x' 'ssh://root@h/eth0 x' 'ssh://root@h/waytoolonginterface0'; do
  expect_exit 2 "$PINETBOOT" monitor -i "$bad" -q
  expect_grep 'expected ssh://USER@HOST' "$T/err"
done
exit 0
