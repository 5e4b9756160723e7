#!/usr/bin/env bash
# asan: skip  (the harnesses are ASan+UBSan builds already)
# Every fuzz harness, briefly (PNB_FUZZ_SMOKE seconds each, default 3: the seed corpus
# runs first, then a short fuzz; `make fuzz` is the long run), under ASan+UBSan.
. "$(dirname "$0")/../lib.sh"
cd "$PNB_TOP"
ls tests/fuzz/fuzz_*.c >/dev/null 2>&1 || skip "no fuzz harnesses yet"
need clang
make -s -j2 fuzz-build >"$T/build.log" 2>&1 || { cat "$T/build.log"; fail "fuzz build failed"; }
FUZZ_SECONDS=${PNB_FUZZ_SMOKE:-3} bash tests/fuzz/run.sh || fail "a fuzzer found a problem"
