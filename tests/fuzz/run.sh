#!/usr/bin/env bash
# Runs every libFuzzer harness in build-fuzz/ for FUZZ_SECONDS (default 60) on its seed corpus
# tests/fuzz/NAME/. New inputs go to a scratch dir, so the repository corpus only changes when
# someone copies a finding in on purpose. Exit 1 on the first crash (its input is kept).
set -u
cd "$(dirname "$0")/../.."
secs=${FUZZ_SECONDS:-60}
rc=0
for bin in build-fuzz/fuzz_*; do
  [[ -x "$bin" ]] || continue
  name=${bin#build-fuzz/fuzz_}
  corpus=tests/fuzz/$name
  mkdir -p "$corpus"
  scratch=$(mktemp -d /tmp/pnb-fuzz-$name.XXXXXX)
  echo "== fuzz $name for ${secs}s (seed corpus $corpus: $(ls "$corpus" | wc -l) inputs)"
  if ! "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$scratch/" \
      "$scratch" "$corpus" >"$scratch/log" 2>&1; then
    echo "fuzz $name: FINDING — input and log in $scratch"; tail -n 30 "$scratch/log"; rc=1; continue
  fi
  tail -n 1 "$scratch/log"
  rm -rf "$scratch"
done
exit $rc
