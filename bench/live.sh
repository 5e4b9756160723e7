#!/usr/bin/env bash
# bench/live.sh — live capture under load: pnb_replay sends generated netboot traffic through
# a veth pair for 10 s as fast as it can (or at PNB_LIVE_PPS), while `pinetboot monitor -i -q`
# decodes it. Both ends live in network namespaces made here (the monitor runs in one, the
# replay in the other), so no replayed frame reaches the host. Goal (issue 3): >= 100,000
# packets/s with no kernel drops (pcap_stats). Needs root.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
[[ $(id -u) -eq 0 ]] || { echo "bench/live.sh: needs root (network namespace + veth); skipped"; exit 0; }
bin="$PWD/$BUILD/pinetboot"
work=$(mktemp -d /tmp/pnb-live.XXXXXX)
nsm="pnb-lbm-$$" ns="pnb-lb-$$" a="pnblb$$a" b="pnblb$$b"
cleanup() { [[ -n "${mon:-}" ]] && kill "$mon" 2>/dev/null; ip netns del "$ns" 2>/dev/null; ip netns del "$nsm" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
"$PWD/$BUILD/tools/pnb_gen" bench "$work/x.pcap" 200000 >/dev/null
ip netns add "$nsm" && ip netns add "$ns" && ip -n "$nsm" link add "$a" type veth peer name "$b" netns "$ns" &&
  ip -n "$nsm" link set "$a" up && ip -n "$ns" link set "$b" up || { echo "veth setup failed"; exit 1; }
secs=${PNB_LIVE_SECONDS:-10}
status=ok
for pps in "${PNB_LIVE_PPS:-130000}" 0; do
  ip netns exec "$nsm" ${PNB_LIVE_WRAP:-} "$bin" monitor -i "$a" -q --duration $((secs + 3)) >"$work/out" 2>"$work/err" &
  mon=$!
  for _ in $(seq 200); do grep -q "^listening on" "$work/err" && break; kill -0 "$mon" 2>/dev/null || break; sleep 0.05; done
  ip netns exec "$ns" "$PWD/$BUILD/tools/pnb_replay" "$b" "$work/x.pcap" "$secs" "$pps" >"$work/replay"
  wait "$mon"; mon=
  rate=$(sed -n 's/.*(\([0-9]*\)\/s).*/\1/p' "$work/replay")
  read -r recv drop < <(sed -n 's/^\([0-9]*\) packets received by the filter, \([0-9]*\) dropped.*/\1 \2/p' "$work/err")
  pct=$(echo "scale=2; 100 * ${drop:-0} / (${recv:-0} + 1)" | bc -l)
  label=$([[ $pps == 0 ]] && echo "as fast as pnb_replay goes" || echo "paced at <= $pps/s")
  echo "live ($label): replayed ${rate}/s for ${secs} s; monitor -q: ${recv:-?} received, ${drop:-?} dropped by the kernel (${pct}%)"
  if [[ $pps != 0 ]]; then
    [[ ${rate:-0} -ge 100000 && ${drop:-1} -eq 0 ]] || status=MISSED
    echo "  goal: >= 100000 packets/s with 0 drops   $status"
  fi
done
