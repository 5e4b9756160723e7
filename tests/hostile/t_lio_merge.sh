#!/usr/bin/env bash
# LIO, rule 4 (nothing destroyed that pinetboot did not create): apply merges the Pis' targets
# into rtslib's saveconfig.json under --root (no kernel LIO here: the file is checked, not
# loaded). The admin's backstores, targets and fabric settings stay byte for byte as JSON values,
# pinetboot's of an earlier apply are replaced (a Pi that left the profile loses its target),
# applying twice changes nothing, rtslib's classes accept the keys; a name clash, a file that
# does not parse, one past the size limit, a FIFO or a link there are refused with the file left
# as it was; --no-edit leaves it alone.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib_hostile.sh"
need python3
T=$(cd "$T" && pwd -P)
sentinel_make "$T/sentinel"
cases=0
ok() { cases=$((cases + 1)); }
BASE=$LIO_BASE
site() { lio_site "$@"; }
admin_conf() { lio_admin_conf "$@"; }
site "$T/site.conf" kitchen garage
S=/etc/rtslib-fb-target/saveconfig.json
A=(timeout 30 "$PINETBOOT" apply "$T/site.conf")
# check_merged FILE ADMIN PIS... — FILE holds ADMIN's objects unchanged and exactly the Pis'
check_merged() {
	python3 - "$@" <<'EOP' || fail "merged saveconfig.json: $*"
import json, sys
got, admin, pis = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), sys.argv[3:]
assert got["fabric_modules"] == admin["fabric_modules"], got
assert got["storage_objects"][0] == admin["storage_objects"][0], got["storage_objects"]
assert got["targets"][0] == admin["targets"][0], got["targets"]
ours = [t["wwn"] for t in got["targets"][1:]]
assert ours == ["iqn.2026-11.lan.example:root-" + p for p in pis], ours
assert [s["name"] for s in got["storage_objects"][1:]] == pis, got["storage_objects"]
EOP
}
rtslib_keys() {
	local py rc=77
	for py in python3 /usr/bin/python3; do
		"$py" "$PNB_TOP/tests/daemons/lio_rtslib_keys.py" "$1"
		rc=$?
		[[ $rc -eq 77 ]] || break
	done
	[[ $rc -eq 0 || $rc -eq 77 ]] || fail "rtslib does not accept the keys of $1"
}

# a root holding the admin's saveconfig.json: merged, admin's kept, mode 0600, keys rtslib's
r="$T/r1"; admin_conf "$r$S"; cp "$r$S" "$T/admin.json"
expect_exit 0 "${A[@]}" --root "$r"
expect_grep "^changed  $r$S (old file kept as " "$T/out"
expect_grep "targetctl restore $S$" "$T/out"
check_merged "$r$S" "$T/admin.json" kitchen garage
[[ $(stat -c %a "$r$S") == 600 ]] || fail "saveconfig.json is not 0600"
rtslib_keys "$r$S"
cmp -s "$T/admin.json" "$(ls "$r$S".pinetboot-*)" || fail "the backup is not the admin's file"; ok
# twice: nothing changes, no restore
expect_exit 0 "${A[@]}" --root "$r"
expect_grep "^0 file(s) changed" "$T/out"
expect_no_grep "targetctl" "$T/out"; ok
# a Pi leaves the profile: its target and backstore go, the admin's stay
site "$T/one.conf" kitchen
expect_exit 0 timeout 30 "$PINETBOOT" apply "$T/one.conf" --root "$r"
check_merged "$r$S" "$T/admin.json" kitchen; ok
# no saveconfig.json yet: made with only the Pis' objects
mkdir "$T/r0"
expect_exit 0 "${A[@]}" --root "$T/r0"
python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); assert [t["wwn"] for t in c["targets"]] == ["iqn.2026-11.lan.example:root-kitchen", "iqn.2026-11.lan.example:root-garage"], c' "$T/r0$S" ||
	fail "a fresh saveconfig.json"; ok

# refused: the file is left exactly as it was, nothing else installed
refused() { # NAME MESSAGE [apply args] — with $r$S prepared
	local name=$1 msg=$2; shift 2
	local before; before=$(cd "$r" && find . -printf '%p %y %m %s\n' | sort; find . -type f -exec sha256sum {} + | sort)
	expect_exit 2 timeout 30 "$PINETBOOT" apply "$@" --root "$r"
	expect_grep "$msg" "$T/err"
	expect_grep "nothing was changed" "$T/err"
	[[ $(cd "$r" && find . -printf '%p %y %m %s\n' | sort; find . -type f -exec sha256sum {} + | sort) == "$before" ]] ||
		fail "$name: the root changed although apply refused"
	expect_no_grep "adminsecret12" "$T/err"
	ok
}
# an admin target with the IQN the profile gives a Pi (outside iqn_base)
site "$T/custom.conf" custom
r="$T/r2"; admin_conf "$r$S"
refused "IQN clash" "$S: target iqn.2003-01.org.admin:nas is already there and is not pinetboot's" "$T/custom.conf"
# an admin backstore named as a Pi's, used by the admin's target
r="$T/r3"; admin_conf "$r$S"; sed -i 's#"name": "nas"#"name": "kitchen"#; s#fileio/nas#fileio/kitchen#' "$r$S"
refused "backstore clash" "backstore /backstores/fileio/kitchen is already there and is not pinetboot's" "$T/site.conf"
# hostile files where saveconfig.json is expected
r="$T/r4"; mkdir -p "$r$(dirname $S)"
for bad in 'targetcli saveconfig' '{"targets": [], "targets": []}' '[1, 2]' '{"targets": {"a": 1}}' \
	"$(printf '{"targets": [{"wwn": "\xff"}]}')" "$(head -c 100000 /dev/zero | tr '\0' '[')"; do
	printf '%s' "$bad" >"$r$S"
	refused "malformed" "$S: .*\(does not parse as JSON\|is not a JSON object\|is not a list\)" "$T/site.conf"
