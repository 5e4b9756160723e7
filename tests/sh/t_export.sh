#!/usr/bin/env bash
# export: byte-identical re-export (secrets included), secrets kept 0600 beside the profile,
# --diff, atomic replacement only of pinetboot exports, invalid profiles and templates write
# nothing and name file:line.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../daemons/mksite.sh"
mksite "$T/site.conf"
expect_exit 0 "$PINETBOOT" export "$T/site.conf" -o "$T/a"
[[ -f "$T/site.secrets" ]] || fail "no site.secrets beside the profile"
[[ $(stat -c %a "$T/site.secrets") == 600 ]] || fail "site.secrets is not 0600"
[[ $(stat -c %a "$T/a/pinetboot.secrets") == 600 ]] || fail "exported secrets are not 0600"
[[ $(stat -c %a "$T/a/iscsi/tgt-pinetboot.conf") == 600 ]] || fail "tgt file is not 0600"
secret=$(awk '/^secret/{print $3; exit}' "$T/site.secrets")
[[ ${#secret} -ge 12 && ${#secret} -le 16 ]] || fail "CHAP secret '$secret' is not 12-16 chars"
expect_grep "iscsi_password=$secret" "$T/a/tftp/dc-a6-32-1c-6a-2a/cmdline.txt"
cp "$T/site.secrets" "$T/secrets.before"

# re-export: same bytes everywhere, same secrets
expect_exit 0 "$PINETBOOT" export "$T/site.conf" -o "$T/b"
diff -r "$T/a" "$T/b" || fail "a second export differs"
cmp "$T/site.secrets" "$T/secrets.before" || fail "re-export changed the secrets"
# the same profile named by a relative path gives the same bytes too
(cd "$T" && "$PINETBOOT" export site.conf -o rel >/dev/null) || fail "relative export"
diff -r "$T/a" "$T/rel" || fail "export through a relative path differs"
# re-export over the same directory replaces it in place
expect_exit 0 "$PINETBOOT" export "$T/site.conf" -o "$T/a"
diff -r "$T/a" "$T/b" || fail "re-export into the same directory differs"
ls -a "$T" | grep -q '\.pinetboot-' && fail "a temporary directory was left behind"

# --diff: nothing to show, then a change, and nothing is written
expect_exit 0 "$PINETBOOT" export "$T/site.conf" -o "$T/a" --diff
[[ -s "$T/out" ]] && fail "--diff printed something for an unchanged profile"
sed -i 's/^interface = eth0/interface = eth1/' "$T/site.conf"
expect_exit 1 "$PINETBOOT" export "$T/site.conf" -o "$T/a" --diff
expect_grep '^-interface=eth0' "$T/out"
expect_grep '^+interface=eth1' "$T/out"
expect_grep '^+++ b/dnsmasq.d/pinetboot.conf' "$T/out"
diff -r "$T/a" "$T/b" >/dev/null || fail "--diff wrote into the output directory"
expect_exit 1 "$PINETBOOT" export "$T/site.conf" -o "$T/none" --diff
[[ -e "$T/none" ]] && fail "--diff created the output directory"

# an invalid profile: exit 2, file:line, nothing written (not even secrets)
mkdir "$T/bad"
printf '[server]\ninterface = eth0\naddress = 192.168.20.1/24\n[pi "x"]\nmodel = 4B\nmac = dc:a6:32\n' >"$T/bad/site.conf"
expect_exit 2 "$PINETBOOT" export "$T/bad/site.conf" -o "$T/bad/out"
expect_grep "site.conf:6: \[pi \"x\"\] mac:" "$T/err"
[[ -e "$T/bad/out" || -e "$T/bad/site.secrets" ]] && fail "an invalid profile wrote something"

# a directory that is not an export is never replaced
mkdir -p "$T/mine" && echo keep >"$T/mine/notes.txt"
expect_exit 2 "$PINETBOOT" export "$T/site.conf" -o "$T/mine"
expect_grep "is not a pinetboot export" "$T/err"
[[ $(cat "$T/mine/notes.txt") == keep ]] || fail "a foreign directory was touched"

# --templates: an override is used; a broken one is reported with file:line
mkdir "$T/tmpl"
printf '# mine\ntftp-root={{server.tftp_root}}\n' >"$T/tmpl/dnsmasq.conf.tmpl"
expect_exit 0 "$PINETBOOT" export "$T/site.conf" -o "$T/c" --templates "$T/tmpl"
[[ $(cat "$T/c/dnsmasq.d/pinetboot.conf") == $'# mine\ntftp-root=/srv/tftp' ]] || fail "override not used"
printf 'ok\n{{#pis}}\n{{pi.nmae}}\n{{/pis}}\n' >"$T/tmpl/dnsmasq.conf.tmpl"
expect_exit 2 "$PINETBOOT" export "$T/site.conf" -o "$T/d" --templates "$T/tmpl"
expect_grep "tmpl/dnsmasq.conf.tmpl:3: unknown field {{pi.nmae}}" "$T/err"
[[ -e "$T/d" ]] && fail "a bad template wrote something"
expect_exit 2 "$PINETBOOT" export "$T/site.conf" -o "$T/d" --templates "$T/nowhere"
expect_grep "is not a directory" "$T/err"

# usage errors
expect_exit 2 "$PINETBOOT" export "$T/site.conf"
expect_grep "expected -o DIR" "$T/err"
expect_exit 2 "$PINETBOOT" export "$T/site.conf" -o "$T/e" --format yaml
expect_grep "expected files or ansible" "$T/err"
expect_exit 2 "$PINETBOOT" export "$T/site.conf" -o "$T/e" --bogus
exit 0
