#!/usr/bin/env bash
# Golden tests of `pinetboot monitor` from tests/monitor/TESTLIST (tcpdump's model): every
# capture decoded offline, output + exit status compared with expected/. PNB_UPDATE=1 rewrites
# the expected files instead. Under ASan (make check-asan) this also reads every public
# capture with AddressSanitizer + UBSan.
. "$(dirname "$0")/../lib.sh"
cd "$PNB_TOP/tests/monitor"
public="$PNB_TOP/tests/data/pcaps-public"
export TZ=UTC LC_ALL=C.UTF-8
# The committed vectors are what the generator writes (truncated-file: the first 20000 bytes
# of pi4-boot; *-snap120: editcap -s 120).
mkdir "$T/gen"
"$PNB_BUILD/tools/pnb_gen" vectors "$T/gen" || fail "pnb_gen vectors"
head -c 20000 "$T/gen/pi4-boot.pcap" >"$T/gen/truncated-file.pcap"
for f in "$T"/gen/*.pcap; do
  cmp -s "$f" "pcaps/$(basename "$f")" ||
    fail "pcaps/$(basename "$f") differs from a fresh 'pnb_gen vectors' (regenerate and commit)"
done
n=0 bad=0 skipped=0
while read -r name cap expected opts; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  if [[ "$cap" == @public/* ]]; then
    [[ -d "$public" ]] || { skipped=$((skipped + 1)); continue; }
    cap="$public/${cap#@public/}"
  fi
  n=$((n + 1))
  # shellcheck disable=SC2086
  "$PINETBOOT" monitor -r "$cap" $opts >"$T/out" 2>"$T/err"
  echo "exit $?" >>"$T/out"
  sed -e "s|$public/||g" -e "s|$PNB_TOP/tests/monitor/||g" "$T/err" >>"$T/out"
  if [[ -n "${PNB_UPDATE:-}" ]]; then
    cp "$T/out" "expected/$expected"
  elif ! diff -u "expected/$expected" "$T/out" >"$T/diff"; then
    echo "--- $name: output differs from expected/$expected"
    head -n 40 "$T/diff"
    bad=$((bad + 1))
  fi
done <TESTLIST
echo "$n golden tests, $bad failed, $skipped skipped (no public captures)"
[[ $bad -eq 0 ]] || fail "$bad golden tests differ (PNB_UPDATE=1 to accept an intended change)"
