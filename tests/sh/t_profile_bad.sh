#!/usr/bin/env bash
# Table-driven: every profile in tests/data/bad-profiles/ carries its expected problem in its
# first line, `# expect: LINE FRAGMENT`. For each: `pinetboot lint` exits 1 and prints
# FILE:LINE: … FRAGMENT on one line; and, once `pinetboot export` exists, export exits 2,
# prints the same problem and writes nothing.
. "$(dirname "$0")/../lib.sh"
dir="$PNB_TOP/tests/data/bad-profiles"
have_export=0
"$PINETBOOT" export --help >/dev/null 2>&1 && have_export=1
n=0
for f in "$dir"/*.conf; do
  n=$((n + 1))
  read -r _ tag line frag < <(head -n 1 "$f")
  [[ "$tag" == "expect:" ]] || fail "$f: first line is not '# expect: LINE FRAGMENT'"
  cp "$f" "$T/site.conf"
  want="site.conf:$line: "
  expect_exit 1 "$PINETBOOT" lint "$T/site.conf"
  grep -F -- "$want" "$T/out" | grep -qF -- "$frag" ||
    { cat "$T/out"; fail "$(basename "$f"): lint did not print '$want…$frag'"; }
  if [[ $have_export -eq 1 ]]; then
    expect_exit 2 "$PINETBOOT" export "$T/site.conf" -o "$T/outdir"
    cat "$T/out" "$T/err" > "$T/both"
    grep -F -- "$want" "$T/both" | grep -qF -- "$frag" ||
      { cat "$T/both"; fail "$(basename "$f"): export did not print '$want…$frag'"; }
    [[ ! -e "$T/outdir" ]] || fail "$(basename "$f"): export wrote $T/outdir"
  fi
done
[[ $n -ge 40 ]] || fail "only $n bad profiles (expected at least 40)"
echo "$n bad profiles checked (export: $([[ $have_export -eq 1 ]] && echo yes || echo not built yet))"
