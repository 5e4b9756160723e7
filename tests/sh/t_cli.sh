#!/usr/bin/env bash
# The command line: help, version, unknown commands and options.
. "$(dirname "$0")/../lib.sh"
expect_exit 0 "$PINETBOOT" --help
expect_grep "Usage: pinetboot" "$T/out"
expect_exit 0 "$PINETBOOT" --version
expect_grep "^pinetboot [0-9]" "$T/out"
expect_exit 2 "$PINETBOOT" frobnicate
expect_grep "'frobnicate' is not a command" "$T/err"
expect_grep "Try 'pinetboot --help'" "$T/err"
# every listed command answers --help with exit 0 and a Usage line
for c in $("$PINETBOOT" --help | awk '/^Commands:/{f=1;next} /^$/{f=0} f{print $1}'); do
  [[ "$c" == wizard ]] && continue
  expect_exit 0 "$PINETBOOT" "$c" --help
  grep -qi "usage" "$T/out" || fail "$c --help has no usage line"
done
exit 0
