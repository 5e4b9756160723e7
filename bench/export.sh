#!/usr/bin/env bash
# bench/export: `pinetboot export` of a generated 1,000-Pi site (all models, serial/MAC/string
# prefixes, CHAP on), plain files and Ansible. Prints wall time and peak RSS of each run
# (best of 3); the goal is under 0.5 s and under 50 MB. Secrets are generated on the first run
# only, as in real use, so the timed runs are re-exports.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
BIN="$PWD/$BUILD/pinetboot"
N=${PNB_BENCH_PIS:-1000}
W=$(mktemp -d "${TMPDIR:-/tmp}/pnb-bench.XXXXXX")
trap 'rm -rf "$W"' EXIT
models=(4B 3B 5 CM4 3B+ 400 CM5 500 2B)
{
  printf '[server]\ninterface = eth0\naddress = 10.20.0.1/16\niqn_base = iqn.2026-11.lan.example\n'
  for ((i = 0; i < N; i++)); do
    m=${models[$((i % ${#models[@]}))]}
    prefix=serial
    case $m in 4B | 400 | CM4) prefix=mac ;; 5 | 500 | CM5) [[ $((i % 2)) -eq 0 ]] && prefix="string:pi$i" ;; esac
    printf '\n[pi "pi%d"]\nmodel = %s\nserial = %08x\nmac = dc:a6:32:%02x:%02x:%02x\ntftp_prefix = %s\nsize = 16G\n' \
      "$i" "$m" $((0x10000000 + i)) $((i >> 16 & 255)) $((i >> 8 & 255)) $((i & 255)) "$prefix"
  done
} >"$W/site.conf"
"$BIN" export "$W/site.conf" -o "$W/warm" >/dev/null # makes site.secrets
# best of 3 by wall time: "wall user sys kilobytes"
run() {
  local best="999 0 0 0"
  for _ in 1 2 3; do
    rm -rf "$OUT"
    /usr/bin/time -f '%e %U %S %M' -o "$W/time" "$BIN" export "$W/site.conf" -o "$OUT" "$@" >/dev/null
    local t
    read -r t _ <"$W/time"
    if awk -v a="$t" -v b="${best%% *}" 'BEGIN{exit !(a < b)}'; then best=$(cat "$W/time"); fi
  done
  echo "$best"
}
report() { # LABEL wall user sys kb
  local mb
  mb=$(awk -v k="$5" 'BEGIN{printf "%.1f", k/1024}')
  printf '%-44s %5.2f s wall (%.2f user, %.2f sys), %5s MB peak RSS  %s\n' "$1" "$2" "$3" "$4" "$mb" \
    "$(awk -v t="$2" -v m="$5" 'BEGIN{print (t < 0.5 && m < 51200) ? "ok (goal < 0.5 s, < 50 MB)" : "OVER the goal (< 0.5 s, < 50 MB)"}')"
}
# Output on the work file system (where users export), and on tmpfs when there is one: the
# difference is the file system's cost of creating ~3,700 files; user time is pinetboot's own.
dirs=("$W")
[[ -d /dev/shm && -w /dev/shm ]] && dirs+=("/dev/shm")
for d in "${dirs[@]}"; do
  OUT=$(mktemp -u "$d/pnb-bench-out.XXXXXX")
  trap 'rm -rf "$W" "$OUT"' EXIT
  for fmt in files ansible; do
    read -r t u s kb < <(run --format "$fmt")
    files=$(find "$OUT" -type f | wc -l)
    report "export $N Pis, $fmt ($files files) on $(df --output=fstype "$d" | tail -1)" "$t" "$u" "$s" "$kb"
  done
  # re-export into the existing directory (the atomic swap, then removal of the old tree)
  /usr/bin/time -f '%e %U %S %M' -o "$W/time" "$BIN" export "$W/site.conf" -o "$OUT" >/dev/null
  read -r t u s kb <"$W/time"
  report "  over an existing export" "$t" "$u" "$s" "$kb"
  rm -rf "$OUT"
done
