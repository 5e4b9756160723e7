#!/usr/bin/env bash
# pinetboot check --ssh against a real sshd on loopback: its own host key and config, a key made
# here, and fake vcgencmd/cat on the PATH that print recorded outputs of a Pi 4. A second key
# logs in with no vcgencmd on the PATH: the check says so and goes on with what it has.
. "$(dirname "$0")/../lib.sh"
need ssh ssh-keygen
SSHD=/usr/sbin/sshd
[[ -x $SSHD ]] || skip "openssh-server not installed"
need_root
P="$PNB_TOP/tests/data/pi"
S="$PNB_TOP/tests/eeprom/site.conf"

# sshd as root needs its privilege separation directory. Made if missing and left in place:
# other tests' sshds running beside this one need it too (removing it broke their logins).
mkdir -p -m 0755 /run/sshd
# sshd listens in a network namespace of this test (its own loopback), and every check runs
# there: a port on the host's loopback could be taken by anything else on the machine.
ns="pnb-eck-$$"
netns_add "$ns" 2>/dev/null || skip "cannot create network namespaces here"
ip -n "$ns" link set lo up || fail "lo up in $ns"
pnb() { ip netns exec "$ns" "$PINETBOOT" "$@"; }

mkdir -p "$T/bin" "$T/plain" "$T/data"
cp "$P/cpuinfo-4b.txt" "$T/data/cpuinfo"
cp "$P/otp-4b.txt" "$T/data/otp_dump"
cp "$P/blversion-2023.txt" "$T/data/bootloader_version"
cp "$P/bootconf-net-mac.txt" "$T/data/bootloader_config"
echo "dc:a6:32:2e:f8:ed" >"$T/data/mac"
cat >"$T/bin/vcgencmd" <<SH
#!/bin/sh
case "\$1" in
  otp_dump|bootloader_version|bootloader_config) exec /bin/cat "$T/data/\$1" ;;
  *) echo "error=1 error_msg=\"Command not registered\"" ; exit 255 ;;
esac
SH
# The remote side reads /proc/cpuinfo and the eth0 MAC with cat: answer with the Pi's.
for d in bin plain; do
  cat >"$T/$d/cat" <<SH
#!/bin/sh
case "\$1" in
  /proc/cpuinfo) exec /bin/cat "$T/data/cpuinfo" ;;
  /sys/class/net/eth0/address) exec /bin/cat "$T/data/mac" ;;
  *) exec /bin/cat "\$@" ;;
esac
SH
done
chmod +x "$T/bin/vcgencmd" "$T/bin/cat" "$T/plain/cat"

ssh-keygen -q -t ed25519 -N '' -f "$T/hostkey"
ssh-keygen -q -t ed25519 -N '' -f "$T/key"
ssh-keygen -q -t ed25519 -N '' -f "$T/key2"
# Each key gets its own PATH through a forced command (the client's command runs inside it).
{
  printf 'command="PATH=%s:/usr/bin:/bin exec /bin/sh -c \\"$SSH_ORIGINAL_COMMAND\\"" %s\n' "$T/bin" "$(cat "$T/key.pub")"
  printf 'command="PATH=%s:/usr/bin:/bin exec /bin/sh -c \\"$SSH_ORIGINAL_COMMAND\\"" %s\n' "$T/plain" "$(cat "$T/key2.pub")"
} >"$T/authorized_keys"

port=2222
sshd_config "$T/sshd_config" 127.0.0.1 "$port"
ip netns exec "$ns" "$SSHD" -D -e -f "$T/sshd_config" 2>"$T/sshd.log" &
sshd_pid=$!
on_exit "kill $sshd_pid 2>/dev/null; wait $sshd_pid 2>/dev/null"
for _ in $(seq 200); do
  ip netns exec "$ns" ss -ltn "( sport = :$port )" 2>/dev/null | grep -q ":$port" && break
  kill -0 $sshd_pid 2>/dev/null || { cat "$T/sshd.log"; fail "sshd did not start"; }
  sleep 0.1
done
ip netns exec "$ns" ss -ltn "( sport = :$port )" 2>/dev/null | grep -q ":$port" ||
  { cat "$T/sshd.log"; fail "sshd is not listening on 127.0.0.1:$port in $ns"; }

client_config() {
  cat >"$T/ssh_config.$1" <<EOF2
Host *
  Port $port
  IdentityFile $2
  IdentitiesOnly yes
  UserKnownHostsFile $T/known_hosts
  GlobalKnownHostsFile /dev/null
  StrictHostKeyChecking accept-new
  LogLevel ERROR
EOF2
}
client_config pi "$T/key"
client_config novc "$T/key2"
me=$(id -un)

# A Pi 4 set up for network boot, matching the profile.
expect_exit 0 pnb check --ssh "$me@127.0.0.1" --ssh-config "$T/ssh_config.pi" --site "$S" --pi kitchen
expect_grep "Raspberry Pi 4 Model B rev 1.4" "$T/out"
expect_grep "MAC:         dc:a6:32:2e:f8:ed" "$T/out"
expect_grep "bootloader:  2023-01-11 (8ba17717), network boot capable" "$T/out"
expect_grep "READY" "$T/out"
# --save keeps what the Pi said; --facts checks it again offline
cp "$S" "$T/site.conf"
expect_exit 0 pnb check --ssh "$me@127.0.0.1" --ssh-config "$T/ssh_config.pi" --site "$T/site.conf" --pi kitchen --save
for f in cpuinfo mac otp_dump bootloader_version bootloader_config; do [[ -s "$T/pis/kitchen/$f" ]] || fail "--save wrote no $f"; done
cmp "$T/pis/kitchen/bootloader_config" "$P/bootconf-net-mac.txt" || fail "saved bootloader_config differs"
expect_exit 0 "$PINETBOOT" check --facts "$T/pis/kitchen" --site "$S" --pi kitchen
expect_exit 2 "$PINETBOOT" check --facts "$T/nothing"
expect_exit 1 pnb check --ssh "$me@127.0.0.1" --ssh-config "$T/ssh_config.pi" --site "$S" --pi hall --json
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["mac"]=="dc:a6:32:2e:f8:ed" and not d["ready"], d' "$T/out" || fail "JSON"

# No vcgencmd on that Pi: said so, and the rest is still checked.
expect_exit 1 pnb check --ssh "$me@127.0.0.1" --ssh-config "$T/ssh_config.novc"
expect_grep "vcgencmd is not installed on the Pi" "$T/out"
expect_grep "serial:      5b154510" "$T/out"
expect_grep "the bootloader config was not read" "$T/out"
# ...and a saved bootloader_config fills the gap
expect_exit 0 pnb check --ssh "$me@127.0.0.1" --ssh-config "$T/ssh_config.novc" --bootconf "$P/bootconf-net-mac.txt"

# Nothing listening: exit 2 with ssh's reason; no options smuggled in through the host.
client_config dead "$T/key"
sed -i "s/Port $port/Port 1/" "$T/ssh_config.dead"
expect_exit 2 pnb check --ssh "$me@127.0.0.1" --ssh-config "$T/ssh_config.dead" --timeout 3
expect_grep "ssh to $me@127.0.0.1 failed" "$T/err"
expect_exit 2 pnb check --ssh "-oProxyCommand=touch $T/pwned" --ssh-config "$T/ssh_config.pi"
[[ ! -e "$T/pwned" ]] || fail "an ssh option got through --ssh"
exit 0
