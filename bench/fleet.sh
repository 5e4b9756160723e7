#!/usr/bin/env bash
# bench/fleet.sh — the fleet storm (issue 6): PNB_FLEET Pis (default 100: Pi 3B, 3B+, 4B and 5)
# served from `pinetboot export` output boot at once with `pinetboot simulate --all` while
# `pinetboot monitor` watches the lab's bridge (tests/lab/t_fleet_storm.sh does the work).
# Three layouts: proxy DHCP (the mixed fleet; dnsmasq waits out the Pi 3s' dhcp-reply-delay
# before it answers anyone else), the same with the Pi 3s made Pi 4s, and dhcp = full with an
# ip = per Pi (no delay, no ping). Prints the wall times, their ratios, and the monitor's packets
# and drops. (dhcp = full without ip = is left out: dnsmasq's ping before every offer makes that
# storm take ~20 s, and Pi 3 ROMs give up; `pinetboot lint` says so.) Needs root.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
[[ $(id -u) -eq 0 ]] || { echo "bench/fleet.sh: needs root (network namespaces); skipped"; exit 0; }
export PINETBOOT="$PWD/$BUILD/pinetboot" PNB_BUILD="$PWD/$BUILD" PNB_TOP="$PWD" LC_ALL=C.UTF-8 TZ=UTC
export PNB_STORM=${PNB_FLEET:-100}
out=$(mktemp /tmp/pnb-fleet.XXXXXX)
trap 'rm -f "$out" "$out".*' EXIT
run() {  # LABEL [ENV=VALUE…] — one storm; prints its lines, leaves the wall time in $wall
  local label=$1; shift
  env "$@" bash tests/lab/t_fleet_storm.sh >"$out" 2>&1
  local rc=$?
  [[ $rc == 77 ]] && { echo "fleet: skipped: $(tail -n 1 "$out")"; exit 0; }
  [[ $rc == 0 ]] || { tail -n 30 "$out"; echo "fleet ($label): FAILED"; exit 1; }
  wall=$(sed -n 's/^storm: .*: \([0-9.]*\) s by simulate.*/\1/p' "$out")
  echo "fleet ($label): $(grep '^storm: ' "$out" | sed 's/^storm: //')"
  echo "fleet ($label): $(grep '^monitor: ' "$out" | sed 's/^monitor: //')"
}
run "proxy, with Pi 3s"; mixed=$wall
run "proxy, no Pi 3" PNB_STORM_NO_PI3=1; plain=$wall
run "full DHCP, ip = per Pi" PNB_STORM_FULL=ip; full=$wall
awk -v a="$mixed" -v b="$plain" -v c="$full" -v n="$PNB_STORM" 'BEGIN {
  printf "fleet: %d Pis at once: proxy %.2f s with Pi 3s, %.2f s without (%.1fx: the reply delay for the Pi 3s holds up every Pi); full DHCP with fixed addresses %.2f s with Pi 3s (%.1fx faster than proxy)\n", n, a, b, a / b, c, a / c }'
