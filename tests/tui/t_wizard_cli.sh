#!/usr/bin/env bash
# The wizard's command line without a terminal: --help, bad options, no terminal, a broken
# profile, and the key table (--keys) matching the man page.
. "$(dirname "$0")/../lib.sh"
expect_exit 0 "$PINETBOOT" wizard --help
expect_grep "Usage: pinetboot wizard \[SITE\]" "$T/out"
expect_grep "Exit status" "$T/out"
expect_exit 2 "$PINETBOOT" wizard --frobnicate
expect_grep "^pinetboot wizard: unknown option '--frobnicate'" "$T/err"
expect_grep "Try 'pinetboot wizard --help'" "$T/err"
expect_exit 2 "$PINETBOOT" wizard a.conf b.conf
expect_grep "unexpected argument 'b.conf'" "$T/err"
# no terminal: a clear error, not a broken screen
cd "$T"
expect_exit 2 "$PINETBOOT" wizard site.conf </dev/null
expect_grep "needs a terminal" "$T/err"
expect_exit 2 "$PINETBOOT" --mono </dev/null
expect_grep "needs a terminal" "$T/err"
[[ ! -e $T/site.conf ]] || fail "the wizard wrote a profile without being asked"
# a profile inih cannot read: named with its line
printf '[server]\ninterface eth0\n' >"$T/bad.conf"
expect_exit 2 "$PINETBOOT" wizard bad.conf </dev/null
expect_grep "bad.conf:2: cannot be parsed" "$T/err"
# the man page's key table is exactly what --keys-man prints (regenerate it from there)
expect_exit 0 "$PINETBOOT" wizard --keys
[[ $(wc -l <"$T/out") -ge 15 ]] || fail "short key table"
expect_exit 0 "$PINETBOOT" wizard --keys-man
man="$PNB_TOP/man/pinetboot.1"
awk '/^prints the key table below/{f=1} f&&/^\.RS$/{g=1;next} g&&/^\.RE$/{exit} g' "$man" >"$T/man-keys"
diff "$T/out" "$T/man-keys" || fail "man/pinetboot.1's key table differs from 'pinetboot wizard --keys-man'"
exit 0
