#!/usr/bin/env bash
# LIO, rule 4, differential: the LIO merge has two homes, `pinetboot apply` (C, jansson) and the
# Ansible export's library/pinetboot_lio_merge.py (Python, run by the playbook on the server).
# Each case prepares the same root twice; apply --root runs on one, the module (run directly,
# as Ansible runs it, with root=) on the other. Both must merge to the same bytes (hence the
# same objects kept, in the same order; mode 0600; the old file kept as a backup) or both
# refuse with the same message, leaving the root as it was. Then the module runs from a
# playbook (check mode, real, again: unchanged; check mode when the staged JSON changed). No kernel LIO here: files are compared, never
# loaded.
. "$(dirname "$0")/../lib.sh"
need python3
# the Python Ansible runs modules with (the system's, where python3 on PATH may be another)
PY=
for py in python3 /usr/bin/python3; do
	"$py" -c 'import ansible.module_utils.basic' 2>/dev/null && { PY=$py; break; }
done
[[ -n $PY ]] || skip "ansible-core (python3) is not installed"
T=$(cd "$T" && pwd -P)
cases=0
. "$(dirname "$0")/lib_hostile.sh"
BASE=$LIO_BASE
S=/etc/rtslib-fb-target/saveconfig.json
site() { # FILE [PI...] — lio_site, and the export the playbook would carry
	lio_site "$@"
	# same secrets file as apply's
	expect_exit 0 "$PINETBOOT" export "$1" -o "$1.ans" --format ansible
}
site "$T/site.conf" kitchen garage
site "$T/one.conf" kitchen
site "$T/custom.conf" custom
MODULE=$T/site.conf.ans/library/pinetboot_lio_merge.py
cmp -s "$MODULE" "$PNB_TOP/templates/pinetboot_lio_merge.py.tmpl" ||
	fail "the exported module differs from its template (the renderer changed it)"

