#!/usr/bin/env bash
# dhcp = isc: dhcpd reads only dhcpd.conf, so apply adds the include of the fragment at its end
# once (keeping the old file as a backup) and never makes a dhcpd.conf of its own; --no-edit
# leaves dhcpd.conf alone and lint --root then names the missing include; README.txt and the
# Ansible playbook say the same.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../daemons/mksite.sh"
mksite "$T/site.conf" dhcp=isc
root="$T/root"
mkdir -p "$root/etc/dhcp"
conf="$root/etc/dhcp/dhcpd.conf"
printf 'authoritative;\nsubnet 192.168.20.0 netmask 255.255.255.0 {\n  range 192.168.20.100 192.168.20.199;\n}' >"$conf"
cp "$conf" "$T/orig"

expect_exit 0 "$PINETBOOT" apply "$T/site.conf" --root "$root" --no-edit
cmp "$conf" "$T/orig" || fail "--no-edit changed dhcpd.conf"
expect_exit 1 "$PINETBOOT" lint "$T/site.conf" --root "$root"
expect_grep "dhcpd.conf: include: it does not include /etc/dhcp/dhcpd-pinetboot.conf.*stage 2" "$T/out"

expect_exit 0 "$PINETBOOT" apply "$T/site.conf" --root "$root"
expect_grep "^changed  $conf (old file kept as $conf.pinetboot-" "$T/out"
expect_grep "not run (--root): systemctl restart isc-dhcp-server" "$T/out"
[[ $(grep -c '^include "/etc/dhcp/dhcpd-pinetboot.conf";$' "$conf") == 1 ]] || { cat "$conf"; fail "no single include line"; }
head -c "$(stat -c %s "$T/orig")" "$conf" | cmp - "$T/orig" || fail "dhcpd.conf lost its own text"
"$PINETBOOT" lint "$T/site.conf" --root "$root" >"$T/lint" 2>&1
expect_no_grep "include:" "$T/lint"
# once: a second apply, or an indented line of the admin's, adds nothing
expect_exit 0 "$PINETBOOT" apply "$T/site.conf" --root "$root"
expect_grep "^0 file(s) changed" "$T/out"
printf 'subnet 10.0.0.0 netmask 255.0.0.0 {}\n   include   "/etc/dhcp/dhcpd-pinetboot.conf";\n' >"$conf"
expect_exit 0 "$PINETBOOT" apply "$T/site.conf" --root "$root"
expect_grep "^0 file(s) changed" "$T/out"
# no dhcpd.conf at all: apply makes none (the subnet is the admin's), lint says so
rm "$conf"
expect_exit 0 "$PINETBOOT" apply "$T/site.conf" --root "$root"
[[ -e "$conf" ]] && fail "apply made a dhcpd.conf"
expect_exit 1 "$PINETBOOT" lint "$T/site.conf" --root "$root"
expect_grep "dhcpd.conf: include: it is missing, so it does not include" "$T/out"
# README.txt and the playbook carry the line
expect_exit 0 "$PINETBOOT" export "$T/site.conf" -o "$T/exp"
expect_grep '^       include "/etc/dhcp/dhcpd-pinetboot.conf";$' "$T/exp/README.txt"
expect_exit 0 "$PINETBOOT" export "$T/site.conf" --format ansible -o "$T/ans"
grep -rq "ansible.builtin.lineinfile" "$T/ans" || fail "the playbook does not add the include"
exit 0
