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

# what reaches the remote shell is checked here: no option, no shell words
for bad in 'ssh://root@h/eth0;id' 'ssh://-oProxyCommand=id@h/eth0' 'ssh://root@h:99999/eth0' \
           'ssh://root@h/-x' 'ssh://root@h/eth0 x' 'ssh://root@h/waytoolonginterface0'; do
  expect_exit 2 "$PINETBOOT" monitor -i "$bad" -q
  expect_grep 'expected ssh://USER@HOST' "$T/err"
done
exit 0