admin_conf() { lio_admin_conf "$@"; }
snap() { (cd "$1" && find . -printf '%p %y %m %s\n' | sort && find . -type f -exec sha256sum {} + | sort); }
# same NAME SITE PREP — PREP (a shell function given the root) makes a root, copied for the
# module; apply runs on the first now, the module on the copy later (one Python for all cases);
# check_all compares. The C root stays in $T/c (the input of a case that goes on from it).
n=0
same() {
	local name=$1 site=$2 prep=$3
	n=$((n + 1))
	rm -rf "$T/c"
	mkdir "$T/c"
	"$prep" "$T/c"
	cp -a "$T/c" "$T/p$n"
	snap "$T/p$n" >"$T/p$n.before"
	snap "$T/c" | grep rtslib >"$T/c$n.before"
	local run=
	if [[ -n ${LIVE-} ]]; then # the running configuration: a file, or "down" (LIO not loaded)
		run=$T/run$n.json
		[[ $LIVE == down ]] || cp "$LIVE" "$run"
	fi
	LIO_RUNNING=$run PNB_TEST_LIO_LIVE=$run PATH="$T/bin:$PATH" \
		timeout 60 "$PINETBOOT" apply "$site" --root "$T/c" >"$T/c$n.out" 2>"$T/c$n.err"
	echo $? >"$T/c$n.rc"
	cp -a "$T/c/." "$T/c$n.root"
	printf '%s\t%s\t%s\t%s\n' "$n" "$site" "$name" "$run" >>"$T/cases"
}
go_on() { cp -a "$T/c$((n - 1)).root/." "$1/"; } # PREP: the root the last case left
# the module's run() for each case, as its main() reports it (the one-line JSON Ansible gets)
run_module() {
	"$PY" - "$MODULE" "$T" "$S" "$BASE" <"$T/cases" <<'EOP'
import importlib.util, json, os, sys
spec = importlib.util.spec_from_file_location("m", sys.argv[1])
m = importlib.util.module_from_spec(spec)
spec.loader.exec_module(m)
sys.setrecursionlimit(max(sys.getrecursionlimit(), 4 * m.MAX_DEPTH + 200))
t, dest, base = sys.argv[2:5]
path = os.environ["PATH"]
for line in open(t + "/cases"):
    n, site, _, run = line.rstrip("\n").split("\t")
    os.environ["LIO_RUNNING"] = run  # the stub targetctl's running configuration
    os.environ["PATH"] = t + "/bin:" + path
    try:
        changed, backup, msg = m.run(site + ".ans/files/iscsi/lio-pinetboot.json", dest, base,
                                     "%s/p%s" % (t, n), False, live=bool(run))
        r = {"changed": changed, "msg": msg}
    except m.Refused as e:
        r = {"failed": True, "changed": False, "msg": "%s; nothing was changed" % e}
    json.dump(r, open("%s/p%s.json" % (t, n), "w"))
    # for the shell: changed, failed; the message
    open("%s/p%s.res" % (t, n), "w").write("%s\n%s\n" % (r["changed"], r.get("failed", "")))
    open("%s/p%s.msg" % (t, n), "w").write(r["msg"] + "\n")
EOP
}
py() { # changed|failed|msg of case $i
	case $1 in
	changed) sed -n 1p "$T/p$i.res" ;;
	failed) sed -n 2p "$T/p$i.res" ;;
	msg) cat "$T/p$i.msg" ;;
	esac
}
check_all() {
	local i site name rc failed
	while IFS=$'\t' read -r i site name _; do
		rc=$(cat "$T/c$i.rc"); failed=$(py failed)
		local c=$T/c$i.root p=$T/p$i
		case $rc:$failed in
		0:)
			cmp -s "$c$S" "$p$S" || { diff "$c$S" "$p$S" | head -20; fail "$name: the merged files differ"; }
			[[ $(stat -c %a "$c$S") == 600 && $(stat -c %a "$p$S") == 600 ]] || fail "$name: mode"
			local bc bp
			bc=$(ls "$c/etc/rtslib-fb-target/" | grep -c 'saveconfig.json.pinetboot-')
			bp=$(ls "$p/etc/rtslib-fb-target/" | grep -c 'saveconfig.json.pinetboot-')
			[[ $bc == "$bp" ]] || fail "$name: backups: apply $bc, module $bp"
			if grep -q "saveconfig.json" "$T/c$i.out"; then
				[[ $(py changed) == True ]] || fail "$name: apply changed it, the module did not"
			else
				[[ $(py changed) == False ]] || fail "$name: the module changed what apply left"
			fi
			;;
		2:True)
			local mc mp
			mc=$(grep -o "$S: .*" "$T/c$i.err" | head -1 | sed "s#^$S: ##")
			mp=$(py msg | sed "s#^$S: ##; s#; nothing was changed\$##")
			# a clash or a file refused before the merge: the same text; JSON refused: its kind
			if [[ $mc == *"is already there"* || $mc == "cannot be read"* || $mc == "the running LIO"* ]]; then
				[[ $mc == "$mp" ]] || fail "$name: apply says <$mc>, the module <$mp>"
			else
				local kind='does not parse as JSON|is not a JSON object|is not a list'
				[[ $mc =~ $kind && $mp =~ $kind ]] || fail "$name: apply says <$mc>, the module <$mp>"
			fi
			[[ $(snap "$p") == $(cat "$p.before") ]] || fail "$name: the module changed the root although it refused"
			[[ $(snap "$c" | grep rtslib) == $(cat "$T/c$i.before") ]] ||
				fail "$name: apply changed rtslib's directory although it refused"
			grep -q adminsecret12 "$p.json" "$T/c$i.err" && fail "$name: a secret in a message"
			;;
		*) cat "$T/c$i.err" "$p.json" >&2; fail "$name: apply exit $rc, module failed=$failed" ;;
		esac
		echo "same: $name (apply exit $rc, module changed=$(py changed))"
		cases=$((cases + 1))
	done <"$T/cases"
}

none() { :; }
admin() { admin_conf "$1$S"; }
edit() { # ROOT PYTHON — the admin's file, changed by PYTHON (c is the parsed file)
	admin_conf "$1$S"
	python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); exec(sys.argv[2]); json.dump(c, open(sys.argv[1], "w"), indent=1)' "$1$S" "$2"
}
raw() { mkdir -p "$(dirname "$1$S")"; printf '%b' "$RAW" >"$1$S"; }

# the cases of t_lio_merge
same "admin's file merged" "$T/site.conf" admin
same "twice: unchanged" "$T/site.conf" go_on
same "a Pi leaves the profile" "$T/one.conf" go_on
same "no saveconfig.json yet" "$T/site.conf" none
same "IQN clash" "$T/custom.conf" admin
bs_clash() { admin_conf "$1$S"; sed -i 's#"name": "nas"#"name": "kitchen"#; s#fileio/nas#fileio/kitchen#' "$1$S"; }
same "backstore clash" "$T/site.conf" bs_clash
for RAW in 'targetcli saveconfig' '{"targets": [], "targets": []}' '[1, 2]' '{"targets": {"a": 1}}' \
	'{"targets": [{"wwn": "\xff"}]}'; do
	same "malformed: $RAW" "$T/site.conf" raw
