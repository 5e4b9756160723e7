#!/usr/bin/env bash
# Golden tests of the diagnosis: build/tools/pcapgen writes one capture per model's good path
# and per failure signature; `pinetboot monitor -r CAPTURE --json -q [--site SITE]` must end
# with a summary whose Pi has the expected `reached`, `failed` and rule (pcapgen --list is the
# table: NAME SITE MAC REACHED FAILED RULE WORDS; WORDS must appear in a cause or fix; RULE "-" = no verdict, "~id" = a warning the Pi got
# past). The committed copies in tests/data/pcaps/ must equal freshly generated ones.
. "$(dirname "$0")/../lib.sh"
need jq
"$PINETBOOT" monitor --help >/dev/null 2>&1 || skip "pinetboot monitor is not built yet (capture branch)"
gen="$PNB_BUILD/tools/pcapgen"
[[ -x "$gen" ]] || fail "$gen missing (make all builds it)"
sites="$PNB_TOP/tests/diagnose/sites"
"$gen" "$T" || fail "pcapgen failed"
for f in "$PNB_TOP"/tests/data/pcaps/*.pcap; do
  [[ -f "$f" ]] || continue
  cmp -s "$f" "$T/$(basename "$f")" || fail "$(basename "$f") differs from a fresh pcapgen run (regenerate: $gen tests/data/pcaps NAME)"
done
n=0 bad=0
check() { # name jq-expression-that-must-be-true
  if ! jq -e "$2" "$T/summary" >/dev/null; then
    echo "--- $1: summary fails $2"; jq -c '.pis, .site' "$T/summary"; bad=$((bad + 1)); return 1
  fi
}
while read -r name site mac reached failed rule words; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  n=$((n + 1))
  opts=(-r "$T/$name.pcap" --json -q)
  [[ "$site" != - ]] && opts+=(--site "$sites/$site")
  "$PINETBOOT" monitor "${opts[@]}" >"$T/out" 2>"$T/err"
  rc=$?
  tail -n 1 "$T/out" >"$T/summary"
  check "$name" '.summary == true' || continue
  if [[ "$mac" == - ]]; then
    check "$name" "(.pis | length) == 0 and any(.site[]; .rule == \"$rule\")"
    continue
  fi
  pi=".pis[] | select(.mac == \"$mac\")"
  check "$name" "[$pi] | length == 1" || continue
  check "$name" "$pi | .reached == $reached and .failed == $failed" || continue
  case "$rule" in
    -) check "$name" "$pi | (.verdicts | length) == 0" ;;
    ~*) check "$name" "$pi | any(.verdicts[]; .rule == \"${rule#\~}\" and .failure == false) and (.verdict | contains(\"[${rule#\~}]\"))" ;;
    *) check "$name" "$pi | .verdict | contains(\"[$rule]\")" ;;
  esac
  [[ "$words" != - ]] && check "$name" "$pi | any(.verdicts[]; (.cause + \" \" + .fix) | contains(\"$words\"))"
  want=0; jq -e 'any(.pis[]; .failed != null)' "$T/summary" >/dev/null && want=1
  [[ "$name" == truncated-* ]] && want=2
  [[ $rc -eq $want ]] || { echo "--- $name: exit $rc, expected $want"; cat "$T/err"; bad=$((bad + 1)); }
done < <("$gen" --list)
# Site verdicts and the other Pi verdicts some captures must carry as well.
while read -r name jqexpr; do
  "$PINETBOOT" monitor -r "$T/$name.pcap" --json -q 2>/dev/null | tail -n 1 >"$T/summary"
  check "$name" "$jqexpr"
done <<'LIST'
stp-late-discover any(.site[]; .rule == "stp-bpdu")
rival-dhcp-nak any(.site[]; .rule == "rival-dhcp-servers") and any(.pis[].verdicts[]; .rule == "rival-dhcp")
malformed-packets any(.site[]; .rule == "malformed-packets")
good-pi4-proxy-iscsi (.site | length) == 0
LIST
echo "$n diagnosis captures, $bad failed"
[[ $n -ge 40 ]] || fail "only $n captures listed"
[[ $bad -eq 0 ]] || fail "$bad of $n diagnosis captures gave the wrong verdict"
