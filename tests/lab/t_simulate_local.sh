#!/usr/bin/env bash
# simulate ON the boot server: inside the server namespace, whose eth0 holds 10.77.0.1 and runs
# the exported dnsmasq and tgtd, `simulate -i eth0` attaches the virtual Pi locally (a veth
# spliced onto eth0 with tc; a macvlan could not reach its own host) and reaches stage 8; the
# router's DHCP on the wire answers it too (proxy mode); a monitor on the server's eth0 sees the
# same boot; a clsact qdisc and filter that were there before stay; nothing of ours is left
# after a normal end, after Ctrl-C, or after --attach macvlan shows the limitation (stage 1-2).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lab.sh"
. "$(dirname "$0")/lab-export.sh"
need tc
lab_boot_net
lab_tgtd "$SRV"
lab_export_site
show() { [[ -z "${PNB_SHOW:-}" ]] || cat "$T/out"; }
sim() { ip netns exec "$SRV" "$PINETBOOT" simulate --site "$T/site.conf" -i eth0 --timeout 60 "$@"; }
tcs() { ip netns exec "$SRV" tc "$@"; }
# someone's own tc config on the server's interface
tcs qdisc add dev eth0 clsact
tcs filter add dev eth0 ingress pref 5 protocol arp u32 match u32 0 0
before=$(tcs filter show dev eth0 ingress; tcs filter show dev eth0 egress)

# a monitor on the server's own interface, as the wizard's Monitor pane captures
ip netns exec "$SRV" "$PINETBOOT" monitor -i eth0 --json --site "$T/site.conf" >"$T/mon.json" 2>"$T/mon.err" &
MON_PID=$!
on_exit "kill -9 $MON_PID 2>/dev/null"
for _ in $(seq 400); do grep -q "^listening on eth0" "$T/mon.err" && break; sleep 0.05; done
grep -q "^listening on eth0" "$T/mon.err" || { cat "$T/mon.err"; fail "the monitor did not start on eth0"; }

expect_exit 0 sim --pi kitchen -v; show
expect_grep "on eth0 (local attachment)" "$T/out"
expect_grep 'reached stage 8 "root in use"' "$T/out"
expect_grep "iSCSI login to iqn.2026-11.lan.example:root-kitchen as iqn.2026-11.lan.example:kitchen accepted" "$T/out"
expect_grep "REQUEST/ACK for 10.77.0.1[0-9][0-9]" "$T/out"   # the router's address, over the wire

kill -INT $MON_PID; wait $MON_PID  # the summary is written as it ends (slowly under ASan)
tail -n 1 "$T/mon.json" >"$T/mon.summary"
python3 - "$T/mon.summary" <<'PY' || fail "the monitor on the server's eth0 did not follow kitchen to stage 8: $(cat "$T/mon.summary")"
import json, sys
s = json.load(open(sys.argv[1]))
p = [p for p in s["pis"] if p["mac"] == "dc:a6:32:1c:6a:2a"]
sys.exit(0 if p and p[0]["reached"] == 8 and p[0]["failed"] is None else 1)
PY

after=$(tcs filter show dev eth0 ingress; tcs filter show dev eth0 egress)
[[ "$before" == "$after" ]] || fail "tc filters on eth0 changed: before: $before after: $after"
tcs qdisc show dev eth0 | grep -q clsact || fail "the existing clsact qdisc was removed"
ip -n "$SRV" -br link | grep -q '^pnbl' && fail "a veth was left: $(ip -n "$SRV" -br link)"

# garage has no serial directory on the server: stage 4, with the fix
expect_exit 1 sim --pi garage; show
expect_grep 'stopped at stage 4 "TFTP firmware"' "$T/out"

# the limitation the local attachment exists for: a macvlan of the server's own eth0 never
# reaches the server's dnsmasq (the router still answers, so it stops at the boot offer)
expect_exit 1 sim --pi kitchen --attach macvlan --dhcp-timeout 4; show
expect_grep "on eth0 (macvlan)" "$T/out"
expect_grep 'stopped at stage [12] ' "$T/out"
expect_exit 2 sim --pi kitchen --attach bridge

# without the pre-existing qdisc: ours is added and removed again; Ctrl-C cleans up too (the
# server's dnsmasq is stopped so the boot hangs in DHCP until then)
lab_dnsmasq_stop srv
tcs qdisc del dev eth0 clsact
ip netns exec "$SRV" "$PINETBOOT" simulate --site "$T/site.conf" -i eth0 --pi kitchen --timeout 60 >"$T/int.out" 2>&1 &
pid=$!
for _ in $(seq 400); do tcs filter show dev eth0 ingress | grep -q mirred && break; sleep 0.05; done
tcs filter show dev eth0 ingress | grep -q mirred || fail "no splice filter seen while simulate ran"
kill -INT $pid; wait $pid
expect_grep "cancelled by the user" "$T/int.out"
[[ -z "$(tcs filter show dev eth0 ingress; tcs filter show dev eth0 egress)" ]] || fail "filters left after Ctrl-C"
tcs qdisc show dev eth0 | grep -q clsact && fail "our clsact qdisc was left after Ctrl-C"
ip -n "$SRV" -br link | grep -q '^pnbl' && fail "a veth was left after Ctrl-C"

exit 0