done
deep() { mkdir -p "$(dirname "$1$S")"; head -c 100000 /dev/zero | tr '\0' '[' >"$1$S"; }
same "nesting 100000 deep" "$T/site.conf" deep
big() { mkdir -p "$(dirname "$1$S")"; head -c $((9 << 20)) /dev/zero | tr '\0' ' ' >"$1$S"; }
same "9 MiB" "$T/site.conf" big
fifo() { mkdir -p "$(dirname "$1$S")"; mkfifo "$1$S"; }
same "FIFO" "$T/site.conf" fifo
admin_conf "$T/elsewhere.json"
link() { mkdir -p "$(dirname "$1$S")"; ln -s "$T/elsewhere.json" "$1$S"; }
same "link" "$T/site.conf" link

# more of the rule, at its edges
dirlink() { mkdir -p "$1/etc" "$T/realdir"; ln -s "$T/realdir" "$1/etc/rtslib-fb-target"; }
same "a linked directory" "$T/site.conf" dirlink
for RAW in '' ' \n\t\r\n' '\0\0\0\0' '{}' '{"targets": null}' '{"storage_objects": []}' \
	'{"targets": [{"wwn": "a\\u0000b"}]}' '{"targets": [{"wwn": "\\ud800"}]}' \
	'{"n": 9223372036854775808}' '{"n": 9223372036854775807, "targets": []}' '{"n": 1e400}' \
	'{"n": NaN}' '42' '{"a": 1} x' '\xef\xbb\xbf{}' '{"targets": [1, "x", {"wwn": 5}, {"tpgs": 3}]}'; do
	same "edge: $RAW" "$T/site.conf" raw
done
nest() { mkdir -p "$(dirname "$1$S")"; { printf '{"x": '; head -c "$DEPTH" /dev/zero | tr '\0' '['; head -c "$DEPTH" /dev/zero | tr '\0' ']'; printf '}'; } >"$1$S"; }
DEPTH=2047; same "nesting 2048 deep" "$T/site.conf" nest
DEPTH=2048; same "nesting 2049 deep" "$T/site.conf" nest
# pinetboot's earlier objects: a target outside iqn_base on a rendered backstore is replaced,
# an unused backstore is pinetboot's only when it is exactly the rendered one
same "custom IQN, first" "$T/custom.conf" none
same "custom IQN, again" "$T/custom.conf" go_on
unused_same() { none; python3 - "$1$S" "$T/site.conf.ans/files/iscsi/lio-pinetboot.json" <<'EOP'
import json, os, sys
ours = json.load(open(sys.argv[2]))
os.makedirs(os.path.dirname(sys.argv[1]), exist_ok=True)
json.dump({"storage_objects": ours["storage_objects"][:1], "targets": []}, open(sys.argv[1], "w"))
EOP
}
same "an unused backstore as rendered" "$T/site.conf" unused_same
unused_other() { edit "$1" 'c["targets"] = []; c["storage_objects"][0]["name"] = "kitchen"'; }
same "an unused backstore of the admin's" "$T/site.conf" unused_other
old_pi() { edit "$1" 'c["targets"].append({"wwn": "iqn.2026-11.lan.example:root-shed", "tpgs": [{"luns": [{"index": 0, "storage_object": "/backstores/fileio/shed"}]}]}); c["storage_objects"].append({"plugin": "fileio", "name": "shed", "dev": "/srv/shed.img"})'; }
same "a Pi of an earlier apply" "$T/site.conf" old_pi
shared() { edit "$1" 'c["targets"].append({"wwn": "iqn.2026-11.lan.example:root-shed", "tpgs": [{"luns": [{"index": 0, "storage_object": "/backstores/fileio/nas"}]}]})'; }
same "a backstore both use" "$T/site.conf" shared
order() { edit "$1" 'c = {"targets": c["targets"], "zzz": {"b": 1, "a": [True, 1, 1.5, None, "é"]}, "storage_objects": c["storage_objects"]}'; }
same "the admin's key order and values" "$T/site.conf" order

# the running configuration (the restore clears it): a stub targetctl first on PATH writes
# $LIO_RUNNING as `targetctl save FILE` would, or fails as with LIO not loaded (no configfs
# target directory here); apply (PNB_TEST_LIO_LIVE) and the module (live=True) refuse the same
mkdir -p "$T/bin"
cat >"$T/bin/targetctl" <<'EOS'
#!/bin/sh
printf '%s\n' "$*" >>"${LIO_RUNNING}.argv"
[ -f "$LIO_RUNNING" ] || { echo "No such file or directory: '/sys/kernel/config/target'" >&2; exit 255; }
cp "$LIO_RUNNING" "$2"
EOS
chmod +x "$T/bin/targetctl"
running() { # PYTHON — the admin's configuration changed by PYTHON (c), into $T/running.json
	lio_admin_conf "$T/running.json"
	python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); exec(sys.argv[2]); json.dump(c, open(sys.argv[1], "w"))' "$T/running.json" "$1"
}
LIVE=$T/running.json
running pass; same "running: as saved" "$T/site.conf" admin
running 'c["targets"].append({"fabric": "iscsi", "wwn": "iqn.2003-01.org.admin:new", "tpgs": [{"tag": 1, "portals": [{"ip_address": "0.0.0.0", "port": 3260}]}]})'
same "running: an unsaved target" "$T/site.conf" admin
running 'c["storage_objects"].append({"plugin": "block", "name": "scratch", "dev": "/dev/sdq"})'
same "running: an unsaved backstore" "$T/site.conf" admin
running pass; same "running: nothing saved yet" "$T/site.conf" none
upper() { edit "$1" 'c["targets"][0]["wwn"] = "iqn.2003-01.org.Admin:NAS"'; } # rtslib lower-cases
running pass; same "running: a WWN lower-cased" "$T/site.conf" upper
LIVE=down same "running: LIO not loaded" "$T/site.conf" admin
unset LIVE

