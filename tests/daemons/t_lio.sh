#!/usr/bin/env bash
# The LIO file is saveconfig JSON for `targetctl restore` (no kernel target here, so nothing
# loads it into configfs): it parses; per Pi one fileio backstore of its backing with the size
# in bytes, one target, LUN 0, exactly one ACL (the Pi's initiator), CHAP on the ACL with
# authentication=1, generate_node_acls=0; no shell anywhere. Where python3-rtslib-fb is
# installed, rtslib's own classes check the keys (its restore() needs configfs, so only the
# constructor and ACL attribute names are checked, not a real load). README.txt and the
# Ansible playbook load it with targetctl restore.
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
rpy=
for py in python3 /usr/bin/python3; do # Debian's rtslib is in the system Python's path
  "$py" -c 'import rtslib_fb' 2>/dev/null && { rpy=$py; break; }
done
if [[ $rpy ]]; then
  "$rpy" - "$j" <<'EOP' || fail "rtslib does not accept the LIO JSON's keys"
import inspect, json, sys
from rtslib_fb.root import so_mapping
from rtslib_fb.target import NodeACL
c = json.load(open(sys.argv[1]))
for so in c["storage_objects"]:
    kw = {k: v for k, v in so.items() if k not in ("exists", "attributes", "plugin")}
    inspect.signature(so_mapping[so["plugin"]].__init__).bind(None, **kw)  # restore()'s call
for t in c["targets"]:
    for acl in t["tpgs"][0]["node_acls"]:
        for k in acl:
            if k not in ("attributes", "mapped_luns", "node_wwn"):
                assert isinstance(getattr(NodeACL, k), property), k  # restore() setattr()s it
EOP
else
  echo "python3-rtslib-fb not installed: structural check only"
fi
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
expect_grep "targetctl restore /etc/rtslib-fb-target/pinetboot.json" "$T/exp/README.txt"
expect_grep "REPLACES the" "$T/exp/README.txt"
# Ansible: the same JSON is copied there and its handler runs targetctl, no script
expect_exit 0 "$PINETBOOT" export "$T/site.conf" -o "$T/ans" --format ansible
cmp -s "$j" "$T/ans/files/iscsi/lio-pinetboot.json" || fail "Ansible LIO JSON differs"
expect_grep "^      ansible.builtin.command: targetctl restore /etc/rtslib-fb-target/pinetboot.json$" "$T/ans/playbook.yml"
expect_grep "notify: restore LIO" "$T/ans/playbook.yml"
expect_no_grep "targetcli" "$T/ans/playbook.yml"
exit 0