done
head -c $((9 << 20)) /dev/zero | tr '\0' ' ' >"$r$S"
refused "9 MiB" "$S: cannot be read: File too large" "$T/site.conf"
rm "$r$S"; mkfifo "$r$S"
refused "FIFO" "$S: cannot be read: not a regular file" "$T/site.conf"
rm "$r$S"; admin_conf "$T/elsewhere.json"; ln -s "$T/elsewhere.json" "$r$S"
refused "link" "$S: cannot be read" "$T/site.conf"
# --no-edit: the admin's file stays as it is and nothing is installed for LIO
r="$T/r5"; admin_conf "$r$S"; cp "$r$S" "$T/r5.json"
expect_exit 0 "${A[@]}" --root "$r" --no-edit
cmp -s "$r$S" "$T/r5.json" || fail "--no-edit changed saveconfig.json"
expect_no_grep "targetctl" "$T/out"; ok

# the running configuration (issue 13 rule 4: the restore clears it): a stub targetctl first on
# PATH writes $T/running.json as `targetctl save FILE` would (or fails, as with LIO not loaded)
# and records its argv; PNB_TEST_LIO_LIVE makes --root count as the host's /
mkdir -p "$T/bin" "$T/tmp"
cat >"$T/bin/targetctl" <<EOS
#!/bin/sh
printf '%s\n' "\$*" >>"$T/targetctl.argv"
[ -f "$T/running.json" ] || { echo "No such file or directory: '/sys/kernel/config/target'" >&2; exit 255; }
cp "$T/running.json" "\$2"
EOS
chmod +x "$T/bin/targetctl"
live() { PNB_TEST_LIO_LIVE=1 PATH="$T/bin:$PATH" TMPDIR="$T/tmp" "$@"; }
running() { # PYTHON — the admin's configuration changed by PYTHON (c) as what runs
	lio_admin_conf "$T/running.json"
	python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); exec(sys.argv[2]); json.dump(c, open(sys.argv[1], "w"))' "$T/running.json" "$1"
}
argv_ok() {
	grep -qx "save $T/tmp/pinetboot-lio\.[A-Za-z0-9]*/running\.json" "$T/targetctl.argv" ||
		{ cat "$T/targetctl.argv"; fail "targetctl was not run as 'save TMPFILE'"; }
	[[ -z $(ls -A "$T/tmp") ]] || fail "the private directory of targetctl save was left behind"
	rm -f "$T/targetctl.argv"
}
# running == saved: merged
r="$T/r6"; admin_conf "$r$S"; running 'pass'
live expect_exit 0 "${A[@]}" --root "$r"
check_merged "$r$S" "$T/admin.json" kitchen garage; argv_ok; ok
# the Pis' objects as the kernel dumps them (attributes the file leaves out): not unsaved
cp "$r$S" "$T/running.json"
python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); [s.setdefault("attributes", {}).update(block_size=512) for s in c["storage_objects"]]; json.dump(c, open(sys.argv[1], "w"))' "$T/running.json"
site "$T/one.conf" kitchen
live expect_exit 0 timeout 30 "$PINETBOOT" apply "$T/one.conf" --root "$r"
check_merged "$r$S" "$T/admin.json" kitchen; argv_ok; ok
# LIO not loaded (targetctl save fails, no configfs target directory): nothing to lose
rm -f "$T/running.json"
r="$T/r7"; admin_conf "$r$S"
live expect_exit 0 "${A[@]}" --root "$r"
check_merged "$r$S" "$T/admin.json" kitchen garage; argv_ok; ok
# unsaved objects: refused, named, nothing written (not even the merged file)
unsaved() { # NAME PYTHON NAMED
	r="$T/r-$1"; admin_conf "$r$S"; running "$2"
	live refused "$1" "$S: the running LIO configuration holds what this file does not ($3): \`targetctl restore\` would destroy them; save them with \`targetcli saveconfig\`, or remove them, then apply again" "$T/site.conf"
	expect_no_grep "targetctl restore $S$" "$T/out"
	argv_ok
}
unsaved target 'c["targets"].append({"fabric": "iscsi", "wwn": "iqn.2003-01.org.admin:new", "tpgs": []})' \
	"target iqn.2003-01.org.admin:new"
unsaved backstore 'c["storage_objects"].append({"plugin": "block", "name": "scratch", "dev": "/dev/sdq"})' \
	"backstore /backstores/block/scratch"
unsaved acl 'c["targets"][0]["tpgs"][0]["node_acls"].append({"node_wwn": "iqn.2003-01.org.admin:laptop", "mapped_luns": []})' \
	"ACL iqn.2003-01.org.admin:laptop of target iqn.2003-01.org.admin:nas TPG 1"
# --dry-run says so too; no saveconfig.json yet: everything running is unsaved
r="$T/r8"; mkdir "$r"; running 'pass'
live expect_exit 2 "${A[@]}" --root "$r" --dry-run
expect_grep "(backstore /backstores/fileio/nas, target iqn.2003-01.org.admin:nas, TPG 1 of target" "$T/err"
[[ -z $(ls -A "$r") ]] || fail "a refused dry run wrote"; argv_ok; ok

sentinel_check "$T/sentinel"
echo "$cases cases held"
