#!/usr/bin/env bash
# The deterministic half of tests/fuzz/fuzz_render.c: every profile of its seed corpus that
# loads is exported, and the real consumers read what it rendered with each value one token:
# dnsmasq --test takes the dnsmasq config, a JSON parser the LIO file (each backing read back
# whole as its storage object's dev); cmdline.txt is one line.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib_hostile.sh"
n=0
for conf in "$PNB_TOP"/tests/fuzz/render/*.conf; do
	name=$(basename "$conf")
	cp "$conf" "$T/site.conf"
	rm -rf "$T/out" "$T/site.secrets"
	"$PINETBOOT" export "$T/site.conf" -o "$T/out" >/dev/null 2>&1 || continue
	n=$((n + 1))
	if command -v dnsmasq >/dev/null; then
		# dnsmasq checks that tftp-root exists: point it at a scratch copy of the tree
		root=$(sed -n 's/^tftp-root=\([^,]*\).*/\1/p' "$T/out/dnsmasq.d/pinetboot.conf")
		sed "s|^tftp-root=[^,]*|tftp-root=$T|" "$T/out/dnsmasq.d/pinetboot.conf" >"$T/dnsmasq.conf"
		[[ -z $root || $root == /* ]] || fail "$name: tftp-root is not one absolute path"
		dnsmasq --test -C "$T/dnsmasq.conf" >"$T/dt" 2>&1 || { cat "$T/dt"; fail "$name: dnsmasq --test"; }
	fi
	if grep -q '^iscsi_target = lio' "$conf"; then
		lio_values "$T/out/iscsi/lio-pinetboot.json" >"$T/args" ||
			fail "$name: the LIO JSON does not parse"
		while read -r b; do
			norm=$(realpath -m "$b")
			expect_grep "^<dev=$norm>$" "$T/args"
		done < <(sed -n 's/^backing *= *//p' "$conf")
	fi
	for c in "$T"/out/tftp/*/cmdline.txt; do
		[[ -f $c ]] || continue
		[[ $(wc -l <"$c") -eq 1 ]] || fail "$name: $c is not one line"
	done
done
[[ $n -ge 3 ]] || fail "only $n seed profiles exported"
echo "$n seed profiles rendered and read back"
