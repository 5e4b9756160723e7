#!/usr/bin/env bash
# The LIO file is saveconfig JSON for `targetctl restore` (no kernel target here, so nothing
# loads it into configfs): it parses; per Pi one fileio backstore of its backing with the size
# in bytes, one target, LUN 0, exactly one ACL (the Pi's initiator), CHAP on the ACL with
# authentication=1, generate_node_acls=0; no shell anywhere. Where python3-rtslib-fb is
# installed, rtslib's own classes check the keys (its restore() needs configfs, so only the
# constructor and ACL attribute names are checked, not a real load: lio_rtslib_keys.py). apply
# merges it into saveconfig.json and runs targetctl restore; the Ansible playbook restores its
# own copy.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/mksite.sh"
command -v python3 >/dev/null || skip "python3 is needed to parse the JSON"
mksite "$T/site.conf" iscsi_target=lio
expect_exit 0 "$PINETBOOT" export "$T/site.conf" -o "$T/exp"
j="$T/exp/iscsi/lio-pinetboot.json"
[[ $(stat -c %a "$j") == 600 ]] || fail "LIO JSON is not 0600 (it holds CHAP secrets)"
[[ ! -e $T/exp/iscsi/targetcli-pinetboot.sh ]] || fail "the targetcli script is still written"
expect_no_grep '^#!' "$j"
python3 - "$j" "$T/iscsi" <<'EOP' || fail "LIO JSON structure"
import json, sys
c = json.load(open(sys.argv[1]))
iqn = "iqn.2026-11.lan.example"
sos = {s["name"]: s for s in c["storage_objects"]}
assert set(sos) == {"kitchen", "garage", "studio"}, sos
for n, so in sos.items():
    assert so["plugin"] == "fileio" and so["dev"] == "%s/%s.img" % (sys.argv[2], n), so
assert sos["kitchen"]["size"] == 64 << 20, sos["kitchen"]
assert len(c["targets"]) == 3
for t in c["targets"]:
    name = t["wwn"].rsplit("root-", 1)[1]
    assert t["fabric"] == "iscsi" and t["wwn"] == "%s:root-%s" % (iqn, name), t
    [tpg] = t["tpgs"]
    assert tpg["attributes"]["generate_node_acls"] == 0, tpg
    assert tpg["luns"] == [{"index": 0, "storage_object": "/backstores/fileio/" + name}], tpg
    [acl] = tpg["node_acls"]
    assert acl["node_wwn"] == "%s:%s" % (iqn, name), acl
    assert acl["mapped_luns"][0]["tpg_lun"] == 0
    assert tpg["portals"] == [{"ip_address": "192.168.20.1", "port": 3260}], tpg
    chap = name != "studio"
    assert tpg["attributes"]["authentication"] == (1 if chap else 0), tpg
    assert ("chap_password" in acl) == chap, acl
    if chap:
        assert acl["chap_userid"] == name and len(acl["chap_password"]) == 16, acl
EOP
# rtslib's own classes (Debian's rtslib is in the system Python's path)
rc=77
for py in python3 /usr/bin/python3; do
  "$py" "$(dirname "$0")/lio_rtslib_keys.py" "$j"
  rc=$?
  [[ $rc -eq 77 ]] || break
done
[[ $rc -eq 77 ]] && echo "python3-rtslib-fb not installed: structural check only"
[[ $rc -eq 0 || $rc -eq 77 ]] || fail "rtslib does not accept the LIO JSON's keys"
# a block device backing is a block backstore with no size
sed '0,/^backing = .*/s##backing = /dev/sdz#' "$T/site.conf" >"$T/blk.conf"
expect_exit 0 "$PINETBOOT" export "$T/blk.conf" -o "$T/blk"
python3 - "$T/blk/iscsi/lio-pinetboot.json" <<'EOP' || fail "block backstore"
import json, sys
c = json.load(open(sys.argv[1]))
assert c["storage_objects"][0] == {"name": "kitchen", "plugin": "block", "dev": "/dev/sdz"}, c
assert c["targets"][0]["tpgs"][0]["luns"][0]["storage_object"] == "/backstores/block/kitchen"
EOP
expect_grep "lun-0-part2" "$T/exp/tftp/dc-a6-32-1c-6a-2a/cmdline.txt"
# apply merges it into rtslib's saveconfig.json (tests/hostile/t_lio_merge.sh); README says so
expect_grep "^      -> /etc/rtslib-fb-target/saveconfig.json (merged: .*); then: targetctl restore /etc/rtslib-fb-target/saveconfig.json$" "$T/exp/README.txt"
expect_grep "would REPLACE the running configuration" "$T/exp/README.txt"
expect_grep "apply reads the running configuration" "$T/exp/README.txt"
expect_grep "save it with \`targetcli saveconfig\`, or remove it" "$T/exp/README.txt"
# Ansible: the same JSON, staged and merged by the exported module (its rule is apply's:
# tests/hostile/t_lio_merge_ansible.sh), then targetctl restores saveconfig.json; no script
expect_exit 0 "$PINETBOOT" export "$T/site.conf" -o "$T/ans" --format ansible
cmp -s "$j" "$T/ans/files/iscsi/lio-pinetboot.json" || fail "Ansible LIO JSON differs"
expect_grep "^      ansible.builtin.command: targetctl restore /etc/rtslib-fb-target/saveconfig.json$" "$T/ans/playbook.yml"
expect_grep "^      pinetboot_lio_merge:$" "$T/ans/playbook.yml"
expect_grep "^        dest: '/etc/rtslib-fb-target/saveconfig.json'$" "$T/ans/playbook.yml"
expect_grep "^        iqn_base: 'iqn.2026-11.lan.example'$" "$T/ans/playbook.yml"
expect_grep "notify: restore LIO" "$T/ans/playbook.yml"
expect_grep "^        staged_changed: \"{{ pinetboot_lio_staged.changed }}\"$" "$T/ans/playbook.yml"
expect_no_grep "targetcli\|restore /etc/rtslib-fb-target/pinetboot.json" "$T/ans/playbook.yml"
cmp -s "$PNB_TOP/templates/pinetboot_lio_merge.py.tmpl" "$T/ans/library/pinetboot_lio_merge.py" ||
	fail "the exported LIO module differs from its template"
expect_grep "The playbook merges the same way" "$T/ans/README.txt"
if command -v ansible-playbook >/dev/null; then # the module is found beside the playbook
	(cd "$T/ans" && ANSIBLE_LOCAL_TEMP="$T/at" ANSIBLE_HOME="$T/ah" ansible-playbook -i inventory.yml --syntax-check playbook.yml) >"$T/syntax" 2>&1 ||
		{ cat "$T/syntax"; fail "ansible-playbook --syntax-check"; }
fi
# tgt: no module, no merge task
mksite "$T/tgt.conf"
expect_exit 0 "$PINETBOOT" export "$T/tgt.conf" -o "$T/ans-tgt" --format ansible
[[ ! -e $T/ans-tgt/library ]] || fail "a tgt site's export has the LIO module"
expect_no_grep "pinetboot_lio_merge" "$T/ans-tgt/playbook.yml"
exit 0
