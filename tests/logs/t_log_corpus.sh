#!/usr/bin/env bash
# The log corpus (tests/data/logs/*/): logs modelled on public bug reports about Pi netboot, one
# directory per report, its CASE file naming the source, the cause the thread found and what
# `pinetboot monitor --log` must say from those logs alone: the stage that failed and the rule
# (the thread's cause), or "-" with why a log cannot show the cause. Also: the last JSON line
# is the summary, lines not understood are counted, and at least 30 cases are there.
. "$(dirname "$0")/../lib.sh"
need python3
D=$PNB_TOP/tests/data/logs
n=0
for c in "$D"/*/; do
  [[ -f "$c/CASE" ]] || continue
  name=$(basename "$c")
  field() { sed -n "s/^$1: //p" "$c/CASE" | head -n 1; }
  args=()
  for f in $(field logs); do args+=(--log "$c/$f"); done
  site=$(field site)
  [[ -n "$site" ]] && args+=(--site "$c/$site")
  "$PINETBOOT" monitor "${args[@]}" --json -q >"$T/out" 2>"$T/err"
  rc=$?
  [[ $rc -le 1 ]] || { cat "$T/err"; fail "$name: exit $rc"; }
  tail -n 1 "$T/out" >"$T/sum"
  python3 - "$T/sum" "$(field pi)" "$(field expect)" "$(field rule)" "$name" "$rc" <<'PY' || { cat "$T/out"; fail "$name"; }
import json, sys
path, mac, expect, rule, name, rc = sys.argv[1:]
s = json.load(open(path))
assert s.get("summary") is True, "the last line is not the summary"
log = s["log"]
assert log["lines"] == log["understood"] + log["skipped"], "lines not all counted"
if expect == "none":
    # the log cannot tie anything to a Pi: no Pi followed, and the exit says no failure
    assert not s["pis"], "%s: expected no Pi, got %s" % (name, [p["mac"] for p in s["pis"]])
    raise SystemExit(0)
pi = [p for p in s["pis"] if p["mac"] == mac.lower()]
assert pi, "%s: no Pi %s in the summary" % (name, mac)
p = pi[0]
kind, stage = expect.split()[0], int(expect.split()[1])
if kind == "failed":
    assert p["failed"] == stage, "%s: failed %s, expected stage %d: %s" % (name, p["failed"], stage, p["verdict"])
    assert rc == "1", "%s: exit %s with a failed Pi" % (name, rc)
    if rule != "-":
        assert p["verdict"].endswith("[%s]" % rule), "%s: %s, expected [%s]" % (name, p["verdict"], rule)
elif kind == "reached":
    assert p["failed"] is None, "%s: failed at %s: %s" % (name, p["failed"], p["verdict"])
    assert p["reached"] >= stage, "%s: reached %d, expected %d" % (name, p["reached"], stage)
    if rule != "-":
        assert any(v["rule"] == rule for v in p["verdicts"]), "%s: no %s verdict" % (name, rule)
else:
    raise SystemExit("%s: bad expect %r" % (name, expect))
PY
  if [[ "$(field rule)" == "-" ]]; then
    [[ -n "$(field why)" ]] || fail "$name: rule '-' needs a why: line (what the log cannot show)"
  fi
  [[ -n "$(field source)" && -n "$(field found)" ]] || fail "$name: CASE needs source: and found:"
  n=$((n + 1))
done
[[ $n -ge 30 ]] || fail "only $n cases in the log corpus (at least 30)"
echo "$n cases"