run_module
check_all
# the live cases ran targetctl as `save TMPFILE` (twice: apply and the module), and refused
for f in "$T"/run*.json.argv; do
	[[ $(grep -c "^save /.*/pinetboot-lio\.[A-Za-z0-9_]*/running\.json$" "$f") == 2 ]] ||
		{ cat "$f"; fail "targetctl was not run as 'save TMPFILE' by both: $f"; }
done
[[ $(ls "$T"/run*.json.argv | wc -l) == 6 ]] || fail "not every live case ran targetctl"
grep -q "(target iqn.2003-01.org.admin:new, TPG 1 of target iqn.2003-01.org.admin:new, portal 0.0.0.0:3260 of target iqn.2003-01.org.admin:new TPG 1): .targetctl restore. would destroy them; save them with .targetcli saveconfig., or remove them, then apply again; nothing was changed" "$T"/p*.json ||
	fail "the module does not name the unsaved target"

# main(), as Ansible runs it: a refusal fails the task with the message
"$PY" -c 'import json,sys; json.dump({"ANSIBLE_MODULE_ARGS": {"src": sys.argv[1], "iqn_base": sys.argv[2], "root": sys.argv[3]}}, open(sys.argv[4], "w"))' \
	"$T/custom.conf.ans/files/iscsi/lio-pinetboot.json" "$BASE" "$T/p5" "$T/args.json"
(cd "$T" && timeout 60 "$PY" "$MODULE" "$T/args.json") >"$T/main.json" 2>&1 && fail "the module's main() did not fail on a clash"
grep -q '"failed": true' "$T/main.json" && grep -q "$S: target iqn.2003-01.org.admin:nas is already there and is not pinetboot's.*; nothing was changed" "$T/main.json" ||
	{ cat "$T/main.json"; fail "main() on a clash"; }

# through Ansible: check mode changes nothing, a run merges as apply does, a second is unchanged
need ansible-playbook jq
export ANSIBLE_LOCAL_TEMP="$T/ansible-tmp" ANSIBLE_HOME="$T/ansible-home" ANSIBLE_NOCOLOR=1 \
	ANSIBLE_LIBRARY="$T/site.conf.ans/library" ANSIBLE_STDOUT_CALLBACK=json ANSIBLE_REMOTE_TMP="$T/ansible-remote"
rm -rf "$T/pb"; mkdir "$T/pb"; admin "$T/pb"
cat >"$T/merge.yml" <<EOY
- hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - pinetboot_lio_merge:
        src: "$T/site.conf.ans/files/iscsi/lio-pinetboot.json"
        iqn_base: "$BASE"
        root: "$T/pb"
        staged_changed: "{{ restage | default(false) }}"
EOY
playbook() { # MODE CHANGED — one run; its task's "changed" must be CHANGED
	local before; before=$(snap "$T/pb")
	(cd "$T" && timeout 120 ansible-playbook -i localhost, -e ansible_python_interpreter="$PY" "$T/merge.yml" $1) >"$T/pb.json" 2>"$T/pb.err" ||
		{ cat "$T/pb.json" "$T/pb.err" >&2; fail "ansible-playbook $1"; }
	[[ $(jq -r '.plays[0].tasks[0].hosts.localhost.changed' "$T/pb.json") == "$2" ]] ||
		fail "ansible-playbook $1: changed is not $2"
	[[ $1 != --check || $(snap "$T/pb") == "$before" ]] || fail "check mode changed the root"
	cases=$((cases + 1))
}
echo "playbooks from $SECONDS s"
playbook --check true
playbook "" true
cmp -s "$T/c1.root$S" "$T/pb$S" || fail "the playbook's merge differs from apply's"
playbook "" false
# check mode after the staging changed pinetboot's JSON (the staged copy is the last run's)
playbook "--check -e restage=true" true
echo "$cases cases held"
