#!/usr/bin/env bash
# `make check-deb`: the package `make deb` built installs, runs and removes cleanly. Not part of
# make check (building the package takes about 90 s on 2 cores): run it with make check-deb.
# Installs the .deb with dpkg -i, runs the installed pinetboot --version and --help, finds its
# man page, completions, templates and the pinetboot-monitor@.service unit, runs the unit's
# ExecStart (for an interface in a test namespace: the monitor logs the per-Pi stage table
# with the verdict when stopped with the unit's KillSignal), then dpkg --purge leaves nothing.
PINETBOOT=/usr/bin/pinetboot
PNB_TOP=${PNB_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
PNB_BUILD=${PNB_BUILD:-$PNB_TOP/build}
. "$(dirname "$0")/../lib.sh"
need_root
need dpkg ip
dir=${PNB_DEB_DIR:-$PNB_TOP/build/deb}
deb=$(ls "$dir"/pinetboot_*.deb 2>/dev/null | head -n 1)
[[ -f $deb ]] || fail "no package in $dir (make deb)"
if dpkg-query -W -f='${Status}' pinetboot 2>/dev/null | grep -q "install ok installed"; then
  skip "a pinetboot package is already installed here; not touching it"
fi
[[ -e /usr/bin/pinetboot ]] && skip "/usr/bin/pinetboot exists (not from a package); not touching it"
on_exit "dpkg --purge pinetboot >/dev/null 2>&1"
dpkg -i "$deb" >"$T/dpkg.out" 2>&1 || { cat "$T/dpkg.out"; fail "dpkg -i $deb"; }
version=$(cat "$PNB_TOP/VERSION")
expect_exit 0 /usr/bin/pinetboot --version
expect_grep "^pinetboot $version\$" "$T/out"
expect_exit 0 /usr/bin/pinetboot monitor --help
expect_grep "Usage: pinetboot monitor" "$T/out"
for f in /usr/share/man/man1/pinetboot.1.gz /usr/share/bash-completion/completions/pinetboot \
         /usr/share/zsh/vendor-completions/_pinetboot /usr/share/pinetboot/templates/dnsmasq.conf.tmpl \
         /lib/systemd/system/pinetboot-monitor@.service; do
  [[ -s $f ]] || fail "$f not installed"
done
unit=/lib/systemd/system/pinetboot-monitor@.service
if command -v systemd-analyze >/dev/null 2>&1; then
  systemd-analyze verify "pinetboot-monitor@eth0.service" >"$T/verify" 2>&1
  # a machine without a running systemd cannot load the device unit the template binds to
  if grep -v "sys-subsystem-net-devices\|Failed to .*bus" "$T/verify" | grep -q .; then
    cat "$T/verify"; fail "systemd-analyze verify pinetboot-monitor@eth0.service"
  fi
fi
# the unit's command line, for an interface of a test namespace (both veth ends in namespaces)
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
grep -q '^KillSignal=SIGINT' "$unit" || fail "the unit does not stop the monitor with SIGINT"
nsm="pnb-debm-$$" nsp="pnb-debp-$$" a="pnbd$$a" b="pnbd$$b"
netns_veth "$nsm" "$a" "$nsp" "$b"
cmd=${exec_start//%I/$a}
cmd=${cmd//\$PINETBOOT_MONITOR_ARGS/}
# shellcheck disable=SC2086
ip netns exec "$nsm" $cmd >"$T/journal" 2>"$T/journal.err" &
mon=$!
on_exit "kill $mon 2>/dev/null"
wait_grep "^listening on $a" "$T/journal.err" 20 "$mon" || { cat "$T/journal.err"; fail "the unit's monitor did not start"; }
ip netns exec "$nsp" "$PNB_BUILD/tools/pnb_replay" "$b" "$PNB_TOP/tests/monitor/pcaps/pi4-boot.pcap" >/dev/null ||
  fail "replay"
kill -INT "$mon"
wait "$mon"
expect_grep "dc:a6:32:10:00:01 4B    5a000101 + + + + X" "$T/journal"
expect_grep "stage 5 FAILED" "$T/journal"
# removal leaves nothing behind
dpkg --purge pinetboot >"$T/dpkg.out" 2>&1 || { cat "$T/dpkg.out"; fail "dpkg --purge"; }
for f in /usr/bin/pinetboot /usr/share/man/man1/pinetboot.1.gz /usr/share/pinetboot "$unit" \
         /usr/share/bash-completion/completions/pinetboot /usr/share/zsh/vendor-completions/_pinetboot; do
  [[ ! -e $f ]] || fail "$f left after dpkg --purge"
done
echo "check-deb: $deb installed, ran, and was removed cleanly"
exit 0
